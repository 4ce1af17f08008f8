"""Collects the items' records from their test reports, on the controller.

Under xdist, module state of workers never reaches the controller: records
travel as an attribute of each report (``mlebench_record``, plain values, which xdist
serializes with the report) and are taken here, in ``pytest_runtest_logreport``, the
same way with or without ``-n``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ..grading.record import RECORD_FIELDS, attempt_id
from ..grading.report import session_report
from .aggregate import aggregate, llm_totals

#: The rates of the headline, as ``<field>_rate: {mean, sem}`` in the session report.
HEADLINE_RATES = ("valid_submission", "above_median", "any_medal")


def record_of(report: pytest.TestReport) -> dict[str, Any] | None:
    """The record an item's call or teardown report carries, if it was graded."""
    record = getattr(report, "mlebench_record", None)
    return record if isinstance(record, dict) and "competition_id" in record else None


class ResultCollector:
    def __init__(self, meta: dict[str, Any], seeds: int, pad_missing: bool, excluded: list[str],
                 split_of: Callable[[str], str | None]) -> None:
        self.meta = meta
        self.seeds = seeds
        self.pad_missing = pad_missing
        self.excluded = excluded
        self.split_of = split_of
        self.records: dict[str, dict[str, Any]] = {}
        self.outcomes: dict[str, str] = {}
        self.skipped = 0
        self.collected: int | None = None

    @staticmethod
    def is_ours(report: pytest.TestReport) -> bool:
        return "mlebench" in report.keywords

    def add(self, report: pytest.TestReport) -> dict[str, Any] | None:
        """Take one phase's report; returns the record when it completes one."""
        if not self.is_ours(report):
            return None
        if report.skipped and report.when in ("setup", "call"):
            self.skipped += 1
        if report.when != "teardown":
            # The last attempt's outcome counts (pytest-rerunfailures reports "rerun" before it).
            if report.when == "call":
                self.outcomes[report.nodeid] = report.outcome
            elif report.failed:
                self.outcomes[report.nodeid] = "error"
            return None
        props = record_of(report)
        if props is None:
            return None
        record = {name: props.get(name) for name in RECORD_FIELDS}
        self.records[report.nodeid] = record
        return record

    def outcome_by_case(self) -> dict[str, str]:
        """competition#seed -> passed/failed, for the summary table."""
        return {attempt_id(rec): self.outcomes.get(nodeid, "")
                for nodeid, rec in self.records.items()}

    def report(self) -> dict[str, Any]:
        """The session report: MLE-bench's totals, our honest rates, and every record.

        The rates count only competitions that were run (a ``-k`` selection is not
        a missing run) and complete seeds, unless --mlebench-pad-missing.
        """
        records = list(self.records.values())
        report = session_report(records, **self.meta)
        ran = sorted({r["competition_id"] for r in records})
        agg = aggregate(records, competitions=ran, seeds=range(self.seeds), pad_missing=self.pad_missing,
                        excluded=self.excluded, split_of={c: self.split_of(c) for c in ran})
        overall = agg.overall
        for field in HEADLINE_RATES:
            report[f"{field}_rate"] = {"mean": overall[field].mean, "sem": overall[field].sem}
        report["aggregate"] = agg.to_dict()
        report["llm"] = llm_totals(records)
        report["errored_without_record"] = sorted(
            nodeid for nodeid, outcome in self.outcomes.items()
            if outcome == "error" and nodeid not in self.records)
        return report

    def missing(self) -> int:
        """Items collected but neither graded nor skipped (a lost worker, a harness error)."""
        if self.collected is None:
            return 0
        return self.collected - len(self.records) - self.skipped
