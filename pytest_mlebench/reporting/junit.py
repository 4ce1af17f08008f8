"""Records in pytest's JUnit XML, valid under the family the user chose.

pytest's default family, xunit2, allows no ``<properties>`` inside a ``<testcase>``: there
each record travels as one testsuite-level property, ``mlebench[<competition>#<seed>]``,
whose value is the record as JSON, beside the session's own (``mlebench.agent``, ...).
Under ``junit_family=xunit1`` (or ``legacy``) the record's fields are the test case's
properties instead, one per field. Values are written as JSON scalars (``null``,
``false``, ``0.91``), never as Python reprs.

The testsuite properties are added on the controller, the only process that writes the
XML under xdist (``record_testsuite_property`` is a no-op on workers); pytest offers no
public handle on its XML writer, so ``_pytest.junitxml.xml_key`` is read, guarded.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..grading.record import as_text, attempt_id

#: Families whose schema allows properties inside a test case.
TESTCASE_FAMILIES = ("xunit1", "legacy")


def _family(config: pytest.Config) -> str | None:
    """The JUnit family in force, or None without pytest's junitxml plugin."""
    try:
        return str(config.getini("junit_family"))
    except ValueError:
        return None


def _writer(config: pytest.Config) -> Any:
    """pytest's XML writer, when --junitxml is given (None on xdist workers)."""
    try:
        from _pytest.junitxml import xml_key
    except ImportError:  # pragma: no cover - a pytest without it writes no XML we know
        return None
    return config.stash.get(xml_key, None)


class JunitRecords:
    """Puts each record where the chosen JUnit family allows it."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.per_testcase = _family(config) in TESTCASE_FAMILIES

    def on_testcase(self, report: pytest.TestReport, record: dict[str, Any]) -> None:
        """Under xunit1: the record's fields as the case's properties (any process)."""
        if self.per_testcase:
            report.user_properties.extend((name, as_text(v)) for name, v in record.items())

    def on_suite(self, record: dict[str, Any]) -> None:
        """Under xunit2: the record as one testsuite property (the controller)."""
        writer = _writer(self.config)
        if writer is not None and not self.per_testcase:
            writer.add_global_property(f"mlebench[{attempt_id(record)}]", json.dumps(record))

    def session(self, meta: dict[str, Any]) -> None:
        """The session's settings as testsuite properties, in every family."""
        writer = _writer(self.config)
        if writer is not None:
            for name, value in meta.items():
                writer.add_global_property(f"mlebench.{name}", as_text(value))
