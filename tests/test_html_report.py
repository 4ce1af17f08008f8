"""The HTML report, looked at in a real browser (Debian's chromium, driven by playwright).

The reports are built from session reports as ``--mlebench-report`` writes them, with
records placed on the competitions' shipped leaderboards by the medal code itself; one
test runs a real session. What the browser checks is what a reader relies on: one
panel per competition, each seed's marker drawn at its score on the right side of the
medal lines, sorting and filtering that move the panels with the table, no console
errors, and a page that is not blank.

``MLEBENCH_UPDATE_SCREENSHOT=1`` writes the README's docs/report.png from the lite report.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from waiting import GENEROUS_S

from pytest_mlebench.__main__ import main as mlebench_main
from pytest_mlebench.catalog.builtin import catalog_root
from pytest_mlebench.catalog.registry import read_id_list
from pytest_mlebench.grading.medals import award, thresholds
from pytest_mlebench.grading.record import Level
from pytest_mlebench.grading.report import session_report
from pytest_mlebench.leaderboards.format import Leaderboard, load_leaderboard
from pytest_mlebench.reporting import html as html_report
from pytest_mlebench.reporting.aggregate import aggregate
from pytest_mlebench.reporting.summary import write_json

CATALOG = catalog_root()
LITE = read_id_list(CATALOG / "splits" / "lite.txt")
ALL = read_id_list(CATALOG / "splits" / "all.txt")
SCREENSHOT = Path(__file__).parents[1] / "docs" / "report.png"
VIEWPORT = {"width": 1280, "height": 800}


@functools.cache
def shipped(board_id: str) -> tuple[Leaderboard, str]:
    """A shipped leaderboard and its sha256; best first, so a first score below the last
    means lower is better."""
    path = CATALOG / board_id / "leaderboard.csv"
    scores = [float(row["score"]) for row in csv.DictReader(path.open()) if row["score"]]
    return load_leaderboard(path, scores[0] < scores[-1], "mlebench"), hashlib.sha256(
        path.read_bytes()
    ).hexdigest()


def synthetic_record(
    cid: str, seed: int, agent: str, position: float, run_dir: Path, board_id: str | None = None
) -> dict[str, Any]:
    """A record as the harness writes it, for a score taken from the leaderboard at ``position``
    (0 = the best team, 1 = the worst), placed by the medal code; graded against the shipped
    leaderboard of ``board_id`` (default: its own)."""
    board, sha256 = shipped(board_id or cid)
    lower = board.lower_is_better
    score = board.scores[min(board.n_teams - 1, int(position * board.n_teams))]
    medals = award(score, board)
    gold, silver, bronze, median = thresholds(board)
    return {
        "competition_id": cid,
        "score": score,
        "raw_score": score,
        "gold_threshold": gold,
        "silver_threshold": silver,
        "bronze_threshold": bronze,
        "median_threshold": median,
        "any_medal": medals.any_medal,
        "gold_medal": medals.gold_medal,
        "silver_medal": medals.silver_medal,
        "bronze_medal": medals.bronze_medal,
        "above_median": medals.above_median,
        "submission_exists": True,
        "valid_submission": True,
        "is_lower_better": lower,
        "created_at": "2025-01-01T00:00:00+00:00",
        "submission_path": str(run_dir / "submission" / "submission.csv"),
        "agent": agent,
        "seed": seed,
        "runner": "local",
        "runtime_s": 30.0 + 7 * seed,
        "exit_code": 0,
        "timed_out": False,
        "rank": medals.rank,
        "percentile": medals.percentile,
        "variant": None,
        "leaderboard_source": "mlebench",
        "leaderboard_sha256": sha256,
        "leaderboard_problem": None,
        "invalid_reason": None,
        "split": "lite" if cid in LITE else "other",
        "awards_medals": True,
        "n_teams": board.n_teams,
        "dataset_version": f"synthetic-{cid}",
        "time_limit_s": 3600.0,
        "harness_error": None,
        "run_dir": str(run_dir),
        "plugin_version": "0.1.0",
        "agent_version": "1",
        "agent_commit": None,
        "image_digest": None,
        "cpus_per_run": None,
        "memory_per_run": None,
        "gpus": None,
        "gpu_model": None,
        "host_cpus": 2,
        "known_issues": None,
    }


def synthetic_report(
    tmp_path: Path,
    ids: list[str],
    seeds: int,
    agent: str,
    rng_seed: int,
    boards: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A session report of ``seeds`` runs per competition, written and read back as JSON;
    ``boards`` lends a competition without a shipped leaderboard another one's."""
    rng = random.Random(rng_seed)
    records = [
        synthetic_record(
            cid,
            seed,
            agent,
            rng.random() ** 2,
            tmp_path / "runs" / cid / f"seed{seed}",
            (boards or {}).get(cid),
        )
        for cid in ids
        for seed in range(seeds)
    ]
    report = session_report(
        records,
        plugin_version="0.1.0",
        agent=agent,
        agent_version="1",
        runner="local",
        run_group=f"synthetic-{agent}",
        time_limit_s=3600.0,
        seeds=seeds,
        competitions="lite",
        cpus_per_run=None,
        memory_per_run=None,
        gpus_per_run=None,
        excluded_known_issues=[],
        variants={},
        data="synthetic",
    )
    agg = aggregate(records, competitions=ids, seeds=range(seeds), split_of={c: "lite" for c in ids})
    for field in ("valid_submission", "above_median", "any_medal"):
        report[f"{field}_rate"] = {"mean": agg.overall[field].mean, "sem": agg.overall[field].sem}
    report["aggregate"] = agg.to_dict()
    path = tmp_path / f"{agent}.json"
    write_json(report, path)
    return json.loads(path.read_text())


def lite_page(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    report = synthetic_report(tmp_path, LITE, 3, "synthetic-agent", 1)
    page = tmp_path / "lite.html"
    html_report.write_html(
        page, [("synthetic-agent", report)], html_report.shipped_leaderboards(CATALOG, [report])
    )
    return page, report


# -- the browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless chromium; without one, the browser tests skip (and fail where CI requires them)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = os.environ.get("MLEBENCH_CHROMIUM") or shutil.which("chromium")
    if executable is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable)
        yield chromium
        chromium.close()


#: The bound on any wait for the browser (tests/waiting.py's GENEROUS_S, in milliseconds).
BROWSER_TIMEOUT_MS = int(GENEROUS_S * 1000)


class Opened:
    """A page of the browser, with every console error and uncaught exception it produced."""

    def __init__(self, browser: Any, url: str, wait_for: str) -> None:
        self.errors: list[str] = []
        self.page = browser.new_page(viewport=VIEWPORT)
        # Playwright's 30 s default is for an idle machine; a loaded one can take longer to load
        # a page (plotly.js inlined): wait on the page's own events, with a generous bound.
        self.page.set_default_timeout(BROWSER_TIMEOUT_MS)
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_selector(wait_for, state="attached")

    def visible_ids(self, selector: str) -> list[str]:
        return self.page.eval_on_selector_all(
            selector, "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.id)"
        )


def open_report(browser: Any, page: Path, panels: int) -> Opened:
    return Opened(browser, page.as_uri(), f"body[data-rendered='{panels}']")


#: Per panel: each marker's score, its drawn x (plot pixels), and the gold line's x.
MARKERS_JS = """
() => Array.from(document.querySelectorAll('.panel')).map(panel => {
  const gd = panel.querySelector('.plot');
  const xaxis = gd._fullLayout.xaxis;
  const gold = gd.data.find(t => t.meta && t.meta.role === 'threshold' && t.meta.name === 'gold');
  const sides = Array.from(gd.querySelectorAll('.scatterlayer .trace'))
    .map((el, i) => ({el, trace: gd.data[i]}))
    .filter(({trace}) => trace.meta && trace.meta.role === 'markers');
  return {
    id: panel.dataset.id, goldPx: xaxis.d2p(gold.x[0]), reversed: xaxis.range[0] > xaxis.range[1],
    markers: sides.flatMap(({el, trace}) => Array.from(el.querySelectorAll('path.point')).map((p, k) => ({
      side: trace.name, score: trace.x[k],
      drawnPx: Number(p.getAttribute('transform').match(/translate\\(([-\\d.e]+)/)[1]),
      expectedPx: xaxis.d2p(trace.x[k]),
    }))),
  };
})
"""


def screenshot_is_not_blank(png: bytes) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (VIEWPORT["width"], VIEWPORT["height"])
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the screenshot is (nearly) one colour"
    background = max(colours)[0]
    assert background < 0.9 * image.width * image.height, "nine tenths of the screenshot is background"


@pytest.mark.browser
def test_lite_report_in_a_browser(browser: Any, tmp_path: Path) -> None:
    page, report = lite_page(tmp_path)
    opened = open_report(browser, page, len(LITE))
    assert opened.visible_ids(".panel") == sorted(LITE)
    png = opened.page.screenshot()  # what a reader sees first
    screenshot_is_not_blank(png)
    if os.environ.get("MLEBENCH_UPDATE_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        Image.open(io.BytesIO(png)).convert("RGB").save(SCREENSHOT, optimize=True)
    panels = opened.page.evaluate(MARKERS_JS)
    by_id = {r["competition_id"]: r for r in report["competition_reports"]}
    records = {(r["competition_id"], r["score"]): r for r in report["competition_reports"]}
    assert sum(len(p["markers"]) for p in panels) == 3 * len(LITE) == 66
    for panel in panels:
        scores = sorted(
            r["score"] for r in report["competition_reports"] if r["competition_id"] == panel["id"]
        )
        assert sorted(m["score"] for m in panel["markers"]) == scores, panel["id"]
        # Better scores are to the right whatever the metric's direction.
        assert panel["reversed"] == by_id[panel["id"]]["is_lower_better"], panel["id"]
        for marker in panel["markers"]:
            assert marker["drawnPx"] == pytest.approx(marker["expectedPx"], abs=1), panel["id"]
            gold = records[(panel["id"], marker["score"])]["gold_medal"]
            assert (marker["drawnPx"] >= panel["goldPx"] - 0.5) == gold, (panel["id"], marker)

    # The rates of the header are the report's own.
    header = opened.page.inner_text("header")
    assert (
        f"{100 * report['any_medal_rate']['mean']:.1f}% ± {100 * report['any_medal_rate']['sem']:.1f}"
        in header
    )
    assert "complete seeds only" in header and "synthetic" in header

    # Sorting moves the panels with the rows.
    percentile = opened.page.locator("#competitions th[data-key='pct0']")
    percentile.click()
    rows = opened.visible_ids("#competitions tbody tr")
    mean_pct = {
        cid: sum(r["percentile"] for r in report["competition_reports"] if r["competition_id"] == cid) / 3
        for cid in LITE
    }
    assert [round(mean_pct[c], 3) for c in rows] == sorted(round(v, 3) for v in mean_pct.values())
    assert opened.visible_ids(".panel") == rows
    percentile.click()
    assert opened.visible_ids("#competitions tbody tr") == rows[::-1] == opened.visible_ids(".panel")

    # Filtering hides the panels with the rows.
    opened.page.fill("#filter-text", "tabular")
    tabular = [c for c in LITE if "tabular" in c]
    assert (
        sorted(opened.visible_ids(".panel"))
        == tabular
        == sorted(opened.visible_ids("#competitions tbody tr"))
    )
    opened.page.fill("#filter-text", "")
    opened.page.select_option("#filter-level", "gold")
    golden = sorted({r["competition_id"] for r in report["competition_reports"] if r["gold_medal"]})
    assert golden and sorted(opened.visible_ids(".panel")) == golden
    assert opened.page.inner_text("#shown-count") == f"{len(golden)} of {len(LITE)} competitions"
    opened.page.select_option("#filter-level", "")
    assert opened.errors == []


@pytest.mark.browser
def test_compare_html_draws_both_agents_on_one_page(browser: Any, tmp_path: Path) -> None:
    synthetic_report(tmp_path, LITE, 3, "agent-a", 1)
    after = synthetic_report(tmp_path, LITE, 3, "agent-b", 2)
    after["competition_reports"][0] |= {
        "score": None,
        "valid_submission": False,
        "any_medal": False,
        "gold_medal": False,
        "silver_medal": False,
        "bronze_medal": False,
        "above_median": False,
        "rank": None,
        "percentile": None,
        "invalid_reason": "the id column is missing",
    }
    write_json(after, tmp_path / "agent-b.json")
    out = tmp_path / "compare.html"
    code = mlebench_main(
        ["compare", str(tmp_path / "agent-a.json"), str(tmp_path / "agent-b.json"), "--html", str(out)]
    )
    assert code in (0, 1)  # B may regress: this test is about the page
    opened = open_report(browser, out, len(LITE))
    panels = opened.page.evaluate(MARKERS_JS)
    assert len(panels) == len(LITE)
    sides = [m["side"] for p in panels for m in p["markers"]]
    assert sides.count("A: agent-a") == 66 and sides.count("B: agent-b") == 65
    for marker in (m for p in panels for m in p["markers"]):
        assert marker["drawnPx"] == pytest.approx(marker["expectedPx"], abs=1)
    first = after["competition_reports"][0]["competition_id"]
    panel_text = opened.page.inner_text(f"#panel-{first}")
    assert "invalid: the id column is missing" in panel_text
    assert re.search(r"seed 1: [-+][\d.e-]+ (better|worse)", panel_text), panel_text
    headers = opened.page.inner_text("#competitions thead")
    assert "medal A" in headers and "medal B" in headers and "change" in headers
    screenshot_is_not_blank(opened.page.screenshot())
    assert opened.errors == []


def test_all_75_competitions_with_3_seeds_stay_under_10_mb(tmp_path: Path) -> None:
    unshipped = [c for c in ALL if not (CATALOG / c / "leaderboard.csv").is_file()]
    lent = {cid: "jigsaw-toxic-comment-classification-challenge" for cid in unshipped}
    report = synthetic_report(tmp_path, ALL, 3, "synthetic-agent", 3, lent)
    page = tmp_path / "all.html"
    leaderboards = html_report.shipped_leaderboards(CATALOG, [report])
    leaderboards |= {cid: shipped(board)[0].scores for cid, board in lent.items()}
    assert len(leaderboards) == len(ALL) == 75
    html_report.write_html(page, [("synthetic-agent", report)], leaderboards)
    assert page.stat().st_size < 10_000_000
    text = page.read_text()
    assert "cdn" not in re.sub(r"<script>.*?</script>", "", text, flags=re.S).lower()
    assert text.count("class='panel'") == 75


def test_a_leaderboard_not_shipped_is_said_to_be_unavailable(tmp_path: Path) -> None:
    report = synthetic_report(tmp_path, LITE[:2], 1, "synthetic-agent", 4)
    report["competition_reports"][1]["leaderboard_sha256"] = "0" * 64  # graded against another file
    leaderboards = html_report.shipped_leaderboards(CATALOG, [report])
    assert list(leaderboards) == [LITE[0]]
    page = tmp_path / "r.html"
    html_report.write_html(page, [("synthetic-agent", report)], leaderboards)
    assert "leaderboard not available (source: mlebench)" in page.read_text()


def test_crowded_medal_thresholds_are_noted() -> None:
    record = {"gold_threshold": 0.98856, "silver_threshold": 0.98851, "bronze_threshold": 0.98801}
    assert html_report.crowded_pairs(record) == ["gold and silver 5e-05 apart"]
    assert html_report.crowded_pairs(record | {"silver_threshold": 0.98}) == []


@pytest.mark.browser
def test_offline_session_writes_the_report_and_fills_pytest_html(
    browser: Any, pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytest.importorskip("pytest_html", reason="pytest-html is not installed")
    result = pytester.runpytest_subprocess(
        "--agent=dummy",
        "--competitions=offline",
        "--mlebench-runner=local",
        f"--mlebench-data-dir={tmp_path / 'data'}",
        "--mlebench-html=r.html",
        "--html=pytest.html",
        "--mlebench-report=r.json",
        timeout=900,
    )
    result.assert_outcomes(passed=5)
    report = json.loads((pytester.path / "r.json").read_text())
    records = {r["competition_id"]: r for r in report["competition_reports"]}

    opened = open_report(browser, pytester.path / "r.html", 5)
    assert opened.visible_ids(".panel") == sorted(records)
    panels = opened.page.evaluate(MARKERS_JS)
    for panel in panels:
        assert [m["score"] for m in panel["markers"]] == [records[panel["id"]]["score"]]
        gd_traces = opened.page.evaluate(
            f"() => document.getElementById('plot-{panel['id']}').data.map(t => t.meta.role)"
        )
        assert "leaderboard" in gd_traces, f"{panel['id']}: the generated ladder was not drawn"
    assert "leaderboard: generated" in opened.page.inner_text("#panels")
    assert opened.errors == []

    results = Opened(browser, (pytester.path / "pytest.html").as_uri(), "#results-table tbody")
    headers = results.page.inner_text("#results-table thead")
    for column in html_report.PytestHtmlColumns.COLUMNS:
        assert column in headers
    cid = "wine-cultivar"
    row = results.page.locator("#results-table tbody.results-table-row", has_text=cid)
    assert Level.of(records[cid]).words in row.inner_text()
    frame = row.locator("iframe")
    assert frame.get_attribute("src").endswith(f"r.html?only={cid}")
    inner = frame.content_frame
    inner.locator("body[data-rendered='1']").wait_for(state="attached")
    assert inner.locator(".panel:not([hidden])").count() == 1
    assert results.errors == []
