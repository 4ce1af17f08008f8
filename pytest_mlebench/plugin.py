"""pytest hooks of pytest-mlebench: options, and the switch that turns a session on.

Thin on purpose: each concern lives in its own module (options, registry, data,
harness, runners, grading, results, summary; session.py wires them for one
run). Without ``--agent`` the plugin adds nothing but its options and hooks,
and imports nothing heavy.
"""

from __future__ import annotations

import pytest

from . import hookspecs
from .catalog import builtin
from .options import Settings, add_options, restore_rootdir
from .runners.docker import plugin as docker_plugin

DOCKER_PLUGIN = "mlebench.docker"
#: The built-in catalog, agents and local runner (``-p no:mlebench.builtins`` leaves them out).
BUILTINS_PLUGIN = "mlebench.builtins"


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)
    # The docker runner is a plugin of its own: its options exist before any are parsed.
    # So are the built-ins' (the local runner's sandbox option).
    for plugin, name in ((docker_plugin, DOCKER_PLUGIN), (builtin, BUILTINS_PLUGIN)):
        if not pluginmanager.is_blocked(name) and not pluginmanager.has_plugin(name):
            pluginmanager.register(plugin, name)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    restore_rootdir(early_config, args)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mlebench: a competition run by pytest-mlebench")
    settings = Settings.from_config(config)
    if settings is None:
        return
    from .session import start

    start(config, settings)
