# The image every agent image starts from: Python 3.11, the data-science stack in
# /opt/venv, a non-root user `agent` (uid 1000) and the paths of the agent's world.
#
# Build context: this file, base-requirements.txt and a wheels/ folder (may be
# empty). With wheels present pip installs from them alone, so a machine without
# a registry can build it (scripts/build-offline-base.sh); else from PyPI.
# pytest_mlebench/images.py assembles the context and tags the result by content.
#
# One stage and few steps: with the classic builder every step commits a layer,
# which costs seconds each on slow storage drivers. The wheels stay in one layer
# (about 130 MiB), which costs less than a second stage that copies the venv.
# The venv keeps its bytecode: the agent cannot write /opt/venv, and without it
# `import pandas` compiles on every start (seconds each time).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}
COPY base-requirements.txt wheels/ /tmp/mlebench-build/
ENV PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# /home belongs to the agent: it is the agent's HOME, as in the local runner.
RUN python3 -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
 && python3 -m venv /opt/venv \
 && if ls /tmp/mlebench-build/*.whl >/dev/null 2>&1; then \
        pip install --no-cache-dir --no-index --find-links /tmp/mlebench-build \
            -r /tmp/mlebench-build/base-requirements.txt; \
    else \
        pip install --no-cache-dir -r /tmp/mlebench-build/base-requirements.txt; \
    fi \
 && rm -rf /tmp/mlebench-build \
 && (getent passwd 1000 >/dev/null || echo "agent:x:1000:1000:agent:/home/agent:/bin/bash" >> /etc/passwd) \
 && (getent group 1000 >/dev/null || echo "agent:x:1000:" >> /etc/group) \
 && mkdir -p /home/data /home/submission /home/logs /home/code /home/agent \
 && chown 1000:1000 /home /home/submission /home/logs /home/code /home/agent
WORKDIR /home/agent
USER 1000:1000
