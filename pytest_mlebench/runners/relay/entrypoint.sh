#!/bin/sh
# The sandbox's entrypoint (a container's, or a bubblewrap sandbox's): bring up the
# relays to the harness, then become the agent's start command ("$@").
# The relays make VALIDATION_URL (http://127.0.0.1:PORT/validate) and the LLM
# gateway (OPENAI_BASE_URL, ANTHROPIC_BASE_URL: http://127.0.0.1:PORT/...) answer
# even with no network: each relays to a harness socket bind-mounted at /run/mlebench.
relay() {  # relay SOCKET URL WHAT
    port=${2#http://127.0.0.1:}
    port=${port%%/*}
    python3 /opt/mlebench/forward.py "$1" "$port" </dev/null >/dev/null 2>&1 \
        || echo "[pytest-mlebench] the $3 relay did not start on port $port (python3 missing?)" >&2
}
if [ -S /run/mlebench/validate.sock ]; then
    relay /run/mlebench/validate.sock "$VALIDATION_URL" validation
fi
if [ -S /run/mlebench/llm.sock ]; then
    relay /run/mlebench/llm.sock "${OPENAI_BASE_URL:-$ANTHROPIC_BASE_URL}" "LLM gateway"
fi
exec "$@"
