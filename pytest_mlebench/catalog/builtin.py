"""The built-in catalog, agents and runners, registered through the public hooks.

This module is a pytest plugin like any third party's; ``-p no:mlebench.builtins``
leaves only what conftest files and other plugins register.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..options import Settings
from ..runners.local import LocalRunner
from .registry import Registry


def catalog_root() -> Path:
    """The ``competitions/`` folder, also when installed without the repository."""
    return Path(str(resources.files("mlebench_competitions")))


def pytest_mlebench_register_competitions(registry: Registry) -> None:
    registry.add_catalog(catalog_root())


def pytest_mlebench_register_agents(registry: Registry) -> None:
    registry.add_agents_folder(Path(str(resources.files("pytest_mlebench.agents"))))


def _local(settings: Settings) -> LocalRunner:
    return LocalRunner()


def _docker(settings: Settings):
    from ..runners.docker.runner import DockerRunner

    return DockerRunner.from_settings(settings)


def pytest_mlebench_register_runners(registry: Registry) -> None:
    registry.add_runner("local", _local)
    registry.add_runner("docker", _docker)
