"""The HTML report: each competition's human leaderboard, its medal lines and where the agent landed.

A table says "silver"; a picture shows that the silver sat one team below gold,
that three seeds straddled two medal levels, or that a crowded leaderboard hangs
its medals on the fifth decimal. The page is one self-contained file (plotly.js
inlined once, every panel a plotly figure as JSON) that works offline from a
file:// URL. ``write_html`` takes one session report, or two for a comparison
(both agents' markers on the same panels).

The session report does not carry leaderboard scores; callers hand them in by
competition id: the session the leaderboards it graded against, ``compare`` the
shipped ones whose sha256 matches the records (see :func:`shipped_leaderboards`).
"""

from __future__ import annotations

import bisect
import html
import itertools
import json
import math
import os
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from ..fsutil import write_atomically
from ..grading.record import Level
from ..leaderboards.format import LeaderboardError, load_leaderboard
from .collector import record_of
from .summary import llm_line

#: Medal thresholds closer than this make a crowded leaderboard: MLE-bench rounds scores to
#: 5 decimals, so a medal there hangs on the last digit (its known issue with the tabular
#: playgrounds and jigsaw).
CROWDED = 1e-4
#: Bins of a leaderboard's histogram: the page carries counts, never every team's score.
BINS = 40
#: Share of teams, counted from the best, that the plotted range always holds: a little past the
#: median, so the medal lines stand apart; the worse teams (down to broken submissions with a log
#: loss of 34) are left out unless a seed scored among them, and the panel says how many.
DRAWN_SHARE = 0.6
#: Where scores span this many times from the smallest to the largest, the axis is logarithmic.
LOG_SPAN = 100.0

#: What a run reached, worst first, in words.
LEVELS = tuple(level.words for level in Level)
#: The short form of each level in the table, one per seed.
CHIPS = ("✗", "V", "M", "B", "S", "G")
LINES = (
    ("gold", "#c9a227", "solid"),
    ("silver", "#8c8c8c", "solid"),
    ("bronze", "#b0713a", "solid"),
    ("median", "#333333", "dash"),
)
#: One colour per report on the page: A, then B.
SIDE_COLOURS = ("#1f6feb", "#d6336c")

_ASSETS = Path(__file__).parent


@dataclass(frozen=True)
class Side:
    """One session report on the page, under its label; in a comparison the label starts with
    the side's letter (A, B) that names its table columns."""

    label: str
    letter: str
    report: Mapping[str, Any]
    colour: str

    def records_of(self, competition_id: str) -> list[Mapping[str, Any]]:
        return sorted(
            (r for r in self.report["competition_reports"] if r["competition_id"] == competition_id),
            key=lambda r: r.get("seed") or 0,
        )


@dataclass(frozen=True)
class Change:
    """How one run (competition and seed) of B differs from A's, in compare's words."""

    seed: int
    words: str
    verdict: str

    def __str__(self) -> str:
        return f"seed {self.seed}: {' '.join(w for w in (self.words, self.verdict) if w) or 'no change'}"


def shipped_leaderboards(catalog: Path, reports: Iterable[Mapping[str, Any]]) -> dict[str, tuple[float, ...]]:
    """The leaderboards of ``catalog/<id>/leaderboard.csv`` that the reports' records were graded
    against, by sha256; a record graded against another file (generated, Kaggle's) gets none."""
    found: dict[str, tuple[float, ...]] = {}
    for report in reports:
        for record in report["competition_reports"]:
            cid, digest = record["competition_id"], record.get("leaderboard_sha256")
            if cid in found or digest is None:
                continue
            try:
                board = load_leaderboard(
                    catalog / cid / "leaderboard.csv",
                    bool(record.get("is_lower_better")),
                    str(record.get("leaderboard_source")),
                    expected_sha256=digest,
                )
            except LeaderboardError:
                continue
            found[cid] = board.scores
    return found


def write_html(
    path: Path,
    sides: Sequence[tuple[str, Mapping[str, Any]]],
    leaderboards: Mapping[str, Sequence[float]],
    *,
    changes: Mapping[str, Sequence[Change]] | None = None,
    banner: Sequence[str] = (),
) -> None:
    """Write the page for one report (``sides`` of one, under its label) or two to compare
    (labelled "A: label" and "B: label"), atomically.

    ``changes`` holds, per competition, how each of B's runs differs from A's; ``banner``
    what the reader must know before anything else (the runs cannot be compared, say).
    """
    letters = [chr(ord("A") + i) for i in range(len(sides))]
    page = Page(
        [
            Side(
                f"{letter}: {label}" if len(sides) > 1 else label,
                letter,
                report,
                SIDE_COLOURS[i % len(SIDE_COLOURS)],
            )
            for i, (letter, (label, report)) in enumerate(zip(letters, sides, strict=True))
        ],
        leaderboards,
        changes or {},
        list(banner),
        path.parent,
    )
    write_atomically(path, page.render())


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"


def _pct(rate: Mapping[str, Any] | None) -> str:
    if not rate or rate.get("mean") is None:
        return "-"
    sem = rate.get("sem")
    return f"{100 * rate['mean']:.1f}%" + ("" if sem is None else f" ± {100 * sem:.1f}")


def _distinct(records: Iterable[Mapping[str, Any]], key: str) -> str:
    values = sorted({str(r[key]) for r in records if r.get(key) not in (None, "")})
    return ", ".join(values) if values else "not recorded"


def _href(target: Path, base: Path) -> str:
    """A relative link, so the page and the run folders can be moved together."""
    return quote(Path(os.path.relpath(target, base)).as_posix())


def crowded_pairs(record: Mapping[str, Any]) -> list[str]:
    """Adjacent medal thresholds closer than CROWDED, as "gold and silver 2e-05 apart"."""
    values = [(name, record.get(f"{name}_threshold")) for name in ("gold", "silver", "bronze")]
    pairs = []
    for (a, x), (b, y) in itertools.pairwise(values):
        if x is not None and y is not None and abs(x - y) < CROWDED:
            pairs.append(f"{a} and {b} {abs(x - y):.2g} apart")
    return pairs


@dataclass(frozen=True)
class Axis:
    """The plotted score range and its bins, in score units."""

    edges: list[float]
    log: bool
    left_out: int

    @classmethod
    def fit(cls, scores: Sequence[float], must_show: Sequence[float]) -> Axis:
        """Bins over the best DRAWN_SHARE of ``scores`` (best first) and every value of ``must_show``."""
        kept = list(scores[: math.ceil(DRAWN_SHARE * len(scores))]) + list(must_show) or [0.0]
        lo, hi = min(kept), max(kept)
        log = lo > 0 and hi / lo >= LOG_SPAN
        if hi == lo:
            lo, hi = lo - 0.5 * (abs(lo) or 1), hi + 0.5 * (abs(hi) or 1)
            log = False
        if log:
            step = (math.log10(hi) - math.log10(lo)) / BINS
            edges = [10 ** (math.log10(lo) + i * step) for i in range(BINS + 1)]
        else:
            edges = [lo + (hi - lo) * i / BINS for i in range(BINS + 1)]
        edges[0], edges[-1] = lo, hi
        left_out = sum(1 for s in scores if s < lo or s > hi)
        return cls(edges, log, left_out)

    def counts(self, scores: Sequence[float]) -> list[int]:
        counts = [0] * BINS
        lo, hi = self.edges[0], self.edges[-1]
        for s in scores:
            if lo <= s <= hi:
                counts[min(BINS - 1, max(0, bisect.bisect_right(self.edges, s) - 1))] += 1
        return counts


class Page:
    """Everything on the page, computed once from the reports."""

    def __init__(
        self,
        sides: list[Side],
        leaderboards: Mapping[str, Sequence[float]],
        changes: Mapping[str, Sequence[Change]],
        banner: list[str],
        base: Path,
    ) -> None:
        self.sides = sides
        self.leaderboards = leaderboards
        self.changes = changes
        self.banner = banner
        self.base = base
        ids = {r["competition_id"] for side in sides for r in side.report["competition_reports"]}
        self.competition_ids = sorted(ids)

    # -- figures ------------------------------------------------------------------------------

    def _reference(self, cid: str) -> Mapping[str, Any]:
        """The record whose thresholds the panel draws (all seeds share one leaderboard)."""
        records = [r for side in self.sides for r in side.records_of(cid)]
        return next((r for r in records if r.get("gold_threshold") is not None), records[0])

    def _axis(self, cid: str) -> Axis:
        ref = self._reference(cid)
        must_show = [
            ref[f"{name}_threshold"] for name, *_style in LINES if ref.get(f"{name}_threshold") is not None
        ]
        must_show += [
            r["score"] for side in self.sides for r in side.records_of(cid) if r.get("score") is not None
        ]
        return Axis.fit(list(self.leaderboards.get(cid) or ()), must_show)

    def figure(self, cid: str) -> dict[str, Any]:
        """The panel's plotly figure: leaderboard histogram, threshold lines, one marker per seed."""
        per_side = [(side, side.records_of(cid)) for side in self.sides]
        ref = self._reference(cid)
        lower = bool(ref.get("is_lower_better"))
        lines = [
            (name, colour, dash, ref[f"{name}_threshold"])
            for name, colour, dash in LINES
            if ref.get(f"{name}_threshold") is not None
        ]
        scores = list(self.leaderboards.get(cid) or ())
        axis = self._axis(cid)
        traces: list[go.Scatter] = []
        top = 1
        if scores:
            counts = axis.counts(scores)
            top = max(counts) or 1
            spans = [
                f"{axis.edges[i]:.6g} to {axis.edges[i + 1]:.6g}: {c} teams" for i, c in enumerate(counts)
            ]
            traces.append(
                go.Scatter(
                    x=axis.edges,
                    y=[*counts, counts[-1]],
                    mode="lines",
                    line={"shape": "hv", "color": "#7a8ca3", "width": 1},
                    fill="tozeroy",
                    fillcolor="rgba(122,140,163,0.35)",
                    name=f"{len(scores)} human teams",
                    customdata=[*spans, spans[-1]],
                    hovertemplate="%{customdata}<extra></extra>",
                    meta={"role": "leaderboard"},
                )
            )
        n_rows = sum(len(recs) for _side, recs in per_side) or 1
        y_top = top * (1.15 + 0.09 * n_rows)
        for (name, colour, dash, value), width in zip(lines, (6, 4, 2, 2), strict=False):
            # Wider lines first: thresholds that coincide (a crowded leaderboard) show as nested stripes.
            traces.append(
                go.Scatter(
                    x=[value, value],
                    y=[0, y_top],
                    mode="lines",
                    line={"color": colour, "dash": dash, "width": width},
                    name=f"{name} {value:.6g}",
                    hovertemplate=f"{name} threshold {value:.6g}<extra></extra>",
                    meta={"role": "threshold", "name": name},
                )
            )
        row = 0
        for side, recs in per_side:
            scored = [r for r in recs if r.get("score") is not None]
            ys = [top * (1.1 + 0.09 * (row + i)) for i in range(len(scored))]
            row += len(recs)
            traces.append(
                go.Scatter(
                    x=[r["score"] for r in scored],
                    y=ys,
                    mode="markers+text",
                    marker={
                        "symbol": "diamond",
                        "size": 12,
                        "color": side.colour,
                        "line": {"color": "white", "width": 1},
                    },
                    text=[f"s{r.get('seed')}" for r in scored],
                    textposition="middle right",
                    textfont={"color": side.colour, "size": 11},
                    name=side.label,
                    customdata=[self._seed_words(r) for r in scored],
                    hovertemplate="%{customdata}<extra></extra>",
                    meta={"role": "markers", "side": side.label, "scores": [r["score"] for r in scored]},
                )
            )
        direction = "lower is better" if lower else "higher is better"
        xaxis: dict[str, Any] = {
            "title": {"text": f"score ({direction}; better to the right)"},
            "type": "log" if axis.log else "linear",
            "zeroline": False,
        }
        if lower:
            xaxis["autorange"] = "reversed"
        layout = go.Layout(
            template="none",
            height=300,
            margin={"l": 50, "r": 20, "t": 10, "b": 45},
            xaxis=xaxis,
            yaxis={"title": {"text": "teams"}, "range": [0, y_top], "rangemode": "tozero"},
            legend={"orientation": "h", "y": -0.3, "font": {"size": 11}},
            hovermode="closest",
            font={"family": "system-ui, sans-serif", "size": 12},
            paper_bgcolor="white",
            plot_bgcolor="white",
            meta={"competition_id": cid},
        )
        figure = go.Figure(data=traces, layout=layout).to_plotly_json()
        figure["layout"].pop("template", None)  # plotly.js's defaults suffice; 75 copies would not
        return figure

    @staticmethod
    def _seed_words(record: Mapping[str, Any]) -> str:
        rank = record.get("rank")
        where = (
            ""
            if rank is None
            else (f", rank {rank}/{record.get('n_teams')}, {record.get('percentile', 0):.1f}th percentile")
        )
        return f"seed {record.get('seed')}: {record['score']:.6g} ({LEVELS[Level.of(record)]}{where})"

    # -- html ---------------------------------------------------------------------------------

    def render(self) -> str:
        data = {"panels": [{"id": cid, "figure": self.figure(cid)} for cid in self.competition_ids]}
        payload = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
        title = " vs ".join(side.label for side in self.sides)
        return "".join(
            [
                "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
                f"<title>MLE-bench: {html.escape(title)}</title>",
                f"<style>{(_ASSETS / 'html.css').read_text()}</style>",
                f"<script>{get_plotlyjs()}</script></head><body>",
                f"<header><h1>MLE-bench: {html.escape(title)}</h1>",
                *(f"<p class='banner'>{html.escape(line)}</p>" for line in self.banner),
                *(self._provenance(side) for side in self.sides),
                *(self._headline(side) for side in self.sides),
                "</header>",
                "<main>",
                self._table(),
                "<section id='panels'>",
                *(self._panel(cid) for cid in self.competition_ids),
                "</section></main>",
                f"<script id='mlebench-data' type='application/json'>{payload}</script>",
                f"<script>{(_ASSETS / 'html.js').read_text()}</script></body></html>",
            ]
        )

    def _provenance(self, side: Side) -> str:
        rep, recs = side.report, side.report["competition_reports"]
        excluded = rep.get("excluded_known_issues") or []
        hardware = (
            f"host CPUs {_distinct(recs, 'host_cpus')}; per run: CPUs {rep.get('cpus_per_run') or 'all'}, "
            f"memory {rep.get('memory_per_run') or 'unlimited'}, GPUs {rep.get('gpus_per_run') or 0}"
            f" ({_distinct(recs, 'gpu_model')})"
        )
        rows = [
            ("agent", f"{rep.get('agent')} version {rep.get('agent_version')}, "
                      f"commit {_distinct(recs, 'agent_commit')}"),
            ("runner", f"{rep.get('runner')}; image {_distinct(recs, 'image_digest')}"),
            ("time limit", f"{_fmt(rep.get('time_limit_s'))} s"),
            ("hardware", hardware),
            ("plugin", f"pytest-mlebench {rep.get('plugin_version')}, run group {rep.get('run_group')}"),
            (
                "data",
                f"{rep.get('data') or 'real or synthetic: not recorded'}; "
                f"{len({r.get('dataset_version') for r in recs})} dataset versions",
            ),
            ("known issues excluded", ", ".join(excluded) if excluded else "none"),
            *([("LLM", llm_line(rep["llm"]) + f"; network {_distinct(recs, 'agent_network')}")]
              if rep.get("llm") else []),
        ]
        cells = "".join(f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
        return (
            f"<table class='provenance'><caption><span class='swatch' style='background:{side.colour}'>"
            f"</span>{html.escape(side.label)}</caption>{cells}</table>"
        )

    def _headline(self, side: Side) -> str:
        agg = side.report.get("aggregate") or {}
        splits = agg.get("splits") or {
            "all": {
                f: side.report.get(f"{f}_rate") for f in ("any_medal", "above_median", "valid_submission")
            }
        }
        rows = "".join(
            f"<tr><th>{html.escape(name)}</th><td>{_pct(rates.get('any_medal'))}</td>"
            f"<td>{_pct(rates.get('above_median'))}</td><td>{_pct(rates.get('valid_submission'))}</td>"
            f"<td>{(rates.get('any_medal') or {}).get('n_competitions', '-')}</td></tr>"
            for name, rates in splits.items()
        )
        if agg.get("mode") == "pad_missing":
            counted = f"padded: {agg.get('padded_attempts', 0)} missing runs counted as failed attempts"
        elif agg:
            counted = (
                f"dropped (complete seeds only): {len(agg.get('dropped_seeds') or [])} seeds, "
                f"{agg.get('dropped_attempts', 0)} runs"
            )
        else:
            counted = "not recorded"
        notes = "".join(
            f"<li>{html.escape(n)}</li>" for n in [f"incomplete seeds {counted}", *agg.get("notes", [])]
        )
        return (
            f"<section class='headline'><h2><span class='swatch' style='background:{side.colour}'></span>"
            f"{html.escape(side.label)}: rates per split (mean ± standard error over seeds)</h2>"
            "<table><tr><th>split</th><th>any medal</th><th>above median</th><th>valid</th>"
            f"<th>competitions</th></tr>{rows}</table><ul>{notes}</ul></section>"
        )

    def _table(self) -> str:
        many = len(self.sides) > 1
        head = ["<th data-key='competition'>competition</th>", "<th data-key='split'>split</th>"]
        # Each measure's columns side by side; in a comparison told apart by letter and colour.
        for key, name in (("level", "medal"), ("pct", "percentile"), ("runtime", "runtime s")):
            for i, side in enumerate(self.sides):
                suffix = (
                    f" <span class='swatch' style='background:{side.colour}'></span>{side.letter}"
                    if many
                    else ""
                )
                head.append(f"<th data-key='{key}{i}' data-num>{name}{suffix}</th>")
        if self.changes:
            head.append("<th data-key='change' data-num>change</th>")
        rows = []
        splits: set[str] = set()
        for cid in self.competition_ids:
            recs_all = [r for side in self.sides for r in side.records_of(cid)]
            split = next((str(r["split"]) for r in recs_all if r.get("split")), "other")
            splits.add(split)
            levels = {LEVELS[Level.of(r)] for r in recs_all}
            cells = [
                f"<td data-v='{html.escape(cid)}' title='{html.escape(cid)}'>"
                f"<a href='#panel-{html.escape(cid)}'>{html.escape(cid)}</a></td>",
                f"<td data-v='{html.escape(split)}'>{html.escape(split)}</td>",
            ]
            per_side = [self._side_cells(side.records_of(cid)) for side in self.sides]
            cells += [side_cells[k] for k in range(3) for side_cells in per_side]
            if self.changes:
                cells.append(self._change_cell(self.changes.get(cid, [])))
            rows.append(
                f"<tr data-id='{html.escape(cid)}' data-split='{html.escape(split)}' "
                f"data-levels='{html.escape('|'.join(sorted(levels)))}'>{''.join(cells)}</tr>"
            )
        split_options = "".join(f"<option>{html.escape(s)}</option>" for s in sorted(splits))
        level_options = "".join(f"<option>{name}</option>" for name in reversed(LEVELS))
        legend = ", ".join(f"{CHIPS[i]} {name}" for i, name in reversed(list(enumerate(LEVELS))))
        return (
            "<section id='overview'><div class='filters'>"
            "<input id='filter-text' type='search' placeholder='filter competitions'>"
            f"<select id='filter-split'><option value=''>every split</option>{split_options}</select>"
            f"<select id='filter-level'><option value=''>every level</option>{level_options}</select>"
            "<span id='shown-count'></span></div>"
            f"<table id='competitions'><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}"
            f"</tbody></table><p class='legend'>medal per seed: {legend}; percentile and runtime: mean "
            "over seeds; click a heading to sort</p></section>"
        )

    @staticmethod
    def _change_cell(changes: Sequence[Change]) -> str:
        """Verdicts counted ("2 improved, 1 regressed"), sorted by improved minus regressed."""
        counts = {
            v: sum(c.verdict == v for c in changes)
            for v in dict.fromkeys(c.verdict for c in changes if c.verdict)
        }
        text = ", ".join(f"{n} {verdict}" for verdict, n in counts.items()) or "no change"
        net = counts.get("improved", 0) - counts.get("regressed", 0)
        return f"<td data-v='{net}'>{html.escape(text)}</td>"

    @staticmethod
    def _side_cells(recs: list[Mapping[str, Any]]) -> list[str]:
        if not recs:
            return ["<td data-v='-1'>-</td>"] * 3
        levels = [Level.of(r) for r in recs]
        pcts = [r["percentile"] for r in recs if r.get("percentile") is not None]
        runtimes = [r["runtime_s"] for r in recs if r.get("runtime_s") is not None]
        medal = "".join(
            f"<span class='chip level-{i}' title='seed {r.get('seed')}: {LEVELS[i]}'>{CHIPS[i]}</span>"
            for i, r in zip(levels, recs, strict=True)
        )
        pct = statistics.fmean(pcts) if pcts else None
        runtime = statistics.fmean(runtimes) if runtimes else None
        return [
            f"<td data-v='{statistics.fmean(levels):.4f}'>{medal}</td>",
            f"<td data-v='{-1 if pct is None else pct:.4f}'>{'-' if pct is None else f'{pct:.1f}'}</td>",
            f"<td data-v='{-1 if runtime is None else runtime:.3f}'>"
            f"{'-' if runtime is None else f'{runtime:.1f}'}</td>",
        ]

    def _panel(self, cid: str) -> str:
        ref = self._reference(cid)
        scores = self.leaderboards.get(cid)
        source = str(ref.get("leaderboard_source") or "none")
        if scores:
            board = f"leaderboard: {source}, {len(scores)} teams"
            if left_out := self._axis(cid).left_out:
                board += f"; {left_out} teams scored beyond the plotted range and are not drawn"
        else:
            board = f"leaderboard not available (source: {source})"
        notes = []
        if pairs := crowded_pairs(ref):
            notes.append(
                f"crowded leaderboard: medal thresholds closer than {CROWDED:g} ({', '.join(pairs)}); "
                "the medal hangs on the fifth decimal"
            )
        if ref.get("known_issues"):
            notes.append(f"known issue: {ref['known_issues']}")
        lines = [self._seed_line(side, r) for side in self.sides for r in side.records_of(cid)]
        changes = "; ".join(
            f"<span class='verdict-{html.escape(c.verdict.replace(' ', '-'))}'>{html.escape(str(c))}</span>"
            for c in self.changes.get(cid, [])
        )
        return (
            f"<article class='panel' id='panel-{html.escape(cid)}' data-id='{html.escape(cid)}'>"
            f"<h3>{html.escape(cid)}</h3><p class='meta'>{html.escape(board)}</p>"
            + "".join(f"<p class='note'>{html.escape(n)}</p>" for n in notes)
            + (f"<p class='change'>B against A: {changes}</p>" if changes else "")
            + f"<div class='plot' id='plot-{html.escape(cid)}'></div><ul class='seeds'>{''.join(lines)}</ul>"
            "</article>"
        )

    def _seed_line(self, side: Side, record: Mapping[str, Any]) -> str:
        who = f"<span class='swatch' style='background:{side.colour}'></span>"
        if len(self.sides) > 1:
            who += f"{html.escape(side.label)} "
        if record.get("score") is None:
            text = f"seed {record.get('seed')}: no score"
        else:
            text = self._seed_words(record)
        if record.get("invalid_reason"):
            text += f"; invalid: {record['invalid_reason']}"
        if record.get("runtime_s") is not None:
            text += f"; {record['runtime_s']:.1f} s"
        links = ""
        if record.get("run_dir"):
            run_dir = Path(record["run_dir"])
            links = "".join(
                f" <a href='{_href(run_dir / name, self.base)}/'>{name}</a>" for name in ("logs", "code")
            )
        return f"<li>{who}{html.escape(text)}{links}</li>"


class PytestHtmlColumns:
    """pytest-html's documented hooks: score, medal, percentile and rank columns on each
    competition's row, and its panel (one panel of the HTML report, in a frame) as an extra.

    Registered only where pytest-html is active, so its hooks need no ``optionalhook``.
    """

    COLUMNS = ("score", "medal", "percentile", "rank")

    def __init__(self, panels_page: Path, results_page: Path) -> None:
        self.panels_href = _href(panels_page, results_page.parent)

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[2:2] = [f"<th class='sortable' data-column-type='mlebench-{c}'>{c}</th>" for c in self.COLUMNS]

    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        record = record_of(report)
        if record is None:
            cells[2:2] = ["<td></td>"] * len(self.COLUMNS)
            return
        rank = "-" if record.get("rank") is None else f"{record['rank']}/{record.get('n_teams')}"
        pct = record.get("percentile")
        values = (
            _fmt(record.get("score")),
            LEVELS[Level.of(record)],
            "-" if pct is None else f"{pct:.1f}",
            rank,
        )
        cells[2:2] = [
            f"<td class='col-mlebench-{c}'>{html.escape(v)}</td>"
            for c, v in zip(self.COLUMNS, values, strict=True)
        ]

    def extra(self, competition_id: str) -> dict[str, Any]:
        """The panel as an extra, in pytest-html's format (its ``extras.html``)."""
        src = f"{self.panels_href}?only={quote(competition_id)}"
        content = (
            f"<iframe src='{html.escape(src)}' title='{html.escape(competition_id)}' loading='lazy' "
            "style='width:100%;height:470px;border:0'></iframe>"
        )
        return {
            "name": "MLE-bench panel",
            "format_type": "html",
            "content": content,
            "mime_type": None,
            "extension": None,
        }
