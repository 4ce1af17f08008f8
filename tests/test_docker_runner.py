"""The docker runner against the real engine: isolation, limits, time limit, validation, cleanup.

The agents are small scripts written by the tests on top of the base image
(built by pytest_mlebench.runners.docker.offline_base when no registry is
reachable). When no daemon answers these tests skip, unless CI or
MLEBENCH_REQUIRE_DOCKER is set: then that is a failure, as a skipped gate would
be green in CI.
"""

from __future__ import annotations

import io
import os
import secrets
import signal
import socket
import subprocess
import sys
import tarfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from docker.client import DockerClient
from docker.errors import APIError
from docker_helpers import require_docker
from rich.console import Console

from pytest_mlebench.catalog.registry import Agent
from pytest_mlebench.fsutil import OutputBudget
from pytest_mlebench.interrupts import install_sigterm_handler
from pytest_mlebench.runners.base import RunResult, RunSpec
from pytest_mlebench.runners.deadman import remove_container
from pytest_mlebench.runners.docker import images
from pytest_mlebench.runners.docker.images import ImageError, ensure_agent_image, resolve_base_source
from pytest_mlebench.runners.docker.runner import (
    DEADLINE_LABEL,
    KEPT_LABEL,
    LABEL,
    SESSION_LABEL,
    DockerRunner,
    extract_outputs,
    sweep_containers,
)
from pytest_mlebench.runners.endpoint import ValidationServer

SESSION = f"test-{secrets.token_hex(4)}"
NEEDLE_A, NEEDLE_B = "mlebench-private-", secrets.token_hex(8)

#: The probe agent's scripts, one per behaviour; a test picks one as the start script.
SCRIPTS = {
    "world.sh": r"""
        echo "uid=$(id -u) gid=$(id -g)"
        touch /home/data/new 2>/dev/null && echo "data: WRITABLE" || echo "data: create refused"
        (echo x >> /home/data/train.csv) 2>/dev/null && echo "data: WRITABLE" || echo "data: append refused"
        needle="${NEEDLE_A}${NEEDLE_B}"
        echo "search: $(grep -rIl -D skip --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev \
            "$needle" / 2>/dev/null | tr '\n' ' ')"
        echo "named: $(find / \( -path /proc -o -path /sys \) -prune -o -name 'answers*' -print \
            2>/dev/null | tr '\n' ' ')"
        python3 - <<'PY'
        import os, socket
        print("interfaces:", sorted(os.listdir("/sys/class/net")))
        try:
            socket.create_connection(("127.0.0.1", int(os.environ["HOST_PORT"])), timeout=3)
            print("host server: CONNECTED")
        except OSError as exc:
            print("host server: unreachable", exc)
        try:
            socket.getaddrinfo("pypi.org", 443)
            print("dns: RESOLVED")
        except OSError as exc:
            print("dns: failed", exc)
        PY
        for v in COMPETITION_ID TIME_LIMIT_SECS SUBMISSION_DIR LOGS_DIR CODE_DIR DATA_DIR AGENT_DIR \
                 VALIDATION_URL HOME FIXED FROM_HOST; do echo "env $v=$(printenv $v)"; done
        echo "instructions: $(head -c 40 /home/instructions.txt)"
        grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status
        echo "mount: $(awk '$2 == "/home/data" {print $4}' /proc/self/mounts)"
        cp /home/data/sample_submission.csv /home/submission/submission.csv
        echo "notes" > /home/logs/notes.txt
        mkdir -p /home/code/pkg && echo "print(1)" > /home/code/pkg/model.py
    """,
    "limits.sh": r"""
        for f in memory/memory.limit_in_bytes memory.max memory/memory.memsw.limit_in_bytes \
                 memory.swap.max cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu.max \
                 pids/pids.max pids.max cpuset/cpuset.cpus cpuset.cpus.effective; do
            [ -r "/sys/fs/cgroup/$f" ] && echo "cgroup $f=$(cat /sys/fs/cgroup/$f)"
        done
        echo "shm $(df -k /dev/shm | tail -1 | awk '{print $2}')"
    """,
    "forkbomb.sh": r"""
        pids=/sys/fs/cgroup/pids/pids.current
        [ -r $pids ] || pids=/sys/fs/cgroup/pids.current
        watch() { while :; do read -r n < $pids; echo "pids.current=$n"; sleep 1; done; }
        watch &
        bomb() { bomb | bomb & }
        bomb
        wait
    """,
    "memhog.sh": r"""
        set -e
        python3 -c "b = b'x' * (1024 ** 3); print('allocated', len(b))"
        echo "survived"
    """,
    "sleeper.sh": r"""
        trap '' TERM
        echo "sleeping"
        sleep 600
    """,
    "crash.sh": r"""
        echo "about to crash"
        exit 3
    """,
    "validate.sh": r"""
        printf 'id,prediction\n1,0.5\n' > /tmp/bad.csv
        /home/validate_submission.sh /tmp/bad.csv; echo "first=$?"
        printf 'id,target\n1,0.5\n' > /home/submission/submission.csv
        /home/validate_submission.sh; echo "second=$?"
    """,
    "links.sh": r"""
        cp /home/data/sample_submission.csv /home/submission/real.csv
        ln /home/submission/real.csv /home/submission/hard.csv
        ln -s /etc/passwd /home/submission/submission.csv
        ln -s / /home/code/root
        mkfifo /home/logs/fifo
        echo "[pytest-mlebench] forged by the agent" > /home/logs/agent.log
        echo "kept" > /home/logs/kept.txt
    """,
}


@pytest.fixture(scope="module")
def client() -> Iterator[DockerClient]:
    client = require_docker()
    yield client
    left = client.api.containers(all=True, filters={"label": f"{SESSION_LABEL}={SESSION}"})
    client.close()
    assert not left, f"containers left behind: {[c['Names'] for c in left]}"


@pytest.fixture(scope="module")
def base_tag(client: DockerClient, docker_base_image: str) -> str:
    return docker_base_image


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> Agent:
    """A throwaway agent folder: agent.yaml and one start script per behaviour."""
    folder = tmp_path_factory.mktemp("probe-agent")
    (folder / "agent.yaml").write_text("name: probe\nstart: world.sh\nenv:\n  FIXED: from-agent-yaml\n")
    for name, body in SCRIPTS.items():
        (folder / name).write_text("#!/usr/bin/env bash\n" + textwrap.dedent(body))
    return Agent.from_folder(folder)


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Public data beside a secret answers file outside every mount.

    The files are left writable for everyone on the host, so only the read-only
    mount can be what refuses the agent's writes.
    """
    root = tmp_path_factory.mktemp("competition")
    public = root / "public"
    public.mkdir()
    (public / "train.csv").write_text("id,x,target\n1,0.1,0\n2,0.9,1\n")
    (public / "sample_submission.csv").write_text("id,target\n3,0.5\n")
    # The positive control: the search must find the needle where it may look.
    (public / "control.txt").write_text(NEEDLE_A + NEEDLE_B + "\n")
    for path in (public, *public.iterdir()):
        path.chmod(0o777 if path.is_dir() else 0o666)
    private = root / "private"
    private.mkdir()
    (private / "answers.csv").write_text(f"id,target\n3,1\n# {NEEDLE_A}{NEEDLE_B}\n")
    return public


def header_check(path: Path) -> str | None:
    return None if path.read_text().startswith("id,target\n") else "expected the columns id,target"


def make_spec(tmp_path: Path, agent: Agent, public: Path, start: str, time_limit: float = 120,
              **kwargs: Any) -> RunSpec:
    return RunSpec(
        competition_id="probe-comp", agent=replace(agent, start=start), public_dir=public,
        run_dir=tmp_path / "run", time_limit=time_limit, seed=0,
        instructions="Benchmark instructions for the probe agent.\n", **kwargs,
    )


MakeRunner = Callable[..., DockerRunner]


@pytest.fixture
def make_runner(client: DockerClient, base_tag: str) -> MakeRunner:
    """Runners of this module's session; they find the fixture's base image by its content tag."""

    def make(**kwargs: Any) -> DockerRunner:
        options: dict[str, Any] = {"client": client, "session_id": SESSION, "stop_grace_s": 2.0}
        return DockerRunner(**(options | kwargs))

    return make


def our_containers(client: DockerClient, session: str = SESSION) -> list[dict[str, object]]:
    return client.api.containers(all=True, filters={"label": f"{SESSION_LABEL}={session}"})


def log_of(run: RunResult | RunSpec) -> str:
    return run.log_path.read_text(errors="replace")


# -- the agent's world -------------------------------------------------------------

@pytest.mark.docker
def test_world_is_isolated_and_outputs_come_back(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    runner = make_runner()
    with ValidationServer(header_check) as host_server:
        port = host_server.url.rsplit(":", 1)[1].split("/")[0]
        spec = make_spec(tmp_path, probe, public, "world.sh", validation_check=header_check,
                         extra_env={"NEEDLE_A": NEEDLE_A, "NEEDLE_B": NEEDLE_B, "HOST_PORT": port,
                                    "FROM_HOST": "passed-through"})
        result = runner.run(spec)
    log = log_of(result)
    assert result.harness_error is None, log
    assert (result.runner, result.exit_code, result.timed_out) == ("docker", 0, False), log
    assert result.image_digest and result.image_digest.startswith("sha256:")
    assert "uid=1000 gid=1000" in log
    assert "data: create refused" in log and "data: append refused" in log and "WRITABLE" not in log
    search = next(line for line in log.splitlines() if line.startswith("search:"))
    assert search.split() == ["search:", "/home/data/control.txt"], "the answers must be out of reach"
    assert next(line for line in log.splitlines() if line.startswith("named:")).split() == ["named:"]
    assert "interfaces: ['lo']" in log
    assert "host server: unreachable" in log and "dns: failed" in log
    for expected in ("COMPETITION_ID=probe-comp", "TIME_LIMIT_SECS=120", "SUBMISSION_DIR=/home/submission",
                     "LOGS_DIR=/home/logs", "CODE_DIR=/home/code", "DATA_DIR=/home/data",
                     "AGENT_DIR=/home/agent", "VALIDATION_URL=http://127.0.0.1:5000/validate",
                     "HOME=/home", "FIXED=from-agent-yaml", "FROM_HOST=passed-through"):
        assert f"env {expected}\n" in log, expected
    assert "instructions: Benchmark instructions for the probe" in log
    assert "CapEff:\t0000000000000000" in log and "NoNewPrivs:\t1" in log
    assert "CapBnd:\t0000000000000000" in log, "every capability is dropped, not just unused"
    assert next(line for line in log.splitlines() if line.startswith("mount:")).split()[1].startswith("ro,")
    assert result.submission_path == spec.submission_path
    assert result.submission_path.read_text() == "id,target\n3,0.5\n"
    assert (spec.run_dir / "logs" / "notes.txt").read_text() == "notes\n"
    assert (spec.run_dir / "code" / "pkg" / "model.py").read_text() == "print(1)\n"
    assert not our_containers(client)


@pytest.mark.docker
def test_limits_are_applied_inside(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    runner = make_runner(pids_limit=300, shm_size="64m")
    result = runner.run(make_spec(tmp_path, probe, public, "limits.sh", memory="256m", cpus=0.5,
                                  cpuset=("1",)))
    log = log_of(result)
    assert result.exit_code == 0, log
    lines = [line.removeprefix("cgroup ") for line in log.splitlines() if line.startswith("cgroup ")]
    values = dict(line.split("=", 1) for line in lines)
    if "memory.max" in values:  # cgroup v2
        assert values["memory.max"] == str(256 * 1024**2)
        assert values["memory.swap.max"] == "0"
        assert values["cpu.max"] == "50000 100000"
        assert values["pids.max"] == "300"
        assert values["cpuset.cpus.effective"] == "1"
    else:  # cgroup v1
        assert values["memory/memory.limit_in_bytes"] == str(256 * 1024**2)
        assert values.get("memory/memory.memsw.limit_in_bytes", str(256 * 1024**2)) == str(256 * 1024**2)
        quota, period = int(values["cpu/cpu.cfs_quota_us"]), int(values["cpu/cpu.cfs_period_us"])
        assert quota / period == 0.5
        assert values["pids/pids.max"] == "300"
        assert values["cpuset/cpuset.cpus"] == "1"
    assert "shm 65536" in log


# -- agent faults are results, not crashes -------------------------------------

@pytest.mark.docker
def test_fork_bomb_is_contained(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    runner = make_runner(pids_limit=64)
    result = runner.run(make_spec(tmp_path, probe, public, "forkbomb.sh", time_limit=8))
    log = log_of(result)
    assert result.harness_error is None, log
    assert result.timed_out or result.exit_code != 0
    counts = [int(line.split("=")[1]) for line in log.splitlines() if line.startswith("pids.current=")]
    assert counts and max(counts) <= 64, counts
    assert not our_containers(client)


@pytest.mark.docker
def test_memory_hog_is_oom_killed_and_reported(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    runner = make_runner()
    result = runner.run(make_spec(tmp_path, probe, public, "memhog.sh", memory="128m"))
    log = log_of(result)
    assert result.harness_error is None and not result.timed_out, log
    assert result.exit_code not in (0, None), log
    assert "survived" not in log
    assert "out of memory (limit 128m)" in log


@pytest.mark.docker
def test_crash_exit_code_is_reported(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    result = make_runner().run(make_spec(tmp_path, probe, public, "crash.sh"))
    assert (result.exit_code, result.timed_out, result.harness_error) == (3, False, None)
    assert result.submission_path is None
    assert "about to crash" in log_of(result)


@pytest.mark.docker
def test_time_limit_stops_and_removes_the_container(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    runner = make_runner()
    started = time.monotonic()
    result = runner.run(make_spec(tmp_path, probe, public, "sleeper.sh", time_limit=3))
    elapsed = time.monotonic() - started
    log = log_of(result)
    assert result.timed_out and result.exit_code is None and result.harness_error is None, log
    # The agent ignores SIGTERM: it gets the 2 s grace, then the kill; the upper bound is only a loaded
    # machine's slack.
    assert 3 + 2 <= result.runtime_s < 3 + 2 + 60 and elapsed < 300, (result.runtime_s, elapsed)
    assert "sleeping" in log and "time limit of 3s reached" in log
    assert not our_containers(client)


# -- validation from inside, with no network -------------------------------------

@pytest.mark.docker
def test_validation_answers_from_inside_without_network(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    checked: list[str] = []

    def check(path: Path) -> str | None:
        checked.append(path.read_text())
        return header_check(path)

    runner = make_runner()
    result = runner.run(make_spec(tmp_path, probe, public, "validate.sh", validation_check=check))
    log = log_of(result)
    assert not probe.network and result.network == "none"
    assert '{"valid": false, "reason": "expected the columns id,target"}\nfirst=1' in log, log
    assert '{"valid": true, "reason": null}\nsecond=0' in log, log
    assert checked == ["id,prediction\n1,0.5\n", "id,target\n1,0.5\n"]
    assert "score" not in log.lower()


@pytest.mark.docker
def test_networked_agent_on_host_network_still_validates(
    make_runner: MakeRunner, probe: Agent, public: Path, tmp_path: Path) -> None:
    """network_mode="host" shares the host's ports: the relay must take a free one, not 5000."""
    runner = make_runner(network_mode="host")
    spec = make_spec(tmp_path, replace(probe, network=True), public, "validate.sh",
                     validation_check=header_check)
    try:  # take the default port on the host (if something else holds it, just as good)
        blocker: socket.socket | None = socket.create_server(("127.0.0.1", 5000))
    except OSError:
        blocker = None
    try:
        result = runner.run(spec)
    finally:
        if blocker is not None:
            blocker.close()
    log = log_of(result)
    assert "first=1" in log and "second=0" in log, log
    assert result.network == "host"  # the record's agent_network says the agent had the host's network


# -- outputs are copied safely -----------------------------------------------------

@pytest.mark.docker
def test_links_and_special_files_in_outputs_are_refused(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    result = make_runner().run(make_spec(tmp_path, probe, public, "links.sh"))
    run_dir = tmp_path / "run"
    log = log_of(result)
    assert result.exit_code == 0, log
    assert result.submission_path is None, "a symlinked submission.csv must not be followed"
    assert not (run_dir / "submission" / "submission.csv").exists()
    assert not os.path.lexists(run_dir / "code" / "root")
    assert not os.path.lexists(run_dir / "logs" / "fifo")
    copied = [p.name for p in (run_dir / "submission").iterdir()]
    assert len(copied) == 1 and copied[0] in ("real.csv", "hard.csv"), copied
    assert (run_dir / "logs" / "kept.txt").read_text() == "kept\n"
    assert "forged by the agent" not in log, "the agent's files never replace the harness's log"
    assert "submission/submission.csv: symbolic link to /etc/passwd" in log
    assert "hard link to submission/" in log
    assert "code/root: symbolic link to /" in log
    assert "logs/fifo: not a regular file" in log
    for path in run_dir.rglob("*"):
        assert not path.is_symlink()


def _archive(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> Iterator[bytes]:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    raw = buffer.getvalue()
    return iter([raw[i:i + 1000] for i in range(0, len(raw), 1000)])


def _member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


def test_crafted_archive_cannot_escape(tmp_path: Path) -> None:
    """Traversal, absolute names, links and writes through a refused link stay out of the host."""
    dest = tmp_path / "out"
    outside = tmp_path / "outside"
    outside.mkdir()
    refused = extract_outputs(_archive([
        (_member("submission", tarfile.DIRTYPE), None),
        (_member("submission/ok.csv"), b"id,target\n"),
        (_member("submission/../../outside/evil.txt"), b"evil"),
        (_member("/etc/evil.txt"), b"evil"),
        (_member("submission/escape", tarfile.SYMTYPE, str(outside)), None),
        (_member("submission/escape/through-link.txt"), b"lands inside"),
        (_member("submission/hard", tarfile.LNKTYPE, "/etc/passwd"), None),
        (_member("submission/big.bin"), b"x" * 200),
    ]), dest, OutputBudget(100))
    assert (dest / "ok.csv").read_text() == "id,target\n"
    assert list(outside.iterdir()) == []
    assert not (dest / "escape").is_symlink()
    assert (dest / "escape" / "through-link.txt").read_text() == "lands inside"
    assert not (dest / "hard").exists() and not (dest / "big.bin").exists()
    assert set(refused) == {
        "submission/../../outside/evil.txt: path outside the folder",
        "/etc/evil.txt: path outside the folder",
        f"escape: symbolic link to {outside}",
        "hard: hard link to /etc/passwd",
        "big.bin: over the 100 byte output cap",
    }


def test_archive_past_the_cap_stops_reading(tmp_path: Path) -> None:
    """A huge output is not streamed to its end: reading stops soon after the cap."""
    header = _member("logs/huge.bin")
    header.size = 1024**3

    def stream() -> Iterator[bytes]:
        yield header.tobuf(format=tarfile.PAX_FORMAT)
        for _ in range(1024):
            yield b"x" * 1024**2

    chunks = stream()
    refused = extract_outputs(chunks, tmp_path / "out", OutputBudget(1024))
    assert refused[-1] == "archive larger than the 1024 byte cap: the rest was not copied", refused
    assert sum(1 for _ in chunks) > 900, "the stream must not be read to its end"


# -- cleanup: time limit, interrupts, harness errors, sweep ---------------------------

@pytest.mark.docker
def test_sigterm_interrupts_the_run_and_removes_the_container(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    runner = make_runner()
    spec = make_spec(tmp_path, probe, public, "sleeper.sh", time_limit=120)
    started = threading.Event()

    def signal_once_running() -> None:
        """SIGTERM this process once the agent has said it runs (or give up when the run ends)."""
        while not started.is_set():
            if spec.log_path.exists() and "sleeping" in spec.log_path.read_text(errors="replace"):
                os.kill(os.getpid(), signal.SIGTERM)
                return
            started.wait(0.2)

    previous = install_sigterm_handler()
    watcher = threading.Thread(target=signal_once_running, daemon=True)
    try:
        watcher.start()
        with pytest.raises(KeyboardInterrupt):
            runner.run(spec)
    finally:
        started.set()
        watcher.join()
        signal.signal(signal.SIGTERM, previous)
    assert "sleeping" in log_of(spec)
    assert not our_containers(client)


@pytest.mark.docker
def test_harness_fault_is_reported_not_raised(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, tmp_path: Path) -> None:
    spec = make_spec(tmp_path, probe, tmp_path / "no-such-public-dir", "crash.sh")
    result = make_runner().run(spec)
    assert result.harness_error and result.exit_code is None
    assert "harness error" in log_of(result)
    assert not our_containers(client)


@pytest.mark.docker
def test_keep_containers_then_sweep(
    make_runner: MakeRunner, client: DockerClient, probe: Agent, public: Path, tmp_path: Path) -> None:
    session = f"{SESSION}-kept"
    runner = make_runner(keep_containers=True, session_id=session)
    result = runner.run(make_spec(tmp_path, probe, public, "crash.sh"))
    assert result.exit_code == 3
    kept = our_containers(client, session)
    assert len(kept) == 1 and kept[0]["Labels"][LABEL] == "1"
    assert sweep_containers(session, client=client) == [kept[0]["Id"]]
    assert not our_containers(client, session)


@pytest.mark.docker
def test_the_start_up_sweep_takes_only_dead_sessions_containers_and_never_kept_ones(
        client: DockerClient, base_tag: str) -> None:
    """Another session's live and kept containers survive a new session's sweep; an expired
    one goes, with its anonymous volume."""
    made = {}
    for name, labels in {"expired": {DEADLINE_LABEL: "1"},
                         "expired-but-kept": {DEADLINE_LABEL: "1", KEPT_LABEL: "1"},
                         "live": {DEADLINE_LABEL: str(int(time.time()) + 3600)}}.items():
        made[name] = client.api.create_container(
            base_tag, command=["true"], volumes=["/scratch"],
            labels={LABEL: "1", SESSION_LABEL: f"{SESSION}-{name}", **labels})["Id"]
    volume = client.api.inspect_container(made["expired"])["Mounts"][0]["Name"]
    try:
        removed = sweep_containers(client=client, only_expired=True)
        assert made["expired"] in removed
        assert made["live"] not in removed and made["expired-but-kept"] not in removed
        assert volume not in {v["Name"] for v in client.api.volumes()["Volumes"] or []}
    finally:
        for name in made:
            remove_container(client.api, made[name])


def test_a_removal_already_in_progress_is_a_removal() -> None:
    class Engine:
        """Answers as the engine does while another client removes the container."""

        def remove_container(self, container: str, force: bool, v: bool) -> None:
            response = requests.Response()
            response.status_code = 409
            raise APIError("removal of container is already in progress", response)

    remove_container(Engine(), "abc")  # no error


# -- images ----------------------------------------------------------------------

@pytest.mark.docker
def test_agent_image_is_tagged_by_content(client: DockerClient, base_tag: str, tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: Tiny Agent\n")
    (folder / "start.sh").write_text("echo one\n")
    agent = Agent.from_folder(folder)
    first = ensure_agent_image(client, agent, base_tag)
    assert first.startswith("mlebench-tiny-agent:") and len(first.split(":")[1]) == 12
    assert ensure_agent_image(client, agent, base_tag) == first, "an unchanged agent reuses its image"
    (folder / "start.sh").write_text("echo two\n")
    second = ensure_agent_image(client, agent, base_tag)
    assert second != first
    client.api.remove_image(first)
    client.api.remove_image(second)


@pytest.mark.docker
def test_a_failed_build_is_built_once_more_without_the_engine_s_cache(
        client: DockerClient, base_tag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first build fails as a bad cached layer made it fail (aide's image check on
    fuse-overlayfs); the second, the engine's real build without its cache, gives the image."""
    real_build, calls = images.build, []

    def failing_once(*args: Any, nocache: bool = False) -> str:
        calls.append(nocache)
        if len(calls) == 1:
            raise ImageError("docker build failed: The command '/bin/sh -c python3 -c 'import aide.run'' "
                             "returned a non-zero code: 1")
        return real_build(*args, nocache=nocache)

    monkeypatch.setattr(images, "build", failing_once)
    folder = tmp_path / "rebuilt"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: rebuilt\n")
    (folder / "start.sh").write_text(f"echo {secrets.token_hex(4)}\n")
    out = io.StringIO()
    tag = ensure_agent_image(client, Agent.from_folder(folder), base_tag, Console(file=out, width=300))
    assert calls == [False, True] and images.image_id(client, tag) is not None
    assert "failed (docker build failed: The command" in out.getvalue()
    assert "building it once more without the engine's cache" in out.getvalue()
    client.api.remove_image(tag)


@pytest.mark.docker
def test_unpullable_base_names_the_offline_script(client: DockerClient) -> None:
    with pytest.raises(ImageError, match="build-offline-base"):
        resolve_base_source(client, "mlebench-no-such-image.invalid/none:never")


@pytest.mark.docker
def test_preflight_names_a_missing_base_without_pulling(make_runner: MakeRunner, probe: Agent) -> None:
    assert make_runner().problems(probe) == []
    problems = make_runner(base_image="mlebench-no-such-image:never").problems(probe)
    assert len(problems) == 1 and "build-offline-base" in problems[0]


def test_choosing_the_runner_draws_nothing_and_imports_no_rich() -> None:
    """An xdist worker of a docker session and ``--co`` make and ping the runner; rich (20 ms of
    start-up) comes only when an image is built or pulled."""
    probe = ("import sys; from pytest_mlebench.runners.docker.runner import DockerRunner; "
             "DockerRunner(); print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.docker
def test_no_container_is_left(client: DockerClient) -> None:
    assert not our_containers(client)
