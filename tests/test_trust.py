"""Preflight, provenance, known issues and comparability, in real pytest sessions."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from kaggle_server import TOKEN, USER, FakeCompetition, KaggleServer, make_zip

from pytest_mlebench.leaderboards.format import LFS_POINTER_PREFIX

KAGGLE_ID = "kag-comp"
PROVENANCE = ("plugin_version", "agent", "agent_version", "runner", "time_limit_s", "host_cpus",
              "dataset_version", "leaderboard_source")


def add_kaggle_competition(root: Path) -> None:
    """A competition whose raw files would come from Kaggle (never reached in these tests)."""
    folder = root / "catalog" / KAGGLE_ID
    folder.mkdir()
    (folder / "competition.yaml").write_text(textwrap.dedent(f"""\
        id: {KAGGLE_ID}
        title: A Kaggle competition
        source: kaggle
        leaderboard: none
        grading: {{metric: roc_auc, id_column: id, target_columns: [y]}}
    """))
    (folder / "prepare.py").write_text("def prepare(raw, public, private):\n    raise AssertionError\n")


def lfs_repo(root: Path) -> Path:
    """An MLE-bench checkout made without Git LFS: pointer files where leaderboards belong."""
    board = root / "mle-bench" / "mlebench" / "competitions" / KAGGLE_ID / "leaderboard.csv"
    board.parent.mkdir(parents=True)
    board.write_text(LFS_POINTER_PREFIX + "\noid sha256:abc\nsize 67155\n")
    return root / "mle-bench"


def nothing_happened(bench: pytest.Pytester) -> None:
    data_dir = Path(bench.parseconfig().getini("mlebench_data_dir"))
    assert not any(data_dir.iterdir()), "nothing may be prepared when preflight fails"
    assert not (bench.path / "mlebench-runs").exists(), "nothing may run when preflight fails"


@pytest.fixture
def kaggle(bench: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A loopback Kaggle the sessions' SDK talks to, with no credentials yet."""
    add_kaggle_competition(bench.path)
    with KaggleServer() as server:
        server.point_sdk_here(monkeypatch, tmp_path / "home")
        yield server


def test_preflight_lists_every_problem_at_once(bench: pytest.Pytester, kaggle: KaggleServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    result = bench.runpytest_subprocess(
        "--agent=good", f"--competitions=tiny-auc,{KAGGLE_ID}", "--mlebench-require=bronze",
        f"--mlebench-repo={lfs_repo(bench.path)}", "--mlebench-gpus=0,3", timeout=120)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        "*preflight found problems; nothing was prepared or run:",
        "*Kaggle credentials*",
        "*Git LFS pointers*git lfs pull*",
        "*--mlebench-gpus 0,3: GPU 3 not visible here (the driver reports: 0)*",
    ])
    nothing_happened(bench)


def test_preflight_names_the_rules_page_to_accept(bench: pytest.Pytester, kaggle: KaggleServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    kaggle.tokens[TOKEN] = USER
    monkeypatch.setenv("KAGGLE_API_TOKEN", TOKEN)
    kaggle.competitions[KAGGLE_ID] = FakeCompetition(make_zip({"train.csv": b"id,y\n"}), rules_accepted=False)
    result = bench.runpytest_subprocess("--agent=good", f"--competitions={KAGGLE_ID}", timeout=120)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*https://www.kaggle.com/competitions/{KAGGLE_ID}/rules*"])
    nothing_happened(bench)


@pytest.mark.docker
def test_preflight_reports_a_missing_image(bench: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from docker_helpers import require_docker

    require_docker()
    monkeypatch.setenv("MLEBENCH_BASE_IMAGE", "no-such-base:1")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    result = bench.runpytest_subprocess("--agent=good", "--mlebench-runner=docker", "--mlebench-gpus=5",
                                        timeout=120)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*preflight found problems*", "*docker runner: *no-such-base:1*",
                                 "*GPU 5 not visible*"])
    nothing_happened(bench)


def test_preflight_only_checks_then_exits(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=good", "--mlebench-preflight")
    assert result.ret == pytest.ExitCode.OK
    result.stderr.fnmatch_lines(["*preflight passed: 3 competitions can run*"])
    nothing_happened(bench)


def test_every_record_carries_its_provenance(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=good", "--mlebench-report=r.json", "--junitxml=r.xml")
    result.stdout.fnmatch_lines(["*mlebench: host * CPUs, per run: cpus all, memory unlimited, gpus 0; "
                                 "plugin *"])
    records = json.loads((bench.path / "r.json").read_text())["competition_reports"]
    assert records
    for rec in records:
        missing = [f for f in PROVENANCE if rec.get(f) in (None, "")]
        assert not missing, f"{rec['competition_id']} lacks {missing}"
        assert len(rec["dataset_version"]) == 64
    junit = (bench.path / "r.xml").read_text()
    assert all(f'"dataset_version": "{rec["dataset_version"]}"' in junit.replace("&quot;", '"')
               for rec in records)


def test_reports_with_different_time_limits_are_not_comparable(bench: pytest.Pytester) -> None:
    bench.runpytest("--agent=good", "--mlebench-time-limit=60", "--mlebench-report=a.json")
    bench.runpytest("--agent=good", "--mlebench-time-limit=120", "--mlebench-report=b.json")
    same = bench.runpytest("--agent=good", "--mlebench-time-limit=60", "--mlebench-report=c.json")
    same.assert_outcomes(passed=2, skipped=1)

    def compare(a: str, b: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pytest_mlebench", "compare", a, b],
                              cwd=bench.path, capture_output=True, text=True, timeout=120)

    different = compare("a.json", "b.json")
    assert different.returncode == 3 and "NOT COMPARABLE" in different.stdout + different.stderr
    assert "time_limit" in different.stdout + different.stderr
    assert compare("a.json", "c.json").returncode == 0


def test_known_issues_are_marked_and_can_be_excluded(bench: pytest.Pytester) -> None:
    yaml_file = bench.path / "catalog" / "tiny-auc-2" / "competition.yaml"
    yaml_file.write_text(yaml_file.read_text() + "known_issues: [leaderboard saturated at the top]\n")
    marked = bench.runpytest("--agent=good", "--mlebench-report=all.json")
    marked.assert_outcomes(passed=2, skipped=1)
    marked.stdout.fnmatch_lines(["*tiny-auc-2 (!)*",
                                 "*(!) tiny-auc-2 has a known issue: leaderboard saturated*"])
    excluded = bench.runpytest("--agent=good", "--mlebench-exclude-known-issues", "--mlebench-report=ex.json")
    excluded.assert_outcomes(passed=1, skipped=1)
    excluded.stdout.fnmatch_lines(["*excluded for known issues: tiny-auc-2 (the denominator changes)*"])
    report = json.loads((bench.path / "ex.json").read_text())
    assert [r["competition_id"] for r in report["competition_reports"]] == ["tiny-auc"]
    assert report["excluded_known_issues"] == ["tiny-auc-2"]
    assert any("tiny-auc-2" in note for note in report["aggregate"]["notes"])
