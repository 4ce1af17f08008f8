"""The aide agent, end to end: real AIDE (aideml) against a scripted LLM on loopback.

AIDE's requests go through the harness's LLM gateway to tests/llm_server.py, a real
server speaking OpenAI's protocols, whose answers are scripts a Kaggle grandmaster
might write; AIDE runs them, asks for a review of each, and the agent must hand over
the submission of the best one. In the docker runner the container has network none:
the gateway's relay is its only door out. The local runner needs aideml in the Python
running pytest (skipped, saying so, without it); the docker runner builds the aide
image and always has it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from llm_server import ScriptedLLM, ToolCall

from pytest_mlebench.catalog.registry import Agent
from pytest_mlebench.grading.metrics import get_metric
from pytest_mlebench.grading.validate import GradingSpec, score
from pytest_mlebench.runners.base import Runner, RunResult, RunSpec
from pytest_mlebench.runners.docker.runner import DockerRunner
from pytest_mlebench.runners.gateway.metering import Budget, price_table
from pytest_mlebench.runners.gateway.server import Gateway, GatewayRun
from pytest_mlebench.runners.local import LocalRunner

AIDE_DIR = Path(resources.files("pytest_mlebench")) / "agents" / "aide"
API_KEY = "sk-scripted-test-key"
SPEC = GradingSpec("id", ("y",), get_metric("roc_auc"))

LOGISTIC = '''A logistic regression on both features, checked on a hold-out quarter of train.

```python
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

train = pd.read_csv("./input/train.csv")
test = pd.read_csv("./input/test.csv")
features = ["x1", "x2"]
fit, hold = train_test_split(train, test_size=0.25, random_state=0)
model = LogisticRegression().fit(fit[features], fit["y"])
print("validation AUC:", roc_auc_score(hold["y"], model.predict_proba(hold[features])[:, 1]))
model.fit(train[features], train["y"])
predictions = pd.DataFrame({"id": test["id"], "y": model.predict_proba(test[features])[:, 1]})
predictions.to_csv("./working/submission.csv", index=False)
```
'''

#: Runs fine and scores worse, and writes a submission the grader rejects: had the
#: agent handed over the last file written instead of the best script's, it is caught.
CONSTANT = '''A constant prediction as a floor to compare against.

```python
import pandas as pd

test = pd.read_csv("./input/test.csv")
print("validation AUC: 0.5")
test[["id"]].head(3).assign(prediction=0.5).to_csv("./working/submission.csv", index=False)
```
'''

SLEEPER = '''Think for a long while first.

```python
import time

time.sleep(600)
```
'''


def review(metric: float) -> ToolCall:
    """The feedback call AIDE forces (the function `submit_review` of aide/agent.py)."""
    return ToolCall("submit_review", {"is_bug": False, "summary": "Ran cleanly.", "metric": metric,
                                      "lower_is_better": False})


@pytest.fixture
def competition(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A tiny binary task: public files as MLE-bench prepares them, and the private answers."""
    rng = np.random.default_rng(3)
    n = 240
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = (x1 - 0.5 * x2 + rng.normal(scale=0.5, size=n) > 0).astype(int)
    frame = pd.DataFrame({"id": [f"r{i:03d}" for i in range(n)], "x1": x1, "x2": x2, "y": y})
    train, test = frame.iloc[:160], frame.iloc[160:]
    public = tmp_path / "public"
    public.mkdir()
    train.to_csv(public / "train.csv", index=False)
    test[["id", "x1", "x2"]].to_csv(public / "test.csv", index=False)
    test[["id"]].assign(y=0.5).to_csv(public / "sample_submission.csv", index=False)
    (public / "description.md").write_text(
        "# Tiny separation\n\nPredict the probability that y is 1 from x1 and x2.\n"
        "Submissions are scored by the area under the ROC curve.\n"
        "Submit a CSV with the columns id,y and one row per id of test.csv.\n"
    )
    return public, test[["id", "y"]].reset_index(drop=True)


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def runner(request: pytest.FixtureRequest) -> Runner:
    """One runner per module, so the docker runner builds (or finds) the aide image once."""
    if request.param == "local":
        pytest.importorskip("aide", reason="aideml is not installed in the Python running pytest")
        return LocalRunner()
    docker = DockerRunner()
    reason = docker.available()
    if reason:
        pytest.skip(reason)
    return docker


@pytest.fixture
def gateway() -> Iterator[Callable[[ScriptedLLM], Gateway]]:
    """The harness's LLM gateway, with the scripted LLM as the host's provider (its URL and key)."""
    started: list[Gateway] = []

    def start(llm: ScriptedLLM) -> Gateway:
        started.append(Gateway(price_table(), environ={"OPENAI_BASE_URL": llm.base_url,
                                                       "OPENAI_API_KEY": API_KEY}).start())
        return started[-1]

    yield start
    for gw in started:
        gw.close()


@pytest.fixture
def run_aide(runner: Runner, competition: tuple[Path, pd.DataFrame], tmp_path: Path
             ) -> Callable[..., RunResult]:
    """Run the aide agent on the tiny competition with the given environment (and LLM door)."""

    def run(env: dict[str, str], time_limit: float = 600, llm: GatewayRun | None = None) -> RunResult:
        spec = RunSpec(
            competition_id="tiny-separation", agent=Agent.from_folder(AIDE_DIR),
            public_dir=competition[0], run_dir=tmp_path / "run", time_limit=time_limit, seed=1,
            instructions=(Path(resources.files("pytest_mlebench")) / "instructions.txt").read_text(),
            extra_env=env, llm=llm,
        )
        try:
            return runner.run(spec)
        finally:
            if llm is not None:
                llm.close()

    return run


def door(gateway: Gateway, tmp_path: Path, time_limit: float = 600) -> GatewayRun:
    return gateway.open_run("tiny-separation#1", tmp_path / "run" / "llm.jsonl", time_limit, ("openai",))


def steps_env(steps: int, coder: str = "scripted-coder", reviewer: str = "scripted-reviewer",
              **extra: str) -> dict[str, str]:
    return {"AIDE_STEPS": str(steps), "AIDE_CODE_MODEL": coder, "AIDE_FEEDBACK_MODEL": reviewer, **extra}


def test_hands_over_the_best_scripts_submission(run_aide: Callable[..., RunResult],
                                                 gateway: Callable[[ScriptedLLM], Gateway], tmp_path: Path,
                                                 competition: tuple[Path, pd.DataFrame]) -> None:
    script = [LOGISTIC, review(0.9), CONSTANT, review(0.5)]
    with ScriptedLLM(script, api_key=API_KEY) as llm:
        llm_door = door(gateway(llm), tmp_path)
        # OpenAI's own model names: AIDE sends them to OpenAI's responses API, which must be the gateway.
        result = run_aide(steps_env(2, coder="gpt-4.1", reviewer="o4-mini"), llm=llm_door)
    log = result.log_tail(20000)
    assert (result.exit_code, result.timed_out) == (0, False), log
    assert llm.errors == [] and llm.remaining == 0, log
    assert result.network == ("none" if result.runner == "docker" else "host")
    # Every exchange went through the gateway, and its meter equals the provider's usage fields.
    meter = llm_door.meter
    assert meter.requests == 4 and len(llm.requests) == 4
    assert (meter.prompt_tokens, meter.completion_tokens) == (llm.usage["prompt_tokens"],
                                                              llm.usage["completion_tokens"])
    assert meter.record_fields()["llm_cost_usd"] > 0
    exchanges = [json.loads(line) for line in (tmp_path / "run" / "llm.jsonl").read_text().splitlines()]
    assert [e["path"] for e in exchanges] == ["/v1/responses"] * 4
    assert all(h["Authorization"] == f"Bearer {API_KEY}" for h in llm.headers)

    # The best script's submission, not the last one written, and it grades.
    assert result.submission_path is not None, log
    assert score(result.submission_path, competition[1], SPEC) > 0.8

    run_dir = result.log_path.parent
    assert "LogisticRegression" in (run_dir / "code" / "best_solution.py").read_text()
    journal, = (run_dir / "logs" / "aide").glob("*/journal.json")
    assert len(json.loads(journal.read_text())["nodes"]) == 2

    # What AIDE asked: code from the coder; a forced review call from the reviewer.
    assert [r["model"] for r in llm.requests] == ["gpt-4.1", "o4-mini"] * 2
    first_prompt = llm.requests[0]["input"][0]["content"][0]["text"]
    assert "Submissions are scored by the area under the ROC curve" in first_prompt
    assert "You are taking part in a machine-learning benchmark" in first_prompt
    assert "./working/submission.csv" in first_prompt
    for request in llm.requests[1::2]:
        assert [t["name"] for t in request["tools"]] == ["submit_review"]
        assert request["tool_choice"] == {"type": "function", "name": "submit_review"}


def test_stops_before_the_time_limit_keeping_the_best_so_far(
        run_aide: Callable[..., RunResult], gateway: Callable[[ScriptedLLM], Gateway], tmp_path: Path,
        competition: tuple[Path, pd.DataFrame]) -> None:
    # The limit leaves the first solution 70 s (budget = limit - 20 s) on a loaded machine,
    # where its container imports scikit-learn slowly; the sleeper then runs into the budget.
    # Self-hosted model names: AIDE sends them to OPENAI_BASE_URL's chat completions.
    with ScriptedLLM([LOGISTIC, review(0.9), SLEEPER], api_key=API_KEY) as llm:
        result = run_aide(steps_env(5, AIDE_EXEC_TIMEOUT="600"), time_limit=90,
                          llm=door(gateway(llm), tmp_path, 90))
    log = result.log_tail(20000)
    assert (result.exit_code, result.timed_out) == (0, False), log
    assert result.runtime_s < 90
    assert "stopping AIDE" in log
    assert result.submission_path is not None, log
    assert score(result.submission_path, competition[1], SPEC) > 0.8


def test_a_spent_budget_ends_the_search_instead_of_retrying_to_the_time_limit(
        run_aide: Callable[..., RunResult], gateway: Callable[[ScriptedLLM], Gateway],
        tmp_path: Path) -> None:
    """AIDE retries a 429 forever; the budget's 429 never clears, so the driver stops AIDE."""
    with ScriptedLLM([LOGISTIC, review(0.9), CONSTANT, review(0.5)], api_key=API_KEY) as llm:
        llm_door = gateway(llm).open_run("tiny-separation#1", tmp_path / "run" / "llm.jsonl", 600,
                                         ("openai",), budget=Budget(tokens=1))
        result = run_aide(steps_env(2), llm=llm_door)
    log = result.log_tail(20000)
    assert (result.exit_code, result.timed_out) == (0, False), log
    assert "stopping AIDE: " in log and "budget" in log, log
    assert result.runtime_s < 300, "no minute-long back-off to the time limit"
    assert llm_door.meter.record_fields()["llm_budget_exhausted"]
    assert len(llm.requests) == 1, "nothing past the spent budget reached the provider"


def test_says_when_no_llm_is_configured(run_aide: Callable[..., RunResult]) -> None:
    result = run_aide({"AIDE_CODE_MODEL": "o4-mini"})
    log = result.log_tail()
    assert result.exit_code == 2
    assert "no LLM is configured" in log and "OPENAI_API_KEY" in log, log
    assert result.submission_path is None
