"""The local runner under bubblewrap: a hostile agent written here tries each hole the local
runner had (host processes, the data cache and its answers, the network, its own agent folder,
a link to / for an output folder) and finds none of them, while the doors it is meant to have
(its workspace, the public data, the validation endpoint) still work. Without the sandbox the
records, the header and the summary say ``isolation: none``, and --mlebench-require-isolation
refuses such a run."""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from waiting import agent_started, start_session, wait_for

from pytest_mlebench.runners.sandbox import bwrap_problem

needs_bwrap = pytest.mark.skipif(bwrap_problem() is not None, reason=str(bwrap_problem()))

#: Notes what it can reach into $LOGS_DIR/found.txt (copied out with the run), then submits.
SNOOPER = r"""
found="$LOGS_DIR/found.txt"
say() { echo "$1=$2" >> "$found"; }
say harness_pid "$([ -e "/proc/$SNOOP_PID" ] && echo seen || echo hidden)"
say processes "$(ls /proc | grep -c -E '^[0-9]+$')"
say data_dir "$([ -e "$SNOOP_DATA" ] && echo seen || echo hidden)"
say answers "$(find / -path /proc -prune -o -path /sys -prune -o -path /usr -prune -o \
    -name answers.csv -print 2>/dev/null | wc -l)"
say network "$(python3 -c 'import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3).close(); print("open")
except OSError:
    print("closed")' "$SNOOP_PORT")"
say agent_dir "$(touch "$AGENT_DIR/planted" 2>/dev/null && echo writable || echo read-only)"
say data_files "$(ls "$DATA_DIR" | tr '\n' ' ')"
say data_write "$({ touch "$DATA_DIR/planted" || rm -f "$DATA_DIR/sample_submission.csv" || \
    mv "$DATA_DIR" "$HOME/moved"; } 2>/dev/null && echo writable || echo read-only)"
say shadow "$(head -c 1 /etc/shadow 2>/dev/null | wc -c)"
say tmp "$(ls /tmp | tr '\n' ' ')"
cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"
say validation "$("$HOME/validate_submission.sh" "$SUBMISSION_DIR/submission.csv" 2>&1 | tr '\n' ' ')"
{ rm -rf "$CODE_DIR" && ln -s / "$CODE_DIR"; } 2>/dev/null || true
"""


@pytest.fixture
def listener() -> Iterator[int]:
    """A TCP service on the host's loopback: what a networked agent could reach."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                server.accept()[0].close()
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def snooper(bench: pytest.Pytester, port: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The snooping agent, told the harness's pid, the data folder and the listener's port."""
    folder = bench.path / "agents" / "snooper"
    folder.mkdir()
    (folder / "agent.yaml").write_text(
        "name: snooper\nstart: start.sh\nenv_from_host: [SNOOP_PID, SNOOP_DATA, SNOOP_PORT]\n")
    (folder / "start.sh").write_text("set -u\n" + SNOOPER)
    data_dir = Path(bench.parseconfig().getini("mlebench_data_dir"))
    monkeypatch.setenv("SNOOP_PID", str(os.getpid()))
    monkeypatch.setenv("SNOOP_DATA", str(data_dir))
    monkeypatch.setenv("SNOOP_PORT", str(port))
    return data_dir


def python_under_tmp() -> set[str]:
    """The top folders under /tmp of the venv and base prefix the sandbox binds (read-only)."""
    tmp = Path("/tmp").resolve()
    return {Path(p).resolve().relative_to(tmp).parts[0] for p in (sys.prefix, sys.base_prefix)
            if Path(p).resolve().is_relative_to(tmp)}


def found(record: dict) -> dict[str, str]:
    lines = (Path(record["run_dir"]) / "logs" / "found.txt").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


@needs_bwrap
def test_a_snooping_agent_finds_nothing_of_the_host(bench: pytest.Pytester, listener: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = snooper(bench, listener, monkeypatch)
    result = bench.runpytest_subprocess("--agent=snooper", "--competitions=tiny-auc",
                                        "--mlebench-report=r.json", timeout=300)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["mlebench: agent snooper (v*), runner local, isolation bwrap"])
    (record,) = json.loads((bench.path / "r.json").read_text())["competition_reports"]
    assert (record["isolation"], record["agent_network"]) == ("bwrap", "none"), record
    assert record["valid_submission"] and not record.get("harness_error"), record
    seen = found(record)
    assert seen["harness_pid"] == "hidden" and int(seen["processes"]) < 10, seen
    assert seen["data_dir"] == "hidden" and seen["answers"] == "0", seen
    assert (data_dir / "tiny-auc").is_dir(), "the cache it could not see does exist"
    assert seen["network"] == "closed" and seen["agent_dir"] == "read-only", seen
    # The public data is the cache's own folder, read-only: nothing the agent does reaches it.
    (public,) = (data_dir / "tiny-auc").glob("*/public")
    assert seen["data_write"] == "read-only", seen
    assert seen["data_files"].split() == sorted(p.name for p in public.iterdir()), seen
    assert "sample_submission.csv" in seen["data_files"].split(), seen
    # /tmp holds its own workspace, and the Python running pytest where that lives under /tmp
    # (a CI venv): no other run's workspace, no prepared data.
    workspaces = [name for name in seen["tmp"].split() if name not in python_under_tmp()]
    assert seen["shadow"] == "0" and len(workspaces) == 1, seen
    assert workspaces[0].startswith("mlebench-tiny-auc-"), seen
    assert "valid" in seen["validation"].lower() and "invalid" not in seen["validation"].lower(), seen
    assert not (Path(record["run_dir"]) / "code" / "etc").exists(), "nothing of the host was copied"
    assert "isolation: none" not in result.stdout.str()


def test_without_the_sandbox_the_records_header_and_summary_say_isolation_none(
        bench: pytest.Pytester, listener: int, monkeypatch: pytest.MonkeyPatch) -> None:
    snooper(bench, listener, monkeypatch)
    result = bench.runpytest_subprocess("--agent=snooper", "--competitions=tiny-auc",
                                        "--mlebench-local-sandbox=none", "--mlebench-report=r.json",
                                        timeout=300)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "mlebench: agent snooper (v*), runner local, isolation none (--mlebench-local-sandbox none)",
        "(!) isolation: none for 1 of 1 runs: their agents ran unsandboxed*"])
    (record,) = json.loads((bench.path / "r.json").read_text())["competition_reports"]
    assert (record["isolation"], record["agent_network"]) == ("none", "host"), record
    seen = found(record)
    # What the sandbox takes away: this is the hole it closes.
    assert (seen["harness_pid"], seen["data_dir"], seen["network"]) == ("seen", "seen", "open"), seen


def test_require_isolation_refuses_an_unsandboxed_local_runner(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=good", "--mlebench-local-sandbox=none",
                             "--mlebench-require-isolation")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--mlebench-runner local cannot run here: --mlebench-require-isolation:"
                                 " its agents would run unisolated*"])


@needs_bwrap
def test_require_isolation_accepts_the_sandboxed_local_runner(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=good", "--competitions=tiny-auc", "--mlebench-require-isolation")
    result.assert_outcomes(passed=1)


@needs_bwrap
def test_a_killed_session_takes_its_sandboxed_agent_with_it(bench: pytest.Pytester, tmp_path: Path) -> None:
    """SIGKILL to pytest: the dead-man's switch ends the sandbox and everything in it."""
    folder = bench.path / "agents" / "napper"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: napper\nstart: start.sh\n")
    (folder / "start.sh").write_text("echo sleeping\nsetsid sleep 600 &\nexec sleep 600\n")
    output = tmp_path / "session.log"
    proc = start_session(bench.path, ["--agent=napper", "--competitions=tiny-auc"], output)
    wait_for(lambda: agent_started(bench.path), "the sandboxed agent started", proc=proc, output=output)
    inside = [p for p in psutil.Process(proc.pid).children(recursive=True) if p.name() in ("bwrap", "sleep")]
    assert {p.name() for p in inside} == {"bwrap", "sleep"}, inside
    proc.kill()
    proc.wait()

    def gone() -> bool:
        return not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in inside)

    wait_for(gone, "the sandbox and its processes ended", timeout=30)
