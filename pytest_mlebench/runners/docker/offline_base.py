"""Build the agents' base image on a machine that reaches no container registry.

Debian's archive and PyPI are enough: mmdebstrap makes a bookworm root
filesystem with Python 3.11, ``docker import`` turns it into a local image
(``mlebench-rootfs:bookworm``), pip downloads the pinned wheels for that Python
on the host, and the base image is built from both without a registry.

Every step is skipped when its result exists (keyed by content), so running it
again, in CI or by hand, costs seconds. Usage::

    python -m pytest_mlebench.runners.docker.offline_base [--mirror URL]
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from docker.client import DockerClient
from docker.errors import DockerException
from rich.console import Console

from pytest_mlebench.runners.docker.images import (
    OFFLINE_ROOTFS,
    ImageError,
    build_lock,
    docker_resource,
    download_wheels,
    ensure_base_image,
    first_line,
    image_id,
    images_cache_dir,
    plain_console,
)

SUITE = "bookworm"
VARIANT = "minbase"
PACKAGES = ("python3", "python3-venv", "ca-certificates")
#: bookworm's Python, which the wheels must match.


def rootfs_key(mirror: str | None) -> str:
    spec = f"{SUITE} {VARIANT} {','.join(PACKAGES)} {platform.machine()} {mirror or ''}"
    return hashlib.sha256(spec.encode()).hexdigest()[:12]


def ensure_rootfs(client: DockerClient, console: Console, mirror: str | None) -> str:
    """The imported root filesystem's tag, made with mmdebstrap when missing."""
    key = rootfs_key(mirror)
    tag = f"{OFFLINE_ROOTFS}-{key}"
    if image_id(client, tag) is None:
        if shutil.which("mmdebstrap") is None:
            raise ImageError("mmdebstrap is not installed (Debian/Ubuntu: apt-get install mmdebstrap)")
        work = images_cache_dir() / "rootfs"
        work.mkdir(parents=True, exist_ok=True)
        tarball = work / f"{SUITE}-{key}.tar"
        partial = tarball.with_suffix(".part.tar")  # mmdebstrap picks the format from the suffix
        cmd = ["mmdebstrap", f"--variant={VARIANT}", f"--include={','.join(PACKAGES)}", SUITE, str(partial)]
        if mirror:
            cmd.append(mirror)
        console.print(f"root filesystem: {' '.join(cmd)}")
        started = time.monotonic()
        subprocess.run(cmd, check=True)
        partial.rename(tarball)
        console.print(f"root filesystem: made in {time.monotonic() - started:.0f}s; docker import as {tag}")
        repo, _, version = tag.rpartition(":")
        with open(tarball, "rb") as fh:
            client.api.import_image_from_data(fh, repository=repo, tag=version)
        tarball.unlink()
    else:
        console.print(f"root filesystem: {tag} exists")
    # The alias images.py looks for; the base's tag still follows the image id behind it.
    client.api.tag(tag, *OFFLINE_ROOTFS.rsplit(":", 1))
    return OFFLINE_ROOTFS


def ensure_wheels(console: Console) -> Path:
    """The base image's pinned wheels, downloaded once."""
    return download_wheels(docker_resource("base-requirements.txt"), console)


#: Held for a whole offline build, so that whoever needs the base image can wait for one under way.
OFFLINE_BUILD_LOCK = "offline-base"


def build_offline_base(mirror: str | None = None, console: Console | None = None) -> str:
    """Root filesystem, wheels, base image: the base image's tag."""
    console = plain_console(console)
    started = time.monotonic()
    try:
        client = DockerClient.from_env()
        client.ping()
    except DockerException as exc:
        raise ImageError(f"the Docker daemon does not answer: {first_line(exc)}") from None
    try:
        # One build at a time: pytest-xdist workers and parallel CI jobs share the cache.
        with build_lock(OFFLINE_BUILD_LOCK):
            source = ensure_rootfs(client, console, mirror)
            wheels = ensure_wheels(console)
            tag = ensure_base_image(client, base_image=source, wheels_dir=wheels, console=console)
        size = client.api.inspect_image(tag)["Size"] / 1024**2
    finally:
        client.close()
    console.print(f"base image: {tag} ({size:.0f} MiB), ready in {time.monotonic() - started:.0f}s")
    return tag


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", help="Debian mirror for mmdebstrap (default: mmdebstrap's own)")
    args = parser.parse_args(argv)
    try:
        print(build_offline_base(args.mirror))
    except (ImageError, subprocess.CalledProcessError) as exc:
        print(f"build-offline-base: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
