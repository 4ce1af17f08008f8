"""The one test every selected competition and seed runs as.

Collected only with ``--agent``; the plugin parametrizes it over the cases.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_mlebench.reporting.gates import SessionGates
from pytest_mlebench.reporting.verdict import validity_failure

pytestmark = pytest.mark.mlebench


def test_competition(grade_report: dict[str, Any], mlebench_gates: SessionGates) -> None:
    invalid = validity_failure(grade_report)
    if invalid:
        pytest.fail(invalid, pytrace=False)
    missed = mlebench_gates.item_failures(grade_report)
    if missed:
        pytest.fail("\n".join(missed), pytrace=False)
