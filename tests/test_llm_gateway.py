"""The LLM gateway: the agent's only door to its provider, metered, capped and logged.

Requests go from a real HTTP client through the real gateway (aiohttp) to the scripted
provider of tests/llm_server.py, which speaks OpenAI's and Anthropic's protocols, reports
usage and streams. Then whole sessions (pytester, the local runner) with an agent that
talks to its provider through the gateway, and (marked docker) an agent in a container
with network none that looks for the real key everywhere it can read.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from docker_helpers import require_docker
from llm_server import ScriptedLLM

from pytest_mlebench.runners.docker.runner import SESSION_LABEL
from pytest_mlebench.runners.gateway.metering import (
    Budget,
    PriceTableError,
    StreamUsage,
    Usage,
    price_of,
    price_table,
)
from pytest_mlebench.runners.gateway.server import REDACTED, Gateway, GatewayRun

REAL_OPENAI_KEY = "sk-real-openai-key-never-in-the-agent"
REAL_ANTHROPIC_KEY = "sk-ant-real-anthropic-key-never-in-the-agent"
PROMPT = [{"role": "user", "content": "write a model for the tiny task"}]


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM(["a b c d"] * 8, api_key=None) as server:
        yield server


def host_env(llm: ScriptedLLM) -> dict[str, str]:
    """The host's environment as the gateway reads it: real keys and the stand-in's URLs."""
    return {"OPENAI_API_KEY": REAL_OPENAI_KEY, "OPENAI_BASE_URL": llm.base_url,
            "ANTHROPIC_API_KEY": REAL_ANTHROPIC_KEY, "ANTHROPIC_BASE_URL": llm.root_url}


@pytest.fixture
def gateway(llm: ScriptedLLM) -> Iterator[Gateway]:
    with Gateway(price_table(), environ=host_env(llm)) as gw:
        yield gw


def open_run(gateway: Gateway, tmp_path: Path, time_limit: float = 60, **kwargs: Any) -> GatewayRun:
    """A run's door, its agent started (its environment made: the time limit counts from then)."""
    run = gateway.open_run("tiny#0", tmp_path / "llm.jsonl", time_limit, ("openai", "anthropic"), **kwargs)
    env = run.env(run.loopback_url)
    assert env["OPENAI_BASE_URL"] == f"{run.loopback_url}/openai/v1"
    assert env["ANTHROPIC_BASE_URL"] == f"{run.loopback_url}/anthropic"
    assert env["OPENAI_API_KEY"] == env["ANTHROPIC_API_KEY"] == run.token
    return run


def chat(run: GatewayRun, body: dict[str, Any] | None = None, **kwargs: Any) -> requests.Response:
    """As the agent asks: at the gateway's OpenAI base URL, with the run's token."""
    return requests.post(f"{run.loopback_url}/openai/v1/chat/completions", timeout=30,
                         headers={"Authorization": f"Bearer {run.token}"},
                         json=body if body is not None else {"model": "gpt-4o", "messages": PROMPT},
                         **kwargs)


def message(run: GatewayRun, stream: bool = False, model: str = "claude-sonnet-4-5") -> requests.Response:
    return requests.post(f"{run.loopback_url}/anthropic/v1/messages", timeout=30, stream=stream,
                         headers={"x-api-key": run.token, "anthropic-version": "2023-06-01"},
                         json={"model": model, "max_tokens": 100, "messages": PROMPT, "stream": stream})


def audit(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_real_key_goes_upstream_and_the_usage_is_metered(gateway: Gateway, llm: ScriptedLLM,
                                                              tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path)
    answer = chat(run)
    assert answer.status_code == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"] == "a b c d"
    # The provider saw the host's key, never the run's token.
    assert llm.headers[0]["Authorization"] == f"Bearer {REAL_OPENAI_KEY}"
    assert run.token not in json.dumps(llm.headers)
    meter = run.close()
    assert (meter.prompt_tokens, meter.completion_tokens) == (llm.usage["prompt_tokens"],
                                                              llm.usage["completion_tokens"]) == (7, 4)
    fields = meter.record_fields()
    # gpt-4o: $2.50 per million prompt tokens, $10 per million completion tokens.
    assert fields["llm_cost_usd"] == pytest.approx((7 * 2.5 + 4 * 10) / 1e6)
    assert fields["llm_requests"] == 1 and fields["llm_budget_exhausted"] is False
    # After the run its token opens nothing.
    assert chat(run).status_code == 401


def test_streamed_answers_pass_through_and_their_usage_is_counted(gateway: Gateway, llm: ScriptedLLM,
                                                                   tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path)
    # The agent did not ask for the usage chunk: the gateway asks for it, so the stream is metered.
    answer = chat(run, {"model": "gpt-4o", "messages": PROMPT, "stream": True}, stream=True)
    assert answer.headers["Content-Type"].startswith("text/event-stream")
    events = [line for line in answer.iter_lines() if line]
    assert events[-1] == b"data: [DONE]"
    words = "".join(json.loads(e[5:])["choices"][0]["delta"].get("content", "")
                    for e in events[:-1] if json.loads(e[5:])["choices"])
    assert words == "a b c d"
    assert llm.requests[0]["stream_options"] == {"include_usage": True}
    streamed = message(run, stream=True)
    kinds = [json.loads(line[5:])["type"] for line in streamed.iter_lines() if line.startswith(b"data:")]
    assert kinds[0] == "message_start" and kinds[-2:] == ["message_delta", "message_stop"]
    plain = message(run)
    assert plain.json()["content"][0]["text"] == "a b c d"
    assert llm.headers[-1]["x-api-key"] == REAL_ANTHROPIC_KEY
    meter = run.close()
    assert meter.requests == 3
    assert (meter.prompt_tokens, meter.completion_tokens) == (llm.usage["prompt_tokens"],
                                                              llm.usage["completion_tokens"]) == (21, 12)
    log = audit(tmp_path / "llm.jsonl")
    assert [e["status"] for e in log] == [200, 200, 200]
    assert log[0]["stream"] and "data: [DONE]" in log[0]["response"]
    assert log[2]["response"]["content"][0]["text"] == "a b c d"


def test_embeddings_and_models_are_served(gateway: Gateway, llm: ScriptedLLM, tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path)
    env = run.env(run.loopback_url)
    auth = {"Authorization": f"Bearer {run.token}"}
    embedded = requests.post(f"{env['OPENAI_BASE_URL']}/embeddings", headers=auth, timeout=30,
                             json={"model": "text-embedding-3-small", "input": ["one two", "three"]})
    assert embedded.status_code == 200 and len(embedded.json()["data"]) == 2
    models = requests.get(f"{env['OPENAI_BASE_URL']}/models", headers=auth, timeout=30)
    assert models.json()["data"][0]["id"] == "scripted"
    meter = run.close()
    assert (meter.requests, meter.prompt_tokens) == (2, 3)


def test_a_spent_token_budget_is_a_429_in_each_providers_shape(gateway: Gateway, llm: ScriptedLLM,
                                                              tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path, budget=Budget(tokens=10))
    assert chat(run).status_code == 200  # 11 tokens: over the budget once answered
    refused = chat(run)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "insufficient_quota"
    assert "budget of 10 tokens is exhausted" in refused.json()["error"]["message"]
    anthropic = message(run)
    assert anthropic.status_code == 429
    assert anthropic.json() == {"type": "error", "error": {"type": "rate_limit_error",
                                                           "message": refused.json()["error"]["message"]}}
    assert len(llm.requests) == 1  # the refused requests never reached the provider
    fields = run.close().record_fields()
    assert fields["llm_budget_exhausted"] is True and fields["llm_requests"] == 1


def test_a_dollar_budget_refuses_models_it_cannot_price(gateway: Gateway, tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path, budget=Budget(usd=0.01))
    answer = chat(run, {"model": "my-own-model", "messages": PROMPT})
    assert answer.status_code == 400 and "has no price" in answer.json()["error"]["message"]
    assert chat(run).status_code == 200
    run.close()


def test_models_outside_the_allow_list_are_refused(gateway: Gateway, llm: ScriptedLLM,
                                                   tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path, models=("gpt-4o-mini", "claude-*"))
    assert chat(run).status_code == 403
    assert chat(run, {"model": "gpt-4o-mini", "messages": PROMPT}).status_code == 200
    assert message(run, model="claude-haiku-4-5").status_code == 200
    assert message(run, model="gpt-4o").status_code == 403
    assert len(llm.requests) == 2
    run.close()


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "the request body is not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"messages": []}', "names no model"),
])
def test_a_malformed_request_is_a_400_with_the_reason(gateway: Gateway, llm: ScriptedLLM, tmp_path: Path,
                                                     body: bytes, reason: str) -> None:
    run = open_run(gateway, tmp_path)
    answer = requests.post(
        f"{run.env(run.loopback_url)['OPENAI_BASE_URL']}/chat/completions", data=body, timeout=30,
        headers={"Authorization": f"Bearer {run.token}", "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert reason in answer.json()["error"]["message"]
    assert llm.requests == []
    run.close()
    assert reason in audit(tmp_path / "llm.jsonl")[0]["refused"]


def test_unknown_tokens_routes_and_providers_are_refused(gateway: Gateway, tmp_path: Path) -> None:
    run = gateway.open_run("tiny#0", tmp_path / "llm.jsonl", 60, ("openai",))
    base = run.loopback_url
    assert requests.post(f"{base}/openai/v1/chat/completions", json={}, timeout=30,
                         headers={"Authorization": "Bearer sk-guessed"}).status_code == 401
    auth = {"Authorization": f"Bearer {run.token}"}
    assert requests.post(f"{base}/openai/v1/files", json={}, headers=auth, timeout=30).status_code == 404
    assert requests.get(f"{base}/kaggle/competitions", headers=auth, timeout=30).status_code == 404
    # The agent declared openai only.
    refused = requests.post(f"{base}/anthropic/v1/messages", json={"model": "claude-haiku-4-5"}, timeout=30,
                            headers={"x-api-key": run.token})
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "permission_error"
    assert "ANTHROPIC_API_KEY" not in run.env(base)
    run.close()


def test_a_provider_that_is_down_is_a_502(tmp_path: Path) -> None:
    with Gateway(price_table(), environ={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
                                         "OPENAI_API_KEY": REAL_OPENAI_KEY}) as gateway:
        run = open_run(gateway, tmp_path)
        answer = chat(run)
        run.close()
    assert answer.status_code == 502
    assert "could not be reached" in answer.json()["error"]["message"]


def test_a_slow_provider_never_holds_a_run_past_its_time_limit(tmp_path: Path) -> None:
    with ScriptedLLM(["late"], delay_s=20) as slow, Gateway(price_table(), environ=host_env(slow)) as gateway:
        run = open_run(gateway, tmp_path, time_limit=1.5)
        started = time.monotonic()
        answer = chat(run)
        waited = time.monotonic() - started
        # Past the deadline the gateway does not even ask.
        time.sleep(max(0.0, 1.6 - waited))
        late = chat(run)
        run.close()
    assert answer.status_code == 504 and waited < 5
    assert "time limit" in answer.json()["error"]["message"]
    assert late.status_code == 504


def test_the_time_limit_counts_from_the_agents_start_not_the_runs_opening(
        gateway: Gateway, tmp_path: Path) -> None:
    run = gateway.open_run("tiny#0", tmp_path / "llm.jsonl", 1.0, ("openai",))
    time.sleep(1.2)  # an image being built before the agent starts
    run.env("http://127.0.0.1:5001")
    assert chat(run).status_code == 200
    run.close()


def test_parallel_runs_are_metered_apart(gateway: Gateway, llm: ScriptedLLM, tmp_path: Path) -> None:
    runs = [gateway.open_run(f"tiny#{i}", tmp_path / f"{i}.jsonl", 60, ("openai",)) for i in range(3)]
    threads = [threading.Thread(target=lambda r=r, n=n: [chat(r) for _ in range(n)])
               for r, n in zip(runs, (1, 2, 3), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    meters = [run.close() for run in runs]
    assert [m.requests for m in meters] == [1, 2, 3]
    assert [m.completion_tokens for m in meters] == [4, 8, 12]
    assert [len(audit(tmp_path / f"{i}.jsonl")) for i in range(3)] == [1, 2, 3]


def test_the_audit_log_holds_every_exchange_whole_with_keys_redacted(gateway: Gateway, llm: ScriptedLLM,
                                                                     tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path)
    long_prompt = "the key is " + REAL_OPENAI_KEY + " and " + "x" * 200_000
    chat(run, {"model": "gpt-4o", "messages": [{"role": "user", "content": long_prompt}]})
    chat(run, {"model": "gpt-4o", "messages": [{"role": "user", "content": f"my token {run.token}"}]})
    chat(run, {"model": "gpt-4o"})  # refused by the stand-in: no messages
    run.close()
    text = (tmp_path / "llm.jsonl").read_text()
    assert REAL_OPENAI_KEY not in text and run.token not in text
    log = audit(tmp_path / "llm.jsonl")
    assert len(log) == 3
    first = log[0]["request"]["messages"][0]["content"]
    assert first == f"the key is {REDACTED} and " + "x" * 200_000  # kept whole
    assert log[1]["request"]["messages"][0]["content"] == f"my token {REDACTED}"
    assert log[2]["status"] == 400 and "no messages" in log[2]["response"]["error"]["message"]
    assert {e["run"] for e in log} == {"tiny#0"} and all(e["model"] == "gpt-4o" for e in log)


# -- prices and usage ------------------------------------------------------------

def test_prices_come_from_the_shipped_table_and_a_users_file(tmp_path: Path) -> None:
    shipped = price_table()
    assert price_of(shipped, "gpt-4o-2024-08-06") == price_of(shipped, "gpt-4o")
    assert price_of(shipped, "claude-sonnet-4-5-20250929") == price_of(shipped, "claude-sonnet-4-5")
    assert price_of(shipped, "my-own-model") is None
    override = tmp_path / "prices.csv"
    override.write_text("# ours\nmodel,prompt,cached,completion\nmy-own-model,1,0.5,2\ngpt-4o,0,0,0\n")
    prices = price_table(override)
    assert price_of(prices, "my-own-model").completion == 2  # type: ignore[union-attr]
    assert Usage(10, 5, 0).cost(price_of(prices, "gpt-4o")) == 0  # type: ignore[arg-type]
    assert price_of(prices, "o4-mini") == price_of(shipped, "o4-mini")
    override.write_text("model,input,output\nx,1,2\n")
    with pytest.raises(PriceTableError, match="expected the columns"):
        price_table(override)


def test_an_unpriced_model_makes_the_cost_unknown_not_zero(gateway: Gateway, tmp_path: Path) -> None:
    run = open_run(gateway, tmp_path)
    chat(run, {"model": "my-own-model", "messages": PROMPT})
    fields = run.close().record_fields()
    assert fields["llm_cost_usd"] is None and fields["llm_unpriced_models"] == "my-own-model"
    assert fields["llm_prompt_tokens"] == 7


def test_cached_tokens_are_priced_as_cached() -> None:
    price = price_of(price_table(), "gpt-4o")
    assert price is not None
    assert Usage(prompt=1000, completion=0, cached=400).cost(price) == pytest.approx(
        (600 * 2.5 + 400 * 1.25) / 1e6)


def test_stream_usage_reads_each_providers_events() -> None:
    anthropic = StreamUsage("anthropic")
    events = [{"type": "message_start", "message": {"usage": {"input_tokens": 12, "output_tokens": 1,
                                                              "cache_read_input_tokens": 3}}},
              {"type": "message_delta", "usage": {"output_tokens": 9}}]
    text = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()
    for i in range(0, len(text), 7):  # split anywhere, as a network delivers it
        anthropic.feed(text[i:i + 7])
    assert anthropic.usage == Usage(prompt=15, completion=9, cached=3)
    responses = StreamUsage("openai")
    done = {"type": "response.completed", "response": {"usage": {
        "input_tokens": 5, "output_tokens": 2, "input_tokens_details": {"cached_tokens": 1}}}}
    responses.feed(f"data: {json.dumps(done)}\n\n".encode())
    assert responses.usage == Usage(5, 2, 1)


# -- sessions ----------------------------------------------------------------------

TALKER = textwrap.dedent('''\
    import json, os, urllib.error, urllib.request

    def ask(n):
        request = urllib.request.Request(
            os.environ["OPENAI_BASE_URL"] + "/chat/completions",
            data=json.dumps({"model": "gpt-4o", "messages": [
                {"role": "user", "content": "question number " + str(n)}]}).encode(),
            headers={"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"],
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    statuses = [ask(n) for n in range(int(os.environ.get("ASKS", "3")))]
    print("statuses", statuses)
    with open(os.environ["LOGS_DIR"] + "/statuses.json", "w") as out:
        json.dump(statuses, out)
    with open(os.environ["LOGS_DIR"] + "/env.json", "w") as out:
        json.dump(dict(os.environ), out)
''')


@pytest.fixture
def llm_bench(bench: pytest.Pytester) -> pytest.Pytester:
    """The tiny catalog with an agent that asks its provider a few questions, then copies the sample."""
    folder = bench.path / "agents" / "talker"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: talker\nstart: start.sh\nllm_providers: [openai]\n"
                                       "env_from_host: [ASKS]\n")
    (folder / "talk.py").write_text(TALKER)
    (folder / "start.sh").write_text(
        'set -euo pipefail\npython "$AGENT_DIR/talk.py"\n'
        'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n')
    return bench


def session_records(bench: pytest.Pytester) -> list[dict[str, Any]]:
    return json.loads((bench.path / "r.json").read_text())["competition_reports"]


def test_a_session_records_the_tokens_the_provider_reported(llm_bench: pytest.Pytester,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedLLM(["an answer of five words"] * 6) as llm:
        for name, value in host_env(llm).items():
            monkeypatch.setenv(name, value)
        # Two xdist workers: a gateway each, a meter per run, the totals on the controller.
        result = llm_bench.runpytest_subprocess(
            "--agent=talker", "--competitions=tiny-auc,tiny-auc-2", "-n", "2", "--mlebench-report=r.json",
            "--mlebench-html=r.html", "--mlebench-llm-models=gpt-4o*", timeout=300)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*LLM gateway for openai: budget per run unlimited, models gpt-4o*; "
                                 "host OPENAI_API_KEY set*", "*LLM: 6 requests, 18 prompt + 30 completion "
                                 "tokens, $0.000345 (no medal)*"])
    assert "LLM: 6 requests, 18 prompt + 30 completion tokens" in (llm_bench.path / "r.html").read_text()
    report = json.loads((llm_bench.path / "r.json").read_text())
    assert report["llm"]["requests"] == 6 and report["llm"]["cost_usd"] == pytest.approx(0.000345)
    records = session_records(llm_bench)
    assert sum(r["llm_prompt_tokens"] for r in records) == llm.usage["prompt_tokens"] == 18
    assert sum(r["llm_completion_tokens"] for r in records) == llm.usage["completion_tokens"] == 30
    for record in records:
        assert record["llm_requests"] == 3 and record["llm_budget_exhausted"] is False
        assert record["llm_cost_usd"] == pytest.approx((9 * 2.5 + 15 * 10) / 1e6)
        # Sandboxed, the local runner's agent has no network: the gateway is relayed in over a socket.
        network = "none" if record["isolation"] == "bwrap" else "host"
        assert (record["agent_network"], record["llm_providers"]) == (network, "openai")
        run_dir = Path(record["run_dir"])
        assert len(audit(run_dir / "llm.jsonl")) == 3
        env = json.loads((run_dir / "logs" / "env.json").read_text())
        assert env["OPENAI_API_KEY"].startswith("mlebench-run-")
        assert REAL_OPENAI_KEY not in json.dumps(env) and llm.base_url not in json.dumps(env)
        for path in run_dir.rglob("*"):
            if path.is_file():
                assert REAL_OPENAI_KEY not in path.read_text(errors="replace"), path
    # The audit command reads the group's logs: two runs, six requests, nothing flagged.
    group = Path(records[0]["run_dir"]).parent.parent.parent
    audited = subprocess.run([sys.executable, "-m", "pytest_mlebench", "audit", str(group), "--json"],
                             capture_output=True, text=True, timeout=120)
    assert audited.returncode == 0, audited.stderr
    summary = json.loads(audited.stdout)
    assert summary["models"] == {"gpt-4o": {"requests": 6, "prompt_tokens": 18, "completion_tokens": 30,
                                            "refused": 0}}
    assert summary["flagged"] == [] and all(r["answers_checked"] for r in summary["runs"])


def test_audit_flags_kaggle_urls_and_private_answer_values(tmp_path: Path) -> None:
    run_dir = tmp_path / "group" / "tiny" / "seed0"
    run_dir.mkdir(parents=True)
    answers = tmp_path / "answers.csv"
    answers.write_text("id,y,label\nr1,0.8734521,cat\nr2,0.1250001,cat\nr3,0.5,dog\n")
    (run_dir / "run.json").write_text(json.dumps(
        {"audit": {"answers_path": str(answers), "answer_columns": ["y", "label"]}}))
    lines = [
        {"run": "tiny#0", "model": "gpt-4o", "usage": {"prompt": 7, "completion": 3},
         "request": {"messages": [{"content": "fit a model on cat and dog"}]}},
        {"run": "tiny#0", "model": "gpt-4o", "request": {"messages": [
            {"content": "see https://www.kaggle.com/competitions/tiny/discussion/42 and r1 is 0.8734521"}]},
         "usage": {"prompt": 9, "completion": 1}},
        {"run": "tiny#0", "model": "claude-haiku-4-5", "refused": "budget", "request": {"model": "x"}},
    ]
    (run_dir / "llm.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    audited = subprocess.run([sys.executable, "-m", "pytest_mlebench", "audit", str(tmp_path / "group")],
                             capture_output=True, text=True, timeout=120)
    assert audited.returncode == 1, audited.stderr
    out = audited.stdout
    assert "1 audit logs, 3 requests, 16 prompt + 4 completion tokens" in out
    assert "claude-haiku-4-5: 1 requests, 0 prompt + 0 completion tokens, 1 refused by the gateway" in out
    flagged, = [line for line in out.splitlines() if line.startswith("FLAGGED")]
    assert "llm.jsonl:2 (tiny#0, gpt-4o)" in flagged
    assert "Kaggle URL https://www.kaggle.com/competitions/tiny/discussion/42" in flagged
    # 0.8734521 is one row's answer; "cat" repeats and "0.5" is too short to tell anything.
    assert "private answer value '0.8734521'" in flagged and "'cat'" not in flagged
    missing = subprocess.run([sys.executable, "-m", "pytest_mlebench", "audit", str(tmp_path / "none")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "no llm.jsonl" in missing.stderr


def test_a_budget_of_1000_tokens_stops_the_run(llm_bench: pytest.Pytester,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    with ScriptedLLM([" ".join(["word"] * 600)] * 4) as llm:
        for name, value in host_env(llm).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("ASKS", "4")
        result = llm_bench.runpytest("--agent=talker", "--competitions=tiny-auc", "--mlebench-report=r.json",
                                     "--mlebench-llm-budget-tokens=1000")
    result.assert_outcomes(passed=1)
    record, = session_records(llm_bench)
    assert record["llm_budget_exhausted"] is True
    assert record["llm_requests"] == 2 and len(llm.requests) == 2
    assert record["llm_completion_tokens"] == 1200 == llm.usage["completion_tokens"]
    statuses = json.loads((Path(record["run_dir"]) / "logs" / "statuses.json").read_text())
    assert statuses == [200, 200, 429, 429]  # the second answer spent the budget; the agent saw 429s
    assert [e["status"] for e in audit(Path(record["run_dir"]) / "llm.jsonl")] == statuses


def test_a_bad_price_file_is_a_usage_error(llm_bench: pytest.Pytester) -> None:
    (llm_bench.path / "prices.csv").write_text("model,price\ngpt-4o,1\n")
    result = llm_bench.runpytest("--agent=talker", "--mlebench-llm-prices=prices.csv")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--mlebench-llm-prices: *expected the columns model,prompt,cached,completion*"])


def test_an_agent_may_not_take_a_key_the_gateway_sets(llm_bench: pytest.Pytester) -> None:
    (llm_bench.path / "agents" / "talker" / "agent.yaml").write_text(
        "name: talker\nstart: start.sh\nllm_providers: [openai]\nenv_from_host: [OPENAI_API_KEY]\n")
    result = llm_bench.runpytest("--agent=talker")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*env_from_host names *OPENAI_API_KEY*, which the LLM gateway sets*"])


# -- docker: network none, the gateway the only door, the real key nowhere inside -----------------

SNOOPER = textwrap.dedent('''\
    """Talks to both providers through the gateway, then looks for the real key everywhere it can read."""
    import json, os, pathlib, urllib.error, urllib.request

    def post(url, body, headers):
        request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    ask = [{"role": "user", "content": "hello there"}]
    statuses = [
        post(os.environ["OPENAI_BASE_URL"] + "/chat/completions", {"model": "gpt-4o", "messages": ask},
             {"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"]}),
        post(os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages",
             {"model": "claude-haiku-4-5", "max_tokens": 50, "messages": ask},
             {"x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": "2023-06-01"}),
    ]
    try:  # and the internet, directly: there is none
        urllib.request.urlopen("https://www.kaggle.com", timeout=5)
        internet = True
    except OSError:
        internet = False
    # The needle arrives reversed, so that it is in no file or environment in the form looked for.
    needles = [n[::-1].encode() for n in os.environ["NEEDLES_REVERSED"].split(",")]
    hits = []
    places = [p for root in ("/home", "/opt/mlebench", "/run", "/tmp", "/etc", "/var")
              for p in pathlib.Path(root).rglob("*")]
    places += [p for p in pathlib.Path("/proc").glob("[0-9]*/environ")]
    places += [p for p in pathlib.Path("/proc").glob("[0-9]*/cmdline")]
    for path in places:
        try:
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()[:4_000_000]
                hits += [str(path) for n in needles if n in data]
        except OSError:
            pass
    result = {"statuses": statuses, "internet": internet, "searched": len(places), "hits": hits,
              "env": dict(os.environ)}
    pathlib.Path(os.environ["LOGS_DIR"], "snoop.json").write_text(json.dumps(result))
    print("snooped", len(places), "places")
''')


@pytest.mark.docker
def test_in_a_container_the_gateway_is_the_only_door_and_the_key_is_nowhere(
        bench: pytest.Pytester, docker_base_image: str, session_label: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = bench.path / "agents" / "snooper"
    folder.mkdir()
    (folder / "agent.yaml").write_text("name: snooper\nstart: start.sh\nllm_providers: [openai, anthropic]\n"
                                       "env_from_host: [NEEDLES_REVERSED]\n")
    (folder / "snoop.py").write_text(SNOOPER)
    (folder / "start.sh").write_text(
        'set -euo pipefail\npython3 "$AGENT_DIR/snoop.py"\n'
        'cp "$DATA_DIR/sample_submission.csv" "$SUBMISSION_DIR/submission.csv"\n')
    with ScriptedLLM(["fine thanks"] * 2) as llm:
        for name, value in host_env(llm).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("NEEDLES_REVERSED", f"{REAL_OPENAI_KEY[::-1]},{REAL_ANTHROPIC_KEY[::-1]}")
        result = bench.runpytest("--agent=snooper", "--mlebench-runner=docker", "--competitions=tiny-auc",
                                 "--mlebench-report=r.json", "--mlebench-keep-containers")
    client = require_docker()
    containers = client.api.containers(all=True, filters={"label": f"{SESSION_LABEL}={session_label}"})
    try:
        result.assert_outcomes(passed=1)
        container, = containers
        env = client.api.inspect_container(container["Id"])["Config"]["Env"]
    finally:
        for kept in containers:  # kept for the inspection above: ours to remove
            client.api.remove_container(kept["Id"], force=True)
    assert not any(REAL_OPENAI_KEY in v or REAL_ANTHROPIC_KEY in v for v in env)
    record, = session_records(bench)
    run_dir = Path(record["run_dir"])
    snoop = json.loads((run_dir / "logs" / "snoop.json").read_text())
    assert snoop["statuses"] == [200, 200] and snoop["internet"] is False
    assert snoop["hits"] == [] and snoop["searched"] > 50
    assert snoop["env"]["OPENAI_BASE_URL"] == "http://127.0.0.1:5001/openai/v1"
    assert snoop["env"]["ANTHROPIC_API_KEY"] == snoop["env"]["OPENAI_API_KEY"] != REAL_OPENAI_KEY
    assert record["agent_network"] == "none"
    assert (record["llm_requests"], record["llm_prompt_tokens"], record["llm_completion_tokens"]) == (
        2, llm.usage["prompt_tokens"], llm.usage["completion_tokens"])
    assert [e["provider"] for e in audit(run_dir / "llm.jsonl")] == ["openai", "anthropic"]
    for path in run_dir.rglob("*"):  # the agent's log, its outputs, the audit log, run.json
        if path.is_file():
            text = path.read_text(errors="replace")
            assert REAL_OPENAI_KEY not in text and REAL_ANTHROPIC_KEY not in text, path
