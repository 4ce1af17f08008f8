"""The built-in catalog, agents and the local runner, registered through the public hooks.

This module is a pytest plugin like any third party's; ``-p no:mlebench.builtins``
leaves only what conftest files and other plugins register (the docker runner is
its own plugin, runners/docker/plugin.py).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from ..runners.local import LocalRunner
from .registry import Agent, Registry

#: ``--mlebench-runner auto`` falls back to the local runner last: it needs only bash.
LOCAL_AUTO_ORDER = 100


def catalog_root() -> Path:
    """The ``competitions/`` folder, also when installed without the repository."""
    return Path(str(resources.files("mlebench_competitions")))


def pytest_mlebench_register_competitions(registry: Registry) -> None:
    registry.add_catalog(catalog_root())


def pytest_mlebench_register_agents(registry: Registry) -> None:
    registry.add_agents_folder(Path(str(resources.files("pytest_mlebench.agents"))))


def pytest_mlebench_register_runners(registry: Registry) -> None:
    registry.add_runner(LocalRunner.name, auto=LOCAL_AUTO_ORDER)


@pytest.hookimpl(trylast=True)
def pytest_mlebench_make_runner(config: pytest.Config, name: str, agent: Agent) -> LocalRunner | None:
    return LocalRunner() if name == LocalRunner.name else None
