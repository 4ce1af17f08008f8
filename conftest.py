"""Repository-level conftest: the docker gate of this project's own test suite.

Where docker tests are expected to run (CI sets MLEBENCH_REQUIRE_DOCKER=1), a
docker test that skips fails instead: a skipped gate is a green build that
tested nothing. The browser tests (chromium) fail the same way there and wherever
CI=true. Everywhere else they skip with their reason.

pytest loads this file whenever it collects something from this checkout, also
in the plugin's pytester sessions, so it only ever acts on ``docker`` and ``browser`` items.
"""

from __future__ import annotations

import os

import pytest


def _required(item: pytest.Item) -> str | None:
    """The marker whose tests must not skip here: docker where CI requires docker, and
    browser (the HTML report in chromium) in CI too."""
    in_ci = bool(os.environ.get("MLEBENCH_REQUIRE_DOCKER"))
    if in_ci and item.get_closest_marker("docker"):
        return "docker"
    if (in_ci or os.environ.get("CI") == "true") and item.get_closest_marker("browser"):
        return "browser"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.skipped and (marker := _required(item)):
        report.outcome = "failed"
        report.longrepr = f"{marker} test skipped where {marker} tests are required: {report.longrepr}"
    return report
