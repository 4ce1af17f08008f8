"""The plugin behaves as pytest users expect of any test suite: node ids that can be pasted
back, ``--co``, markers per split, JUnit XML valid under pytest's schema, reports that
follow the umask. Each is checked in a real pytest session on the tiny catalog."""

from __future__ import annotations

import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

SCHEMA = Path(__file__).parent / "data" / "junit-10.xsd"
CONFTEST_ONE_AGENT = '''
from pathlib import Path

HERE = Path(__file__).parent


def pytest_mlebench_register_competitions(registry):
    registry.add_catalog(HERE / "catalog")


def pytest_mlebench_register_agents(registry):
    registry.add_agents_folder(HERE / "agents" / "good")
'''
PLACED = ".pytest_cache/d/mlebench/test_mlebench_competitions.py"


def test_a_node_id_from_the_output_can_be_pasted_back_to_rerun_that_item(bench: pytest.Pytester) -> None:
    first = bench.runpytest("--agent=crash", "-p", "no:randomly")
    first.assert_outcomes(failed=2, skipped=1)
    first.stdout.fnmatch_lines([f"FAILED {PLACED}::test_competition[[]tiny-auc[]]*"])
    nodeid = re.search(rf"FAILED ({re.escape(PLACED)}::test_competition\[tiny-auc\])", first.stdout.str())
    assert nodeid is not None
    again = bench.runpytest(nodeid.group(1), "--agent=good", "-v")
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines([f"{PLACED}::test_competition[[]tiny-auc[]] PASSED*"])
    assert "tiny-auc-2" not in again.stdout.str().split("MLE-bench medal summary")[0]


def test_junit_classname_names_the_placed_module(bench: pytest.Pytester) -> None:
    bench.runpytest("--agent=good", "--junitxml=r.xml").assert_outcomes(passed=2, skipped=1)
    classnames = {case.get("classname") for case in ET.parse(bench.path / "r.xml").iter("testcase")}
    assert classnames == {".pytest_cache.d.mlebench.test_mlebench_competitions"}


def test_collect_only_lists_the_items_and_writes_no_report(bench: pytest.Pytester,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    step_summary = bench.path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    result = bench.runpytest("--agent=good", "--co", "-q", "--mlebench-report=r.json",
                             "--mlebench-markdown=r.md")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines([f"{PLACED}::test_competition[[]tiny-auc[]]",
                                 f"{PLACED}::test_competition[[]tiny-auc-2[]]", "3 tests collected*"])
    assert not (bench.path / "r.json").exists() and not (bench.path / "r.md").exists()
    assert not step_summary.exists()
    assert "medal summary" not in result.stdout.str()


def test_splits_are_markers_and_keywords(bench: pytest.Pytester) -> None:
    (bench.path / "catalog" / "splits" / "small.txt").write_text("tiny-auc-2\n")
    by_marker = bench.runpytest("--agent=good", "--co", "-q", "-m", "small", "--strict-markers")
    by_marker.stdout.fnmatch_lines(["*test_competition[[]tiny-auc-2[]]",
                                    "1/3 tests collected (2 deselected)*"])
    by_keyword = bench.runpytest("--agent=good", "--co", "-q", "-k", "tiny and not small")
    by_keyword.stdout.fnmatch_lines(["*test_competition[[]tiny-auc[]]",
                                     "*test_competition[[]not-written-yet[]]",
                                     "2/3 tests collected (1 deselected)*"])
    markers = bench.runpytest("--agent=good", "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.small: a competition of the small split (pytest-mlebench)"])


def _validate(path: Path) -> ET.Element:
    xmlschema.XMLSchema(SCHEMA).validate(path)
    return ET.parse(path).getroot()


@pytest.mark.parametrize("xdist", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_junit_xml_validates_under_xunit2_with_records_as_suite_properties(
        bench: pytest.Pytester, xdist: tuple[str, ...]) -> None:
    bench.runpytest("--agent=good", "--junitxml=r.xml", "--mlebench-report=r.json", *xdist)
    root = _validate(bench.path / "r.xml")
    records = json.loads((bench.path / "r.json").read_text())["competition_reports"]
    props = {p.get("name"): p.get("value") for p in root.find("testsuite/properties")}
    assert {json.loads(props[f"mlebench[{r['competition_id']}#0]"])["score"] for r in records} == {
        r["score"] for r in records}
    assert props["mlebench.agent"] == "good" and props["mlebench.runner"] == "local"
    assert props["mlebench.cpus_per_run"] == "null" and props["mlebench.variants"] == "{}"


def test_under_xunit1_the_record_is_each_case_s_properties_as_json_scalars(bench: pytest.Pytester) -> None:
    bench.runpytest("--agent=good", "--junitxml=r.xml", "-o", "junit_family=xunit1").assert_outcomes(
        passed=2, skipped=1)
    cases = {c.get("name"): c for c in ET.parse(bench.path / "r.xml").iter("testcase")}
    props = {p.get("name"): p.get("value") for p in cases["test_competition[tiny-auc-2]"].iter("property")}
    assert props["competition_id"] == "tiny-auc-2" and props["valid_submission"] == "true"
    assert props["gold_medal"] == "false" and props["harness_error"] == "null"
    assert float(props["score"]) == pytest.approx(0.84674, abs=1e-5)


def test_a_failed_case_carries_the_agent_s_log_tail_in_system_out(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=crash", "--junitxml=r.xml", "-o", "junit_logging=all")
    result.assert_outcomes(failed=2, skipped=1)
    result.stdout.fnmatch_lines(["*Captured stdout agent log*", "(the end of *agent.log)",
                                 "*about to crash*"])
    root = _validate(bench.path / "r.xml")
    failed = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert len(failed) == 2
    assert all("about to crash" in (c.findtext("system-out") or "") for c in failed)


def test_reports_follow_the_umask(bench: pytest.Pytester) -> None:
    old = os.umask(0o022)
    try:
        bench.runpytest("--agent=good", "--mlebench-report=r.json", "--mlebench-html=r.html").assert_outcomes(
            passed=2, skipped=1)
    finally:
        os.umask(old)
    for name in ("r.json", "r.html"):
        assert stat.S_IMODE((bench.path / name).stat().st_mode) == 0o644, name


def test_an_agent_can_be_given_by_the_path_of_its_folder(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=./agents/good", "--mlebench-report=r.json")
    result.assert_outcomes(passed=2, skipped=1)
    records = json.loads((bench.path / "r.json").read_text())["competition_reports"]
    assert {r["agent"] for r in records} == {"good"}
    missing = bench.runpytest("--agent=./agents/nobody")
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    missing.stderr.fnmatch_lines(["*--agent ./agents/nobody: */agents/nobody holds no agent.yaml*"])


def test_a_conftest_may_register_one_agent_folder_itself(bench: pytest.Pytester) -> None:
    bench.makeconftest(CONFTEST_ONE_AGENT)
    bench.runpytest("--agent=good").assert_outcomes(passed=2, skipped=1)
    (bench.path / "empty").mkdir()
    bench.makeconftest(CONFTEST_ONE_AGENT.replace('"agents" / "good"', '"empty"'))
    nothing = bench.runpytest("--agent=good")
    assert nothing.ret == pytest.ExitCode.USAGE_ERROR
    nothing.stderr.fnmatch_lines(["*/empty: no agent.yaml in it or in its subfolders"])


def test_a_broken_agent_fails_only_the_session_that_selects_it(bench: pytest.Pytester) -> None:
    (bench.path / "agents" / "copier" / "agent.yaml").write_text("name: copier\nversoin: 1\n")
    (bench.path / "agents" / "crash" / "start.sh").unlink()
    bench.runpytest("--agent=good").assert_outcomes(passed=2, skipped=1)
    for agent, reason in (("copier", "*agent.yaml: unknown keys *versoin*"),
                          ("crash", "*agent 'crash': start script */crash/start.sh is missing*")):
        result = bench.runpytest(f"--agent={agent}")
        assert result.ret == pytest.ExitCode.USAGE_ERROR, agent
        result.stderr.fnmatch_lines([reason])


def test_a_separate_path_value_does_not_move_the_rootdir(bench: pytest.Pytester,
                                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    """``--mlebench-data-dir PATH`` (no ``=``): PATH is not a test path; .pytest_cache stays."""
    elsewhere = tmp_path_factory.mktemp("cache-elsewhere")
    (bench.path / "tox.ini").unlink()
    result = bench.runpytest("--agent=good", "--mlebench-runner", "local", "--competitions", "tiny",
                             "--mlebench-data-dir", str(elsewhere))
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines([f"rootdir: {bench.path}"])
    assert (bench.path / PLACED).is_file() and (bench.path / "mlebench-runs").is_dir()
    assert not (elsewhere / ".pytest_cache").exists()


def test_ini_paths_are_taken_from_the_ini_file_s_folder(bench: pytest.Pytester,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    ini = (bench.path / "tox.ini").read_text()
    (bench.path / "tox.ini").write_text(ini + "\nmlebench_runs_dir = my-runs\nmlebench_report = out/r.json\n")
    (bench.path / "sub").mkdir()
    monkeypatch.chdir(bench.path / "sub")
    bench.runpytest("--agent=good").assert_outcomes(passed=2, skipped=1)
    assert (bench.path / "my-runs").is_dir() and (bench.path / "out" / "r.json").is_file()
    assert not (bench.path / "sub" / "my-runs").exists()


def test_an_agent_in_the_ini_file_runs_the_project_s_tests_too(bench: pytest.Pytester) -> None:
    ini = (bench.path / "tox.ini").read_text()
    (bench.path / "tox.ini").write_text(ini + "\nmlebench_agent = good\n")
    bench.makepyfile(test_own="def test_the_project_s_own():\n    pass\n")
    result = bench.runpytest("-v")
    result.assert_outcomes(passed=3, skipped=1)
    result.stdout.fnmatch_lines(["*test_own.py::test_the_project_s_own PASSED*"], consecutive=False)


@pytest.mark.parametrize(("limit", "seconds"), [("1h30m", 5400.0), ("1h 30m", 5400.0), ("90", 90.0)])
def test_time_limits_take_compound_units(bench: pytest.Pytester, limit: str, seconds: float) -> None:
    result = bench.runpytest("--agent=good", f"--mlebench-time-limit={limit}", "--co", "-q")
    assert result.ret == pytest.ExitCode.OK
    assert f"time limit {seconds:g}s" in bench.runpytest(
        "--agent=good", f"--mlebench-time-limit={limit}", "--co").stdout.str()


def test_unknown_ids_in_a_list_file_are_each_named_with_their_line(bench: pytest.Pytester) -> None:
    (bench.path / "ids.txt").write_text("tiny-auc\n# a comment\ntiny-acu\n\nnope\n")
    result = bench.runpytest("--agent=good", "--competitions=@ids.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([
        "*ids.txt:3: unknown competition or split 'tiny-acu'. Did you mean: tiny-auc*",
        "*ids.txt:5: unknown competition or split 'nope'.",
        "  Valid splits: *tiny.",
        "  Valid competitions: *",
    ])
    assert max(len(line) for line in result.stderr.lines) <= 120


def test_under_rerunfailures_the_last_attempt_counts_and_the_first_is_kept(
        bench: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """An agent that fails its first attempt and passes the second (pytest-rerunfailures --reruns)."""
    (bench.path / "agents" / "flaky").mkdir()
    (bench.path / "agents" / "flaky" / "agent.yaml").write_text("name: flaky\nstart: start.sh\n")
    (bench.path / "agents" / "flaky" / "start.sh").write_text(
        'marker="$RUNS_MARKER/$COMPETITION_ID"\n'
        'if [ ! -e "$marker" ]; then touch "$marker"; echo first > "$LOGS_DIR/attempt.txt"; exit 3; fi\n'
        'echo second > "$LOGS_DIR/attempt.txt"\n'
        'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n')
    agent_yaml = bench.path / "agents" / "flaky" / "agent.yaml"
    agent_yaml.write_text(agent_yaml.read_text() + "env_from_host: [RUNS_MARKER]\n")
    monkeypatch.setenv("RUNS_MARKER", str(bench.mkdir("markers")))
    # It remembers its first attempt in a folder of the host's: outside the local runner's sandbox.
    result = bench.runpytest("--agent=flaky", "--reruns=1", "--mlebench-local-sandbox=none",
                             "--mlebench-report=r.json")
    outcomes = result.parseoutcomes()
    assert (outcomes.get("passed"), outcomes.get("skipped"), outcomes.get("rerun")) == (2, 1, 2)
    table = result.stdout.str().split("MLE-bench medal summary")[1].split("any medal")[0]
    assert "rerun" not in table and table.count("passed") == 2
    for record in json.loads((bench.path / "r.json").read_text())["competition_reports"]:
        run_dir = Path(record["run_dir"])
        assert (run_dir / "logs" / "attempt.txt").read_text() == "second\n"
        first = run_dir.with_name(f"{run_dir.name}-attempt1")
        assert (first / "logs" / "attempt.txt").read_text() == "first\n"
