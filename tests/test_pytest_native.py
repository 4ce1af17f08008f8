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
