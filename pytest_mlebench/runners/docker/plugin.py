"""The docker runner as a pytest plugin: its own options, its registration, its factory.

Registered at start-up (plugin.py) so its options show in ``pytest --help``;
``-p no:mlebench.docker`` leaves it out. Importing this module is cheap: the
Docker SDK is only imported when the runner is made.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from ...options import Limits, add_group, count, option, resolve

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
        "memory limit of each run's container, e.g. 8g, /dev/shm and /tmp included (default: 85% of "
        "the host's memory divided by the runs in flight at once, one per xdist worker)", metavar="SIZE")
    shm_size: str = option("shared memory of each run's container (default: 2g, at most a quarter "
                           "of its memory)", default="2g", metavar="SIZE")
    tmp_size: str | None = option(
        "size of the tmpfs at each run's /tmp, counted in its memory (default: a quarter of its "
        "memory)", metavar="SIZE")
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


def _parallel_runs(config: pytest.Config) -> int:
    """How many runs this session has in flight at once: one per xdist worker."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return int(workerinput["workercount"])
    workers = getattr(config.option, "numprocesses", None)
    return workers if isinstance(workers, int) and workers > 0 else 1


@pytest.hookimpl(trylast=True)
def pytest_mlebench_make_runner(config: pytest.Config, name: str, agent: Agent) -> DockerRunner | None:
    if name != NAME:
        return None
    from ...provenance import host_cpus
    from .runner import DockerRunner, HostShare

    opts = resolve(config, DockerOptions)
    share = HostShare.of_host(_parallel_runs(config), host_cpus(),
                              os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"), opts.shm_size)
    # A run pinned to leased cores (--mlebench-cpus-per-run) is bounded by them instead.
    cpus = None if resolve(config, Limits).cpus_per_run else share.cpus
    return DockerRunner(memory=opts.memory_per_run or share.memory, cpus=cpus,
                        shm_size=share.shm_size if opts.memory_per_run is None else opts.shm_size,
                        tmp_size=opts.tmp_size or share.tmp_size, pids_limit=opts.pids_limit,
                        network_mode=opts.agent_network, keep_containers=opts.keep_containers)
