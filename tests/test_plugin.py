"""The plugin as users drive it: real pytest sessions through pytester."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_mlebench.grading.record import MLEBENCH_FIELDS, RECORD_FIELDS


def records(path: Path) -> list[dict]:
    return json.loads(path.read_text())["competition_reports"]


def test_help_shows_the_option_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*MLE-bench: Kaggle competitions for ML agents*"])
    # Every flag but --agent and --competitions is --mlebench-<name>; docker's come from its plugin.
    for flag in ("--agent=NAME", "--competitions=SPEC", "--mlebench-seeds=N", "--mlebench-runner=NAME",
                 "--mlebench-time-limit=TIME", "--mlebench-data-dir=PATH", "--mlebench-runs-dir=PATH",
                 "--mlebench-require=LEVEL", "--mlebench-report=PATH", "--mlebench-memory-per-run=SIZE",
                 "--mlebench-keep-containers"):
        result.stdout.fnmatch_lines([f"*{flag}*"])
    assert "  --runner" not in result.stdout.str() and "  --seeds" not in result.stdout.str()
    for ini in ("mlebench_agent", "mlebench_time_limit", "mlebench_shm_size"):
        result.stdout.fnmatch_lines([f"*{ini} *"])


def test_without_agent_the_plugin_adds_nothing(bench: pytest.Pytester) -> None:
    bench.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = bench.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert "mlebench:" not in result.stdout.str()
    assert not list(bench.path.glob("mlebench-runs"))


#: What a session without --agent has no use for: the catalog's yaml, the runners' locks,
#: process trees and HTTP servers, the data and grading stack, the engine's SDK and drawing.
UNUSED_WITHOUT_AGENT = ("yaml", "filelock", "psutil", "platformdirs", "http", "numpy", "pandas",
                        "pyarrow", "docker", "requests", "rich")


def test_without_agent_the_plugin_imports_only_its_options_and_hooks(pytester: pytest.Pytester,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pytest run in a venv that has the plugin loads it (an unrelated suite too): it costs
    its options and hooks, about 15 ms, not the 80 ms of the runners' and catalog's imports."""
    pytester.makepyfile(test_plain=f"""
        import sys

        def test_nothing_unused_is_loaded():
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in {UNUSED_WITHOUT_AGENT!r})
            assert loaded == []
        """)
    # Only this plugin: another one of the venv's may import any of them itself.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = pytester.runpytest_subprocess("-p", "pytest_mlebench.plugin", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_plugin_can_be_disabled(bench: pytest.Pytester) -> None:
    bench.makepyfile(test_plain="def test_ok():\n    pass\n")
    result = bench.runpytest("-p", "no:mlebench", "--agent=good")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unrecognized arguments: --agent=good*"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--agent=godo"], ["*unknown agent 'godo'. Did you mean: good?",
                            "  Valid agents:*baseline*copier*"]),
        (["--agent=good", "--competitions=tiny-acu"],
         ["*unknown competition or split 'tiny-acu'. Did you mean: tiny-auc*",
          "  Valid splits: *lite*tiny.", "  Valid competitions: *",
          "*(* in all; `python -m pytest_mlebench list`*"]),
        (["--agent=good", "--mlebench-runner=kubernetes"],
         ["*unknown runner 'kubernetes'*", "  Valid runners: auto*local*"]),
        (["--agent=good", "--mlebench-seeds=0"], ["*--mlebench-seeds: '0' is not a positive integer*"]),
        (["--agent=good",
          "--mlebench-time-limit=soon"], ["*--mlebench-time-limit: 'soon' is not a positive duration*"]),
    ],
)
def test_bad_names_are_usage_errors_before_anything_runs(bench: pytest.Pytester, args: list[str],
                                                         expected: list[str]) -> None:
    result = bench.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(expected)
    data_dir = Path(bench.parseconfig().getini("mlebench_data_dir"))
    assert not any(data_dir.iterdir()), "nothing may be prepared on a usage error"
    assert not (bench.path / "mlebench-runs").exists()


def test_collection_one_item_per_competition_and_seed(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--co", "-q", "--agent=good")
    result.stdout.fnmatch_lines([
        "*test_competition[[]tiny-auc[]]", "*test_competition[[]tiny-auc-2[]]",
        "*test_competition[[]not-written-yet[]]", "3 tests collected*",
    ])
    result = bench.runpytest("--co", "-q", "--agent=good", "--competitions=tiny-auc", "--mlebench-seeds=2")
    result.stdout.fnmatch_lines(["*test_competition[[]tiny-auc-seed0[]]",
                                 "*test_competition[[]tiny-auc-seed1[]]", "2 tests collected*"])


def test_competitions_from_a_file_and_a_comma_list(bench: pytest.Pytester) -> None:
    (bench.path / "mine.txt").write_text("# my picks\ntiny-auc-2\n")
    result = bench.runpytest("--co", "-q", "--agent=good", "--competitions=@mine.txt")
    result.stdout.fnmatch_lines(["*[[]tiny-auc-2[]]", "1 test collected*"])
    result = bench.runpytest("--co", "-q", "--agent=good", "--competitions=tiny-auc-2,tiny-auc")
    result.stdout.fnmatch_lines(["*[[]tiny-auc-2[]]", "*[[]tiny-auc[]]", "2 tests collected*"])


def test_full_run_grades_reports_and_summarises(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=good", "--junitxml=r.xml", "--mlebench-report=r.json", "-rs")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines([
        "*mlebench: agent good (v2), runner local*",
        "*MLE-bench medal summary*", "*tiny-auc *", "*any medal:*",
        "*not-written-yet: listed in a split but not implemented yet*",
    ])
    recs = records(bench.path / "r.json")
    assert [r["competition_id"] for r in recs] == ["tiny-auc", "tiny-auc-2"]
    for rec in recs:
        assert list(rec) == list(RECORD_FIELDS)
        assert set(MLEBENCH_FIELDS) <= set(rec)
        assert rec["valid_submission"] and rec["submission_exists"]
        assert 0.75 < rec["score"] < 0.99
        assert rec["leaderboard_source"] == "shipped" and rec["n_teams"] == 20
        assert rec["agent"] == "good" and rec["runner"] == "local" and rec["seed"] == 0
        assert rec["is_lower_better"] is False
        run_dir = Path(rec["run_dir"])
        assert (run_dir / "submission" / "submission.csv").is_file()
        assert (run_dir / "logs" / "notes.txt").read_text() == "model notes\n"
        assert (run_dir / "code" / "start.sh").is_file()
        assert (run_dir / "agent.log").is_file()
    report = json.loads((bench.path / "r.json").read_text())
    assert report["total_runs"] == 2 and report["total_valid_submissions"] == 2
    # pytest's default JUnit family (xunit2): each record is one testsuite property, as JSON.
    suite = ET.parse(bench.path / "r.xml").getroot().find("testsuite")
    props = {p.get("name"): p.get("value") for p in suite.find("properties").iter("property")}
    assert [json.loads(props[f"mlebench[{r['competition_id']}#0]"]) for r in recs] == recs
    assert props["mlebench.agent"] == "good" and not list(suite.find("testcase").iter("property"))


@pytest.mark.parametrize(
    ("agent", "reason"),
    [
        # One sentence, each fact in it once.
        ("crash", "*invalid submission: no submission.csv was written; the agent exited with code 3"),
        ("sleeper", "*invalid submission: no submission.csv was written; the agent was stopped at the "
                    "time limit (2s)"),
        ("malformed", "*invalid submission:*"),
    ],
)
def test_failing_agents_fail_their_own_test_with_the_reason(bench: pytest.Pytester, agent: str,
                                                            reason: str) -> None:
    result = bench.runpytest(f"--agent={agent}", "--mlebench-time-limit=2", "--mlebench-report=r.json")
    result.assert_outcomes(failed=2, skipped=1)
    result.stdout.fnmatch_lines([reason, "*Captured stdout agent log*", "(the end of *agent.log)"])
    recs = records(bench.path / "r.json")
    assert len(recs) == 2 and not any(r["valid_submission"] for r in recs)
    if agent == "sleeper":
        assert all(r["timed_out"] and r["runtime_s"] < 15 for r in recs)


def test_no_agent_process_outlives_its_run(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=spawner", "--competitions=tiny-auc")
    result.assert_outcomes(passed=1)
    leftovers = []
    for proc in Path("/proc").iterdir():
        try:
            if b"mlebench-orphan-tiny-auc" in (proc / "cmdline").read_bytes():
                leftovers.append(proc.name)
        except OSError:
            continue
    assert leftovers == []


def test_require_failure_names_score_threshold_direction_and_rank(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=good", "--competitions=tiny-auc", "--mlebench-require=gold")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*--mlebench-require gold: score 0.* (higher is better) misses a gold medal: threshold 0.97; "
        "rank * of 20 teams on the shipped leaderboard*"
    ])
    passed = bench.runpytest("--agent=good", "--competitions=tiny-auc", "--mlebench-require=valid")
    passed.assert_outcomes(passed=1)


def test_copier_is_valid_but_below_median(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=copier", "--competitions=tiny-auc", "--mlebench-require=above-median",
                             "--mlebench-report=r.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*misses the median: threshold 0.855*"])
    (rec,) = records(bench.path / "r.json")
    assert rec["score"] == 0.5 and rec["valid_submission"] and not rec["any_medal"]


THIRD_PARTY_RUNNER = """

from pytest_mlebench.runners.local import LocalRunner


class FancyRunner(LocalRunner):
    name = "fancy"

    def __init__(self, down):
        super().__init__()
        self.down = down

    def available(self):
        return f"down for {self.down}" if self.down else None


def pytest_addoption(parser):
    parser.addoption("--fancy-down", metavar="WHY", help="pretend the fancy runner is down")


def pytest_mlebench_register_runners(registry):
    registry.add_runner("fancy", auto=1)


def pytest_mlebench_make_runner(config, name, agent):
    if name == "fancy":
        return FancyRunner(config.getoption("fancy_down"))
"""


def test_a_third_party_runner_is_chosen_by_name_and_by_auto(bench: pytest.Pytester) -> None:
    """A runner from a conftest.py, with an option of its own, is first-class."""
    conftest = bench.path / "conftest.py"
    conftest.write_text(conftest.read_text() + THIRD_PARTY_RUNNER)
    named = bench.runpytest("--agent=good", "--competitions=tiny-auc", "--mlebench-runner=fancy",
                            "--mlebench-report=r.json")
    named.assert_outcomes(passed=1)
    named.stdout.fnmatch_lines(["*mlebench: agent good (v2), runner fancy, isolation *"])
    assert records(bench.path / "r.json")[0]["runner"] == "fancy"
    # auto tries it first (auto=1); the docker plugin is left out so the fallback is local.
    auto = ["--agent=good", "--mlebench-runner=auto", "-p", "no:mlebench.docker", "--collect-only"]
    bench.runpytest(*auto).stdout.fnmatch_lines(["*runner fancy [[]auto[]], isolation *"])
    down = bench.runpytest(*auto, "--fancy-down=maintenance")
    down.stdout.fnmatch_lines(
        ["*runner local [[]auto: fancy unavailable (down for maintenance)[]], isolation *"])


def test_ini_options_configure_the_run(bench: pytest.Pytester) -> None:
    bench.makeini(f"""
        [pytest]
        mlebench_agent = good
        mlebench_competitions = tiny-auc
        mlebench_runner = local
        mlebench_data_dir = {bench.path / 'cache'}
        mlebench_report = from-ini.json
    """)
    result = bench.runpytest()
    result.assert_outcomes(passed=1)
    assert records(bench.path / "from-ini.json")[0]["competition_id"] == "tiny-auc"
    assert (bench.path / "cache" / "tiny-auc").is_dir()


def test_k_and_last_failed_select_items(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=good", "-k", "auc-2")
    result.assert_outcomes(passed=1, deselected=2)
    bench.runpytest("--agent=crash", "--competitions=tiny-auc").assert_outcomes(failed=1)
    rerun = bench.runpytest("--agent=good", "--lf", "--competitions=tiny-auc,tiny-auc-2")
    rerun.assert_outcomes(passed=1)


def test_prepared_data_is_reused_and_repaired_when_changed(bench: pytest.Pytester) -> None:
    bench.runpytest("--agent=copier", "--competitions=tiny-auc").assert_outcomes(passed=1)
    data_dir = Path(bench.parseconfig().getini("mlebench_data_dir"))
    answers = data_dir / "tiny-auc" / "v1" / "private" / "answers.csv"
    manifest = data_dir / "tiny-auc" / "v1" / "manifest.json"
    stamp = manifest.stat().st_mtime_ns
    bench.runpytest("--agent=copier", "--competitions=tiny-auc").assert_outcomes(passed=1)
    assert manifest.stat().st_mtime_ns == stamp, "unchanged data is not prepared again"
    original = answers.read_text()
    answers.chmod(0o644)
    answers.write_text(original.replace(",1\n", ",0\n"))
    bench.runpytest("--agent=copier", "--competitions=tiny-auc").assert_outcomes(passed=1)
    assert answers.read_text() == original, "a changed cache is prepared afresh"


@pytest.mark.parametrize("sandbox", ["auto", "none"])
def test_local_workspace_layout_and_answers_out_of_reach(bench: pytest.Pytester, sandbox: str) -> None:
    result = bench.runpytest("--agent=snoop", "--competitions=tiny-auc", "--mlebench-report=r.json",
                             f"--mlebench-local-sandbox={sandbox}")
    result.assert_outcomes(passed=1)
    (record,) = records(bench.path / "r.json")
    logs = Path(record["run_dir"]) / "logs"
    env = dict(line.split("=", 1) for line in (logs / "env.txt").read_text().splitlines() if "=" in line)
    for name in ("COMPETITION_ID", "TIME_LIMIT_SECS", "SUBMISSION_DIR", "LOGS_DIR", "CODE_DIR",
                 "VALIDATION_URL", "DATA_DIR"):
        assert name in env, name
    assert env["COMPETITION_ID"] == "tiny-auc"
    assert not any(k.startswith("PYTEST") for k in env), "the environment is scrubbed"
    tree = (logs / "tree.txt").read_text()
    for name in ("instructions.txt", "validate_submission.sh", "sample_submission.csv", "description.md"):
        assert name in tree
    assert "answers.csv" not in tree and "leaderboard.csv" not in tree
    if record["isolation"] == "bwrap":  # the cache's folder, mounted read-only: not even root writes it
        assert (logs / "write.txt").read_text().strip() == "refused"
    else:  # a copy of its own, made read-only (which root, running the tests here, may override)
        assert "-r--r--r--" in next(line for line in tree.splitlines() if "train.csv" in line)
        assert next(line for line in tree.splitlines() if line.endswith(" data")).startswith("dr-xr-xr-x")


def test_validation_endpoint_answers_without_a_score(bench: pytest.Pytester) -> None:
    result = bench.runpytest("--agent=validator", "--competitions=tiny-auc", "--mlebench-report=r.json")
    result.assert_outcomes(passed=1)
    logs = Path(records(bench.path / "r.json")[0]["run_dir"]) / "logs"
    first, second = (logs / "first.txt").read_text(), (logs / "second.txt").read_text()
    assert '"valid": false' in first
    assert '"valid": true' in second
    assert "score" not in (first + second).lower()


def test_xdist_gives_the_same_records_and_summary(bench: pytest.Pytester) -> None:
    serial = bench.runpytest_subprocess("--agent=good", "--mlebench-report=serial.json")
    parallel = bench.runpytest_subprocess("--agent=good", "-n", "2", "--mlebench-report=parallel.json")
    serial.assert_outcomes(passed=2, skipped=1)
    parallel.assert_outcomes(passed=2, skipped=1)

    def comparable(path: str) -> list[dict]:
        drop = {"created_at", "runtime_s", "run_dir", "submission_path"}
        return [{k: v for k, v in r.items() if k not in drop} for r in records(bench.path / path)]

    assert comparable("serial.json") == comparable("parallel.json")
    run_groups = {Path(r["run_dir"]).parts[-3] for r in records(bench.path / "parallel.json")}
    assert len(run_groups) == 1, "workers share the controller's run group"

    def table(out: str) -> list[str]:
        lines = out.splitlines()
        start = next(i for i, line in enumerate(lines) if "MLE-bench medal summary" in line)
        return [line for line in lines[start + 1:] if "tiny-auc" in line and "s " not in line[-4:]]

    strip = [line.rsplit("│", 2)[0] for line in table(serial.stdout.str())]
    assert strip == [line.rsplit("│", 2)[0] for line in table(parallel.stdout.str())]


def test_hooks_observe_each_record_and_the_session_report(bench: pytest.Pytester) -> None:
    bench.makeconftest(bench.path.joinpath("conftest.py").read_text() + '''
SEEN = []

def pytest_mlebench_record(record, config):
    SEEN.append(record["competition_id"])

def pytest_mlebench_session_report(report, config):
    Path(config.rootpath, "seen.txt").write_text(",".join(SEEN) + f";{report['total_runs']}")
''')
    bench.runpytest("--agent=good").assert_outcomes(passed=2, skipped=1)
    assert (bench.path / "seen.txt").read_text() == "tiny-auc,tiny-auc-2;2"


def test_a_run_whose_record_never_arrives_fails_the_session(bench: pytest.Pytester) -> None:
    """What a broken xdist channel looks like: the test passed, but its record is lost."""
    bench.makepyfile(drop_records="""
import pytest

@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if "tiny-auc-2" in item.nodeid:
        report.__dict__.pop("mlebench_record", None)
    return report
""")
    bench.syspathinsert()
    result = bench.runpytest("--agent=good", "-p", "drop_records")
    result.assert_outcomes(passed=2, skipped=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*1 competition item(s) collected but never graded: the session fails*"])
