"""Agent images, tagged by content: an unchanged image is reused, a changed one rebuilt.

Two layers, as in SWE-bench's harness: ``mlebench-base:<hash12>`` (Python 3.11 and
the data-science stack, from ``docker/base.Dockerfile``) and ``mlebench-<agent>:<hash12>``
(the base plus the agent's folder, from the agent's Dockerfile or
``docker/agent.Dockerfile``). A hash covers the Dockerfile, every file of the build
context, the build arguments and the image id of the parent, so a re-pulled or
re-imported parent also gives a new tag. Builds run under a file lock, so pytest-xdist
workers asking for the same image build it once.

The base's parent is, in order: the ``base_image`` argument, else
``MLEBENCH_BASE_IMAGE`` (pulled if absent); ``python:3.11-slim`` when present; the
Debian image that ``scripts/build-offline-base.sh`` imports for machines without a
registry; else ``python:3.11-slim`` pulled from a registry.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING

import platformdirs
from docker.client import DockerClient
from docker.errors import APIError, DockerException, ImageNotFound
from docker.utils import parse_repository_tag
from filelock import FileLock

from ...catalog.registry import Agent

if TYPE_CHECKING:  # rich is imported where something is drawn: a session that builds nothing never loads it
    from rich.console import Console

DEFAULT_BASE_IMAGE = "python:3.11-slim"
BASE_REPO = "mlebench-base"
#: Alias tag of the Debian root filesystem imported by the offline build.
OFFLINE_ROOTFS = "mlebench-rootfs:bookworm"
#: The Python of the images (Debian bookworm's): the wheels downloaded on the host are for it.
PYTHON_VERSION = "3.11"
BASE_IMAGE_ENV = "MLEBENCH_BASE_IMAGE"
OFFLINE_SCRIPT_HINT = ("scripts/build-offline-base.sh (from an installed package: "
                       "python -m pytest_mlebench.runners.docker.offline_base)")
#: Left out of agent build contexts: caches that would change the hash without changing the agent.
_IGNORED = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".git"}

#: A build context: archive name -> file on disk or content (a name ending in "/" is a folder).
Context = Mapping[str, Path | bytes | None]


class ImageError(RuntimeError):
    """An image cannot be had; the message says what to do."""


def images_cache_dir() -> Path:
    """Wheels, root filesystems and build locks (shared by all sessions of this user)."""
    return Path(platformdirs.user_cache_dir("pytest-mlebench")) / "images"


def wheels_dir_for(requirements: bytes) -> Path:
    """Where the wheels of a requirements file are kept: one folder per file and architecture."""
    key = hashlib.sha256(requirements + platform.machine().encode())
    return images_cache_dir() / "wheels" / key.hexdigest()[:12]


def default_wheels_dir() -> Path:
    """The wheels of the base image (pytest_mlebench/docker/base-requirements.txt)."""
    return wheels_dir_for(docker_resource("base-requirements.txt"))


def download_wheels(requirements: bytes, console: Console | None = None, no_deps: bool = False) -> Path:
    """The wheels for this image's Python (cp311) and architecture, downloaded once on the host.

    Builds cannot reach an index (no registry, and PyPI's certificates may not be
    trusted inside a build container), so pip runs here and the wheels go into the
    build context. The folder appears whole: a ``.part`` folder renamed when done, by one
    process at a time (xdist workers building the same agent image share it).
    ``no_deps`` is for requirements files that pin their whole closure.
    """
    wheels = wheels_dir_for(requirements)
    if wheels.is_dir():
        return wheels
    with build_lock(f"wheels-{wheels.name}"):
        if not wheels.is_dir():
            _download_into(wheels, requirements, console, no_deps)
    return wheels


def _download_into(wheels: Path, requirements: bytes, console: Console | None, no_deps: bool) -> None:
    partial = wheels.with_name(wheels.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    listing = partial / "requirements.txt"
    listing.write_bytes(requirements)
    arch = platform.machine()
    platforms = [f"manylinux_2_{minor}_{arch}" for minor in (36, 35, 34, 28, 27, 24, 17)]
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
           "--dest", str(partial), "--only-binary=:all:", "--implementation", "cp",
           "--python-version", PYTHON_VERSION, "--abi", f"cp{PYTHON_VERSION.replace('.', '')}",
           "--platform", "any", *(arg for p in platforms for arg in ("--platform", p)),
           *(["--no-deps"] if no_deps else []), "-r", str(listing)]
    if console is not None:
        console.print(f"wheels: pip download into {wheels}")
    started = time.monotonic()
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.strip()[-2000:]
        raise ImageError(f"pip download failed for the image's wheels: {detail}") from None
    listing.unlink()
    partial.rename(wheels)
    if console is not None:
        size = sum(p.stat().st_size for p in wheels.glob("*.whl")) / 1024**2
        console.print(f"wheels: {size:.0f} MiB in {time.monotonic() - started:.0f}s")


def docker_resource(name: str) -> bytes:
    return resources.files("pytest_mlebench").joinpath("runners", "docker", name).read_bytes()


def content_key(context: Context, dockerfile: str, buildargs: Mapping[str, str], parent_id: str) -> str:
    """The hash that names an image: everything that can change what the build produces."""
    digest = hashlib.sha256()
    for part in (dockerfile, parent_id, *(f"{k}={v}" for k, v in sorted(buildargs.items()))):
        digest.update(part.encode() + b"\0")
    for name in sorted(context):
        digest.update(name.encode() + b"\0" + _entry_digest(context[name]) + b"\0")
    return digest.hexdigest()


def _entry_digest(entry: Path | bytes | None) -> bytes:
    if entry is None:
        return b"dir"
    if isinstance(entry, bytes):
        return hashlib.sha256(entry).digest()
    if entry.is_symlink():
        return b"link:" + os.readlink(entry).encode()
    digest = hashlib.sha256(b"x" if os.access(entry, os.X_OK) else b"-")
    with open(entry, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024**2), b""):
            digest.update(chunk)
    return digest.digest()


def _read(entry: Path | bytes | None) -> bytes:
    return entry if isinstance(entry, bytes) else entry.read_bytes() if entry else b""


def folder_context(root: Path) -> dict[str, Path | bytes | None]:
    """Every file and folder under ``root``, less caches."""
    context: dict[str, Path | bytes | None] = {}
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED)
        rel = Path(dirpath).relative_to(root)
        for name in dirnames:
            context[f"{(rel / name).as_posix()}/"] = None
        for name in sorted(files):
            if not name.endswith(".pyc"):
                context[(rel / name).as_posix()] = Path(dirpath) / name
    return context


def _write_context(context: Context, out: IO[bytes]) -> None:
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name in sorted(context):
            entry = context[name]
            if isinstance(entry, Path):
                info = tar.gettarinfo(str(entry), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if info.isreg():
                    with open(entry, "rb") as fh:
                        tar.addfile(info, fh)
                else:
                    tar.addfile(info)
                continue
            info = tarfile.TarInfo(name.rstrip("/"))
            info.mtime = 0
            if entry is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.size, info.mode = len(entry), 0o644
                tar.addfile(info, io.BytesIO(entry))


# -- engine helpers ----------------------------------------------------------------

def image_id(client: DockerClient, ref: str) -> str | None:
    try:
        return client.api.inspect_image(ref)["Id"]
    except ImageNotFound:
        return None


def _safe_repo(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip(".-_") or "agent"


def plain_console(console: Console | None = None) -> Console:
    """Progress goes to stderr as plain text: build logs hold brackets and colons rich would eat."""
    from rich.console import Console

    return console or Console(stderr=True, markup=False, emoji=False, highlight=False)


def pull(client: DockerClient, ref: str, console: Console | None = None) -> str:
    """Pull ``ref``; the image id, or ImageError naming the offline script."""
    repo, tag = parse_repository_tag(ref)
    console = plain_console(console)
    try:
        with console.status(f"pulling {ref}"):
            for event in client.api.pull(repo, tag, stream=True, decode=True):
                if "error" in event:
                    raise APIError(event["error"])
    except DockerException as exc:
        raise ImageError(missing_base_message(ref, f"cannot be pulled: {first_line(exc)}")) from None
    found = image_id(client, ref)
    if found is None:
        raise ImageError(f"pulling {ref} reported success but the image is not there")
    return found


def missing_base_message(ref: str, why: str) -> str:
    return (f"the image agent images are built from, {ref}, is not on this machine ({why}). "
            f"Pull it (docker pull {ref}); without a registry, build one from Debian's archive and PyPI "
            f"with {OFFLINE_SCRIPT_HINT}; or set {BASE_IMAGE_ENV} to a local image with Python 3.11.")


def first_line(exc: BaseException) -> str:
    """An exception in one line, for messages that end up in a report."""
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def build(client: DockerClient, tag: str, context: Context, dockerfile: str,
          buildargs: Mapping[str, str], console: Console | None = None, nocache: bool = False) -> str:
    """Build with the low-level API, the log streamed into a progress display; the image id."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = plain_console(console)
    tail: deque[str] = deque(maxlen=40)
    started = time.monotonic()
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with tempfile.TemporaryFile() as archive, Progress(*columns, console=console, transient=True) as bar:
        _write_context(context, archive)
        archive.seek(0)
        task = bar.add_task(f"building {tag}", total=None)
        stream = client.api.build(
            fileobj=archive, custom_context=True, dockerfile=dockerfile, tag=tag,
            buildargs=dict(buildargs), rm=True, forcerm=True, pull=False, decode=True, nocache=nocache,
        )
        for line in _log_lines(stream, tail):
            step = re.match(r"Step (\d+)/(\d+) : (.*)", line)
            if step:
                bar.update(task, completed=int(step[1]) - 1, total=int(step[2]),
                           description=f"{tag}: {step[3][:60]}")
                bar.console.print(f"  {line}", style="dim")
    found = image_id(client, tag)
    if found is None:
        raise ImageError(f"building {tag} produced no image. The build log ends:\n" + "\n".join(tail))
    console.print(f"built {tag} in {time.monotonic() - started:.0f}s")
    return found


def _log_lines(stream: Iterator[dict[str, object]], tail: deque[str]) -> Iterator[str]:
    """The build log one line at a time, kept in ``tail``; the engine's error becomes an ImageError."""
    for chunk in stream:
        if "error" in chunk:
            raise ImageError(f"docker build failed: {chunk['error']}\n" + "\n".join(tail))
        text = chunk.get("stream")
        if isinstance(text, str):
            for line in text.splitlines():
                if line.strip():
                    tail.append(line)
                    yield line


def build_lock(name: str) -> FileLock:
    """A lock shared by every process of this user (xdist workers, parallel CI jobs)."""
    locks = images_cache_dir() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    return FileLock(str(locks / f"{re.sub(r'[^A-Za-z0-9._-]', '_', name)}.lock"))


def _ensure(client: DockerClient, tag: str, context: Context, dockerfile: str,
            buildargs: Mapping[str, str], console: Console | None) -> str:
    """Reuse ``tag`` when present, else build it once (a lock keeps concurrent workers out)."""
    if image_id(client, tag) is not None:
        return tag
    with build_lock(tag):
        if image_id(client, tag) is None:
            try:
                build(client, tag, context, dockerfile, buildargs, console)
            except ImageError as exc:
                # A layer the engine cached from an earlier build can be unusable: seen on
                # fuse-overlayfs, where aide's image check failed to import a module present in
                # its cached install layer, and passed when every layer was built again.
                plain_console(console).print(f"building {tag} failed ({first_line(exc)}); "
                                             "building it once more without the engine's cache")
                build(client, tag, context, dockerfile, buildargs, console, nocache=True)
    return tag


# -- the two layers ----------------------------------------------------------------

def local_base_source(client: DockerClient, base_image: str | None = None) -> str | None:
    """The image the base would be built FROM, if it is on this machine (nothing is pulled)."""
    requested = base_image or os.environ.get(BASE_IMAGE_ENV)
    candidates = (requested,) if requested else (DEFAULT_BASE_IMAGE, OFFLINE_ROOTFS)
    return next((ref for ref in candidates if image_id(client, ref) is not None), None)


def wanted_base_source(base_image: str | None = None) -> str:
    """The image to pull when no base source is on this machine."""
    return base_image or os.environ.get(BASE_IMAGE_ENV) or DEFAULT_BASE_IMAGE


def resolve_base_source(client: DockerClient, base_image: str | None = None,
                        console: Console | None = None) -> str:
    """The image the base is built FROM (see the module's docstring for the order), pulled if need be."""
    found = local_base_source(client, base_image)
    if found is not None:
        return found
    wanted = wanted_base_source(base_image)
    pull(client, wanted, console)
    return wanted


def base_context(wheels_dir: Path | None) -> dict[str, Path | bytes | None]:
    context: dict[str, Path | bytes | None] = {
        "Dockerfile": docker_resource("base.Dockerfile"),
        "base-requirements.txt": docker_resource("base-requirements.txt"),
        "wheels/": None,
    }
    if wheels_dir is not None and wheels_dir.is_dir():
        for wheel in sorted(wheels_dir.glob("*.whl")):
            context[f"wheels/{wheel.name}"] = wheel
    return context


def ensure_base_image(client: DockerClient, base_image: str | None = None,
                      wheels_dir: Path | None = None, console: Console | None = None) -> str:
    """The tag of the base image, built when missing. ``wheels_dir`` defaults to the offline cache."""
    source = resolve_base_source(client, base_image, console)
    parent = image_id(client, source) or ""
    if wheels_dir is None:
        # Wheels from the host: the build itself may reach no index. Where the host
        # cannot download them either, the build tries its own index.
        try:
            wheels_dir = download_wheels(docker_resource("base-requirements.txt"), console)
        except ImageError:
            wheels_dir = default_wheels_dir()
    context = base_context(wheels_dir)
    buildargs = {"BASE_IMAGE": source}
    tag = f"{BASE_REPO}:{content_key(context, 'Dockerfile', buildargs, parent)[:12]}"
    return _ensure(client, tag, context, "Dockerfile", buildargs, console)


def ensure_agent_image(client: DockerClient, agent: Agent, base_tag: str,
                       console: Console | None = None) -> str:
    """The tag of the agent's image (base + its folder), built when missing."""
    context = folder_context(agent.path)
    if "requirements.txt" in context:
        # An agent that pins its own Python packages gets them as wheels from the host.
        wheels = download_wheels(_read(context["requirements.txt"]), console, no_deps=True)
        context["wheels/"] = None
        for wheel in sorted(wheels.glob("*.whl")):
            context[f"wheels/{wheel.name}"] = wheel
    dockerfile = agent.dockerfile
    if dockerfile not in context:
        dockerfile = ".mlebench-agent.Dockerfile"
        context[dockerfile] = docker_resource("agent.Dockerfile")
    parent = image_id(client, base_tag)
    if parent is None:
        raise ImageError(f"the base image {base_tag} is missing: build it with ensure_base_image first")
    buildargs = {"BASE_IMAGE": base_tag}
    tag = f"mlebench-{_safe_repo(agent.name)}:{content_key(context, dockerfile, buildargs, parent)[:12]}"
    return _ensure(client, tag, context, dockerfile, buildargs, console)
