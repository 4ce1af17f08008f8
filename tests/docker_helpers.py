"""The Docker engine for the tests that need one: present, or a clear skip (or failure in CI)."""

from __future__ import annotations

import os
import shutil

import pytest
import requests
from docker.client import DockerClient
from docker.errors import DockerException

from pytest_mlebench.runners.docker.images import ImageError, build_lock, ensure_base_image
from pytest_mlebench.runners.docker.offline_base import OFFLINE_BUILD_LOCK, build_offline_base


def require_docker() -> DockerClient:
    """A client of the local engine; skips where none answers, fails where docker tests must run."""
    try:
        client = DockerClient.from_env()
        client.ping()
    except (DockerException, requests.RequestException) as exc:
        message = f"no Docker daemon answers: {exc}"
        if os.environ.get("CI") or os.environ.get("MLEBENCH_REQUIRE_DOCKER"):
            pytest.fail(message + " (CI / MLEBENCH_REQUIRE_DOCKER set: the docker tests must run)")
        pytest.skip(message)
    return client


def base_image(client: DockerClient) -> str:
    """Found, built from a reachable base, or built offline (mmdebstrap + PyPI).

    An offline build already under way (scripts/test starts one beside the test run) holds
    its lock: this waits for it to finish, then finds its image."""
    try:
        with build_lock(OFFLINE_BUILD_LOCK):
            return ensure_base_image(client)
    except ImageError:
        if shutil.which("mmdebstrap") is None:
            raise
    return build_offline_base()
