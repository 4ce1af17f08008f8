"""What a session shows while agents run: live lines on a terminal, pytest's own lines intact,
quiet where pytest is quiet; and the medal summary shown where pytest shows its summary.

Terminal sessions run on a real pseudo-terminal, read through a terminal emulator.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from terminal import TerminalSession

#: Says where it is, then works until the test lets it finish (the file named by $LEASE_LOG).
TALKER = ('echo "step 1 of 3: fitting"\n'
          'while [ ! -e "$LEASE_LOG" ]; do sleep 0.1; done\n'
          'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n')
#: Says where it is, then works for 3 s of its own: several refreshes of a live line.
PAUSER = ('echo "step 1 of 3: fitting"\nsleep 3\n'
          'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n')
LIVE = r"mlebench: {name}\s+(\d+:\d\d) / 10:00\s+step 1 of 3: fitting$"
LIMIT = "--mlebench-time-limit=10m"


@pytest.fixture
def release(bench: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file whose appearing lets the talker finish; the agents talker and pauser in ``bench``."""
    for name, body in {"talker": TALKER, "pauser": PAUSER}.items():
        folder = bench.path / "agents" / name
        folder.mkdir()
        (folder / "agent.yaml").write_text(f"name: {name}\nversion: '1'\nstart: start.sh\n"
                                           "env_from_host: [LEASE_LOG]\n")
        (folder / "start.sh").write_text("set -euo pipefail\n" + body)
    path = tmp_path / "release"
    monkeypatch.setenv("LEASE_LOG", str(path))
    # The agents wait for a file of the host's: outside the local runner's sandbox.
    ini = bench.path / "tox.ini"
    ini.write_text(ini.read_text() + "\nmlebench_local_sandbox = none\n")
    return path


def live_rows(lines: list[str]) -> list[str]:
    return [row for row in lines if re.match(r"mlebench: \S+\s+\d+:\d\d", row)]


def test_a_running_agent_has_a_live_line_under_pytest_s_own(bench: pytest.Pytester, release: Path) -> None:
    term = TerminalSession(bench.path, ["--agent=talker", "-v", LIMIT, "--competitions=tiny-auc,tiny-auc-2"])
    try:
        first = term.wait_for_lines(LIVE.format(name="tiny-auc"),
                                    what="a live line with tiny-auc, its clock against 10:00 and its log's "
                                         "last line")[0]
        rows = term.lines()
        below = rows.index(first.string)
        assert rows[below - 1].endswith("::test_competition[tiny-auc]"), \
            "pytest's -v line waits above the live line, nodeid intact"
        term.wait_for_lines(LIVE.format(name="tiny-auc").replace(r"(\d+:\d\d)", f"(?!{first[1]})\\d+:\\d\\d"),
                            what=f"the live line's clock moving on from {first[1]}")
    finally:
        release.write_text("done")
    assert term.end("the talker was released") == 0, term.text()
    lines = term.lines()
    for cid, progress in (("tiny-auc", " 50%"), ("tiny-auc-2", "100%")):
        row = rf"::test_competition\[{cid}\] PASSED\s+\[{progress}\]$"
        assert any(re.search(row, line) for line in lines), f"no intact -v line {row}:\n{term.text()}"
    assert not live_rows(lines), "the live lines are gone once the runs are"
    assert any("MLE-bench medal summary" in row for row in lines)


def test_under_xdist_the_controller_shows_every_run_in_flight(bench: pytest.Pytester, release: Path) -> None:
    term = TerminalSession(bench.path, ["--agent=talker", "-n", "2", "-v", LIMIT,
                                        "--competitions=tiny-auc,tiny-auc-2"])
    try:
        term.wait_for_lines(LIVE.format(name="tiny-auc"), LIVE.format(name="tiny-auc-2"),
                            what="both runs in flight on the controller's screen at once")
    finally:
        release.write_text("done")
    assert term.end("the talkers were released") == 0, term.text()
    lines = term.lines()
    for cid in ("tiny-auc", "tiny-auc-2"):
        assert any(re.fullmatch(rf"\[gw\d\] \[\s*\d+%\] PASSED \S*::test_competition\[{cid}\]", row)
                   for row in lines), term.text()
    assert not live_rows(lines), term.text()


@pytest.mark.parametrize("flag", ["-q", "-qq", "-s"])
def test_no_live_line_where_pytest_is_quiet_or_output_is_the_user_s(bench: pytest.Pytester, release: Path,
                                                                      flag: str) -> None:
    term = TerminalSession(bench.path, ["--agent=pauser", flag, LIMIT, "--competitions=tiny-auc"])
    assert term.end("the pauser's run") == 0, term.text()
    assert b"step 1 of 3" not in term.raw, f"a live line was drawn under {flag}:\n{term.text()}"


def test_no_live_line_when_output_is_not_a_terminal(bench: pytest.Pytester, release: Path) -> None:
    result = bench.runpytest_subprocess("--agent=pauser", "-v", LIMIT, "--competitions=tiny-auc")
    result.assert_outcomes(passed=1)
    out = result.stdout.str() + result.stderr.str()  # a CI log holds both
    assert "step 1 of 3" not in out and "\x1b[" not in out and "preparing" not in out, out
    result.stdout.fnmatch_lines(["*::test_competition[[]tiny-auc[]] PASSED*"])


@pytest.mark.parametrize(("flags", "shown"), [((), True), (("-q",), True), (("-qq",), False),
                                              (("--no-summary",), False)],
                         ids=["default", "-q", "-qq", "--no-summary"])
def test_medal_summary_shows_where_pytest_shows_its_summary(bench: pytest.Pytester, flags: tuple[str, ...],
                                                            shown: bool) -> None:
    result = bench.runpytest("--agent=copier", *flags, "--mlebench-fail-under=any_medal=0.3",
                             "--mlebench-report=r.json")
    out = result.stdout.str()
    assert ("MLE-bench medal summary" in out) is shown, out
    assert ("JSON report:" in out) is shown, out
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*gate failed: --mlebench-fail-under any_medal=0.3*"])
