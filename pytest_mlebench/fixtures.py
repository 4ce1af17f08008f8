"""The fixtures a competition's test reads like the contract with.

``competition`` -> ``prepared_competition`` -> ``agent_run`` -> ``grade_report``;
each is usable on its own in a user's test.
"""

from __future__ import annotations

from typing import Any

import pytest

from .catalog.registry import Competition
from .data.store import PreparedCompetition
from .harness import Case, Harness
from .reporting.gates import SessionGates
from .runners.base import RunResult

HARNESS_KEY = pytest.StashKey[Harness]()
RUN_RESULT_KEY = pytest.StashKey[RunResult]()
#: The item's report record; the session puts it on the item's reports (``mlebench_record``).
RECORD_KEY = pytest.StashKey[dict[str, Any]]()
GATES_KEY = pytest.StashKey[SessionGates]()


@pytest.fixture
def mlebench_harness(request: pytest.FixtureRequest) -> Harness:
    """The session's harness (needs ``--agent``)."""
    harness = request.config.stash.get(HARNESS_KEY, None)
    if harness is None:
        pytest.fail("pytest-mlebench fixtures need --agent NAME", pytrace=False)
    return harness


@pytest.fixture
def mlebench_case(request: pytest.FixtureRequest) -> Case:
    """The competition and seed of this item (parametrized by the plugin)."""
    return request.param


@pytest.fixture
def competition(mlebench_case: Case) -> Competition:
    if not mlebench_case.competition.implemented:
        pytest.skip(f"{mlebench_case.competition.id}: listed in a split but not implemented yet")
    return mlebench_case.competition


@pytest.fixture
def prepared_competition(competition: Competition, mlebench_harness: Harness) -> PreparedCompetition:
    """The competition's data, prepared on first use (locked, atomic, checksummed), with its
    leaderboard resolved."""
    return mlebench_harness.prepare(competition)


@pytest.fixture
def agent_run(request: pytest.FixtureRequest, mlebench_case: Case,
              prepared_competition: PreparedCompetition, mlebench_harness: Harness) -> RunResult:
    """The agent's run on this competition; its log is attached when the test fails."""
    result = mlebench_harness.run_agent(mlebench_case, prepared_competition)
    request.node.stash[RUN_RESULT_KEY] = result
    return result


@pytest.fixture
def grade_report(request: pytest.FixtureRequest, mlebench_case: Case,
                 prepared_competition: PreparedCompetition, agent_run: RunResult,
                 mlebench_harness: Harness) -> dict[str, Any]:
    """The run's report record; it travels on the item's reports (also from xdist workers)."""
    record = mlebench_harness.grade(mlebench_case, prepared_competition, agent_run)
    request.node.stash[RECORD_KEY] = record
    return record


@pytest.fixture
def mlebench_gates(request: pytest.FixtureRequest, mlebench_harness: Harness) -> SessionGates:
    """What a competition's test asserts beyond validity: --mlebench-require, --mlebench-expect,
    --mlebench-baseline."""
    return request.config.stash[GATES_KEY]
