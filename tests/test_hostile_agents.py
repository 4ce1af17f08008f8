"""What an agent leaves in its output folders cannot crash, hang or mislead the harness: a link in
place of a folder, FIFOs, names that are not UTF-8 or hold terminal escapes, more files than a
run may bring out. Each is refused with the reason in the agent's log, and the run is the agent's
own result, never a harness error (which the rates leave out)."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pytest

from pytest_mlebench.fsutil import OutputBudget, copy_outputs, shown_name, write_note
from pytest_mlebench.runners.docker.runner import extract_outputs

#: A file name no UTF-8 log can hold as is: a byte that is not UTF-8, then a terminal escape.
HOSTILE_NAME = os.fsdecode(b"link\xff\x1b[2J")
SHOWN = "link\\xff\\x1b[2J"


def test_names_are_escaped_before_any_log_sees_them(tmp_path: Path) -> None:
    assert shown_name(HOSTILE_NAME) == SHOWN
    assert shown_name("plain name é.csv") == "plain name é.csv"
    write_note(tmp_path / "agent.log", f"refused: {HOSTILE_NAME}")  # no UnicodeEncodeError
    assert SHOWN in (tmp_path / "agent.log").read_text()


def test_a_link_in_place_of_the_folder_copies_nothing(tmp_path: Path) -> None:
    (tmp_path / "code").symlink_to("/")
    refused = copy_outputs(tmp_path / "code", tmp_path / "out", OutputBudget(10**9))
    assert refused == ["code: a symbolic link to / in place of the folder: nothing was copied"]
    assert not (tmp_path / "out").exists()


def test_fifos_links_and_odd_names_are_refused_without_hanging(tmp_path: Path) -> None:
    src = tmp_path / "logs"
    src.mkdir()
    os.mkfifo(src / "pipe")
    (src / HOSTILE_NAME).symlink_to("/etc/passwd")
    (src / f"{HOSTILE_NAME}.txt").write_text("kept")
    refused = copy_outputs(src, tmp_path / "out", OutputBudget(10**9))
    assert sorted(refused) == sorted(["pipe: not a regular file", f"{HOSTILE_NAME}: symbolic link"])
    assert (tmp_path / "out" / f"{HOSTILE_NAME}.txt").read_text() == "kept"


@pytest.mark.parametrize("limit", ["files", "time"])
def test_copy_out_stops_at_the_run_s_file_count_and_time_budget(tmp_path: Path, limit: str) -> None:
    src = tmp_path / "code"
    src.mkdir()
    for i in range(30):
        (src / f"f{i:02d}.py").write_text("x")
    budget = OutputBudget(10**9, max_files=10) if limit == "files" else OutputBudget(10**9, time_budget_s=0)
    refused = copy_outputs(src, tmp_path / "out", budget)
    copied = len(list((tmp_path / "out").iterdir()))
    if limit == "files":
        assert copied == 10 and refused == ["more than 10 files: the rest was not copied"]
    else:
        assert copied == 0 and refused == ["copying took over 0s: the rest was not copied"]


def archive(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> list[bytes]:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            info.size = len(data or b"")
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return [buffer.getvalue()]


def member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


def test_the_engine_s_archive_of_a_link_in_place_of_the_folder_extracts_nothing(tmp_path: Path) -> None:
    refused = extract_outputs(iter(archive([(member("code", tarfile.SYMTYPE, "/"), None),
                                            (member("code/etc/passwd"), b"root")])),
                              tmp_path / "out", OutputBudget(10**9))
    assert refused == ["code: symbolic link to / in place of the folder: nothing was copied"]
    assert list((tmp_path / "out").iterdir()) == []


def test_the_engine_s_archive_refuses_what_cannot_be_written_and_goes_on(tmp_path: Path) -> None:
    too_long = "n" * 300  # past the host's 255-byte name limit: the write fails, the run does not
    refused = extract_outputs(iter(archive([
        (member("logs", tarfile.DIRTYPE), None),
        (member(f"logs/{too_long}"), b"x"),
        (member(f"logs/{HOSTILE_NAME}", tarfile.FIFOTYPE), None),
        (member("logs/after.txt"), b"kept"),
    ])), tmp_path / "out", OutputBudget(10**9))
    assert refused == [f"{too_long}: not copied (File name too long)", f"{HOSTILE_NAME}: not a regular file"]
    assert (tmp_path / "out" / "after.txt").read_text() == "kept"


def test_the_engine_s_archive_stops_at_the_file_count(tmp_path: Path) -> None:
    members = [(member("code", tarfile.DIRTYPE), None)]
    members += [(member(f"code/f{i}.py"), b"x") for i in range(30)]
    budget = OutputBudget(10**9, max_files=10)
    refused = extract_outputs(iter(archive(members)), tmp_path / "out", budget)
    assert refused == ["more than 10 files: the rest was not copied"]
    assert len(list((tmp_path / "out").iterdir())) == 10


#: Submits the sample, then leaves every kind of output the harness must not trip on.
VANDAL = r"""cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"
mkfifo "$LOGS_DIR/pipe"
ln -s /etc/passwd "$LOGS_DIR/$(printf 'link\377\033[2J')"
printf 'kept' > "$LOGS_DIR/$(printf 'note\377.txt')"
{ rm -rf "$CODE_DIR" && ln -s / "$CODE_DIR"; } 2>/dev/null || true
"""


@pytest.mark.parametrize("runner", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_a_vandal_agent_s_outputs_are_its_own_result_not_a_harness_error(
        bench: pytest.Pytester, runner: str, request: pytest.FixtureRequest) -> None:
    if runner == "docker":
        request.getfixturevalue("docker_base_image")
        request.getfixturevalue("session_label")
    folder = bench.path / "agents" / "vandal"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: vandal\nstart: start.sh\n")
    (folder / "start.sh").write_text("set -eu\n" + VANDAL)
    result = bench.runpytest_subprocess("--agent=vandal", f"--mlebench-runner={runner}",
                                        "--competitions=tiny-auc", "--mlebench-report=r.json",
                                        timeout=600)
    result.assert_outcomes(passed=1)
    report = json.loads((bench.path / "r.json").read_text())
    (record,) = report["competition_reports"]
    assert record["valid_submission"] and not record.get("harness_error"), record
    run_dir = Path(record["run_dir"])
    log = (run_dir / "logs" / "agent.log") if (run_dir / "logs" / "agent.log").exists() else next(
        run_dir.rglob("*.log"))
    text = log.read_text(encoding="utf-8")
    assert "\x1b" not in text and "outputs refused" in text and SHOWN in text
    assert "pipe: not a regular file" in text
    assert (run_dir / "logs" / os.fsdecode(b"note\xff.txt")).read_text() == "kept"
    assert not (run_dir / "code" / "etc").exists(), "nothing of the host was copied"
    if runner == "local":
        assert "code: a symbolic link to / in place of the folder" in text
