"""Hooks of pytest-mlebench, for conftest.py files and plugins.

Implement them like any pytest hook (a function of that name in a conftest.py
or an installed plugin). The built-in catalog, agents and runners register
through these same hooks (see catalog/builtin.py), so a third party's entries are
first-class: selectable with ``--competitions``, ``--agent`` and ``--mlebench-runner``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .catalog.registry import Agent, Registry
    from .runners.base import Runner


@pytest.hookspec
def pytest_mlebench_register_competitions(registry: Registry) -> None:
    """Add competitions and splits to the registry.

    Call ``registry.add_catalog(folder)`` for a folder laid out like the built-in
    ``competitions/`` (one sub-folder per competition holding competition.yaml,
    prepare.py, description.md; split lists in ``splits/*.txt``), or
    ``registry.add_competition`` / ``registry.add_split`` directly.
    Called once per process in ``pytest_configure``.
    """


@pytest.hookspec
def pytest_mlebench_register_agents(registry: Registry) -> None:
    """Add agents: ``registry.add_agents_folder(folder)`` or ``registry.add_agent``.

    An agent is a folder with agent.yaml and a start script; see the built-in
    ``pytest_mlebench/agents/`` for the keys.
    """


@pytest.hookspec
def pytest_mlebench_register_runners(registry: Registry) -> None:
    """Name runners: ``registry.add_runner(name, auto=ORDER)``.

    ``auto`` places the runner among ``--mlebench-runner auto``'s candidates, lower
    first (built-in: docker 10, local 100); None (the default) means it runs only
    when named. Make it in :func:`pytest_mlebench_make_runner`.
    """


@pytest.hookspec(firstresult=True)
def pytest_mlebench_make_runner(config: pytest.Config, name: str, agent: Agent) -> Runner | None:
    """Make the runner called ``name`` for this session, or return None when it is not yours.

    The first non-None answer wins; the built-in runners answer ``trylast``, so a
    plugin can replace one by answering for its name. Read your runner's own
    options from ``config`` (declare them in your ``pytest_addoption``, e.g. with
    ``pytest_mlebench.options.add_group``). The object follows
    ``pytest_mlebench.runners.base.Runner``; it is made on the controller and on
    every xdist worker. For ``auto``, ``available()`` and ``problems(agent)`` decide
    whether it is taken.
    """


@pytest.hookspec
def pytest_mlebench_record(record: dict[str, Any], config: pytest.Config) -> None:
    """Observe one competition's report record as it arrives.

    Called on the controller (or the only process) once per graded item, with
    the record of shared/DESIGN.md (plain values only). Do not modify it.
    """


@pytest.hookspec
def pytest_mlebench_session_report(report: dict[str, Any], config: pytest.Config) -> None:
    """Observe the session report (totals and all records) before it is written."""
