#!/bin/sh
# The container's entrypoint (put there by runners/docker.py): bring up the
# validation forwarder, then become the agent's start command ("$@").
# The forwarder makes VALIDATION_URL (http://127.0.0.1:PORT/validate) answer even
# with no network: it relays to the harness's socket, bind-mounted at /run/mlebench.
if [ -S /run/mlebench/validate.sock ]; then
    port=${VALIDATION_URL##*:}
    port=${port%%/*}
    python3 /opt/mlebench/forward.py /run/mlebench/validate.sock "$port" </dev/null >/dev/null 2>&1 \
        || echo "[pytest-mlebench] the validation relay did not start on port $port (python3 missing?)" >&2
fi
exec "$@"
