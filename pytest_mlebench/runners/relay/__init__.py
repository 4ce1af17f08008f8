"""The harness's doors into a sandbox without network: Unix sockets, relayed to loopback ports.

A container with network none, or a bubblewrap sandbox with a network namespace of its
own, cannot reach a server on the host's loopback. So the harness serves the run's
validation endpoint and LLM gateway on Unix sockets in a folder that the sandbox sees at
``SOCKET_DIR``, and entrypoint.sh starts forward.py inside the sandbox to relay each one
to the loopback port its URL names. Both the docker runner and the local runner's
bubblewrap sandbox use these files and constants, so the agent sees the same URLs in both.
"""

from __future__ import annotations

from contextlib import ExitStack
from importlib import resources
from pathlib import Path, PurePosixPath

from ..base import RunSpec
from ..endpoint import ValidationServer

#: Where the sandbox finds entrypoint.sh and forward.py.
HARNESS_DIR = PurePosixPath("/opt/mlebench")
#: Where the sandbox finds the harness's sockets.
SOCKET_DIR = PurePosixPath("/run/mlebench")
FORWARD_PORT = 5000
#: What VALIDATION_URL is inside a sandbox without network.
VALIDATION_URL = f"http://127.0.0.1:{FORWARD_PORT}/validate"
#: Where the relay to the LLM gateway listens inside (the base of OPENAI_BASE_URL...).
LLM_PORT = 5001
LLM_URL = f"http://127.0.0.1:{LLM_PORT}"


def relay_resource(name: str) -> bytes:
    """entrypoint.sh or forward.py, as shipped in the package."""
    return resources.files("pytest_mlebench").joinpath("runners", "relay", name).read_bytes()


def serve_harness_sockets(spec: RunSpec, stack: ExitStack, socket_dir: Path,
                          min_interval_s: float = 1.0) -> None:
    """Serve the run's validation endpoint and LLM gateway on sockets in ``socket_dir`` (made
    here, 0755), until ``stack`` closes; entrypoint.sh relays each one it finds."""
    socket_dir.mkdir(mode=0o755)
    if spec.validation_check is not None:
        stack.enter_context(ValidationServer(
            spec.validation_check, min_interval_s=min_interval_s, max_bytes=spec.validation_max_bytes,
            unix_socket=socket_dir / "validate.sock"))
    if spec.llm is not None:
        spec.llm.serve_unix(socket_dir / "llm.sock")
