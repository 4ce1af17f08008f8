"""The built-in catalog, agents and the local runner, registered through the public hooks.

This module is a pytest plugin like any third party's; ``-p no:mlebench.builtins``
leaves only what conftest files and other plugins register (the docker runner is
its own plugin, runners/docker/plugin.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..options import add_group, option, resolve
from ..runners.sandbox import SANDBOX_CHOICES

if TYPE_CHECKING:  # loaded when a session starts: a pytest run without --agent never imports them
    from ..runners.local import LocalRunner
    from .registry import Agent, Registry

#: ``--mlebench-runner auto`` falls back to the local runner last: it needs only bash.
LOCAL_AUTO_ORDER = 100
#: The local runner's name (LocalRunner.name).
LOCAL = "local"


@dataclass(frozen=True)
class LocalOptions:
    """What only the local runner reads."""

    local_sandbox: str = option(
        "run the local runner's agents in bubblewrap's sandbox: auto (where bubblewrap works; "
        "else unisolated, and the header and records say isolation: none), bwrap (refuse to run "
        "without it) or none (default: auto)", default="auto", choices=SANDBOX_CHOICES,
        metavar="MODE")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_group(parser, LocalOptions)


def catalog_root() -> Path:
    """The ``competitions/`` folder, also when installed without the repository."""
    return Path(str(resources.files("mlebench_competitions")))


def pytest_mlebench_register_competitions(registry: Registry) -> None:
    registry.add_catalog(catalog_root())


def pytest_mlebench_register_agents(registry: Registry) -> None:
    registry.add_agents_folder(Path(str(resources.files("pytest_mlebench.agents"))))


def pytest_mlebench_register_runners(registry: Registry) -> None:
    registry.add_runner(LOCAL, auto=LOCAL_AUTO_ORDER)


@pytest.hookimpl(trylast=True)
def pytest_mlebench_make_runner(config: pytest.Config, name: str, agent: Agent) -> LocalRunner | None:
    if name != LOCAL:
        return None
    from ..runners.local import LocalRunner

    return LocalRunner(sandbox=resolve(config, LocalOptions).local_sandbox)
