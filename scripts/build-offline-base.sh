#!/usr/bin/env bash
# Builds the agents' base image without a container registry (Debian's archive
# and PyPI only): see pytest_mlebench/docker/build_offline_base.py. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" -m pytest_mlebench.runners.docker.offline_base "$@"
