"""The Docker engine for the tests that need one: present, or a clear skip (or failure in CI)."""

from __future__ import annotations

import os
import shutil

import pytest
import requests
from docker.client import DockerClient
from docker.errors import DockerException

from pytest_mlebench.runners.docker.images import ImageError, ensure_base_image


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
    """Found, built from a reachable base, or built offline (mmdebstrap + PyPI)."""
    try:
        return ensure_base_image(client)
    except ImageError:
        if shutil.which("mmdebstrap") is None:
            raise
    from pytest_mlebench.runners.docker.offline_base import build_offline_base

    return build_offline_base()
