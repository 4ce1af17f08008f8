"""The docker runner as a pytest plugin: its own options, its registration, its factory.

Registered at start-up (plugin.py) so its options show in ``pytest --help``;
``-p no:mlebench.docker`` leaves it out. Importing this module is cheap: the
Docker SDK is only imported when the runner is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from ...options import add_group, count, option, resolve

if TYPE_CHECKING:
    from ...catalog.registry import Agent, Registry
    from .runner import DockerRunner

NAME = "docker"
#: ``--mlebench-runner auto`` tries docker first: it isolates, the local runner does not.
AUTO_ORDER = 10


@dataclass(frozen=True)
class DockerOptions:
    """What only the docker runner reads."""

    memory_per_run: str | None = option(
        "memory limit of each run's container, e.g. 8g (docker runner)", metavar="SIZE")
    shm_size: str = option("shared memory of each run's container (default: 2g)", default="2g",
                           metavar="SIZE")
    pids_limit: int = option("most processes in each run's container (default: 4096)", default="4096",
                             metavar="N", parse=count(1))
    agent_network: str | None = option(
        "docker network of agents whose agent.yaml asks for one (network: true); others get none "
        "(default: the engine's bridge)", metavar="MODE")
    keep_containers: bool = option("keep each run's container after it ends, for debugging", is_flag=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_group(parser, DockerOptions)


def pytest_mlebench_register_runners(registry: Registry) -> None:
    registry.add_runner(NAME, auto=AUTO_ORDER)


@pytest.hookimpl(trylast=True)
def pytest_mlebench_make_runner(config: pytest.Config, name: str, agent: Agent) -> DockerRunner | None:
    if name != NAME:
        return None
    from .runner import DockerRunner

    opts = resolve(config, DockerOptions)
    return DockerRunner(memory=opts.memory_per_run, shm_size=opts.shm_size, pids_limit=opts.pids_limit,
                        network_mode=opts.agent_network, keep_containers=opts.keep_containers)
