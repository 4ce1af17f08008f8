# The image of an agent whose folder has no Dockerfile: the base image plus the
# agent's folder at /home/agent. The build context is the agent's folder.
ARG BASE_IMAGE
FROM ${BASE_IMAGE}
COPY --chown=1000:1000 . /home/agent/
