"""Runs AIDE (the ``aideml`` package) as an MLE-bench agent.

AIDE searches a tree of candidate scripts: each one runs in AIDE's workspace, where
``./working/submission.csv`` is overwritten by the next, and its journal records the
validation metric of each. To grade the submission of the *best* script, this driver
runs AIDE's own entry point (``aide.run.run``, what the ``aide`` command runs) with
two additions: each script's submission is kept, keyed by the script's code, and after
every step the submission of the best script so far is published to $SUBMISSION_DIR
and its code to $CODE_DIR. A run stopped at the time limit thus keeps its best result.

AIDE has a step limit but no time limit, so the driver runs it in a process group of
its own and stops the group shortly before TIME_LIMIT_SECS.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: The variable each of AIDE's LLM providers reads its key from.
PROVIDER_KEYS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
}
#: AIDE's own default for the time one script may run.
DEFAULT_EXEC_TIMEOUT_S = 3600
KILL_GRACE_S = 10.0

TASK_NOTE = """\
# How your code is run here
Each script you write runs with its working directory set to a scratch workspace.
The competition's files (those of $DATA_DIR) are in ./input; save the test
predictions to ./working/submission.csv. Once your script has run, the submission
of your best-scoring script is copied to $SUBMISSION_DIR/submission.csv for you.
"""


def say(message: str) -> None:
    print(f"[aide agent] {message}", flush=True)


def task_description(instructions: str, description: str | None) -> str:
    """AIDE's task file: our instructions, where AIDE's scripts find things, the competition."""
    parts = ["# Benchmark instructions\n" + instructions.strip() + "\n", TASK_NOTE]
    if description is not None:
        parts.append("# Competition description\n" + description.strip() + "\n")
    return "\n".join(parts)


def time_plan(time_limit_s: float, exec_timeout: str | None) -> tuple[float, int]:
    """Seconds AIDE may run, and the limit for one script: AIDE_EXEC_TIMEOUT, else AIDE's
    default or the budget if shorter. The margin leaves time to stop AIDE's process group
    before the harness stops the agent."""
    margin = min(300.0, max(20.0, 0.02 * time_limit_s))
    budget = time_limit_s - margin
    limit = int(exec_timeout) if exec_timeout else int(min(DEFAULT_EXEC_TIMEOUT_S, budget))
    return budget, limit


def llm_problems(models: Mapping[str, str], env: Mapping[str, str]) -> list[str]:
    """One line per model whose provider (as AIDE routes it) has no key in ``env``."""
    from aide.backend import determine_provider

    problems = []
    for stage, model in models.items():
        provider = determine_provider(model)
        key = PROVIDER_KEYS[provider]
        if not env.get(key):
            custom = provider == "openai" and env.get("OPENAI_BASE_URL")
            where = f" at {env['OPENAI_BASE_URL']}" if custom else ""
            problems.append(f"the {stage} model {model!r} goes to {provider}{where}, which needs {key}")
    return problems


def route_openai_models_to(base_url: str | None) -> None:
    """Send gpt-*/o* models to ``base_url`` too: AIDE's OpenAI backend sends them to
    api.openai.com whatever OPENAI_BASE_URL says, which would leave the gateway's door."""
    if base_url:
        from aide.backend import backend_openai

        backend_openai.OPENAI_BASE_URL = base_url


# -- keeping and publishing the best submission -----------------------------------

class BudgetSpent(BaseException):
    """The run's LLM budget is spent: no later request can be answered. A BaseException, as
    KeyboardInterrupt is: AIDE's steps catch Exception and would try the next request."""


def stop_on_spent_budget() -> None:
    """End AIDE's search once the gateway says the run's budget is spent.

    AIDE retries every 429 forever (backoff, up to a minute apart), which would hold the
    run until its time limit; the gateway's 429 for a spent budget never clears. Raised
    through AIDE instead, it ends the search with the best submission already published.
    """
    import importlib

    from aide.backend import utils

    retry = utils.backoff_create

    def create(create_fn: Any, retry_exceptions: Any, *args: Any, **kwargs: Any) -> Any:
        def once(*a: Any, **k: Any) -> Any:
            try:
                return create_fn(*a, **k)
            except Exception as exc:
                if getattr(exc, "status_code", None) == 429 and "budget" in str(exc):
                    raise BudgetSpent(str(exc)) from None
                raise

        return retry(once, retry_exceptions, *args, **kwargs)

    for name in ("backend_openai", "backend_anthropic", "backend_gemini", "backend_openrouter"):
        try:
            module = importlib.import_module(f"aide.backend.{name}")
        except ImportError:
            continue
        if getattr(module, "backoff_create", None) is retry:
            module.backoff_create = create


def snapshot_path(snapshots: Path, code: str) -> Path:
    return snapshots / f"{hashlib.sha256(code.encode()).hexdigest()[:20]}.csv"


def choose(nodes: list[dict[str, Any]], snapshots: Path) -> tuple[dict[str, Any], Path] | None:
    """The best non-buggy node that wrote a submission; else the last node that wrote one.

    Ties go to the earlier node, as in AIDE's own choice of its best node.
    """
    written = [(n, snapshot_path(snapshots, n["code"])) for n in nodes]
    written = [(n, p) for n, p in written if p.is_file()]
    good = [(n, p) for n, p in written if not n["is_buggy"]]  # AIDE marks a node without a metric buggy
    if good:
        return max(good, key=lambda np: _signed_metric(np[0]))
    return written[-1] if written else None


def _signed_metric(node: dict[str, Any]) -> float:
    metric = node["metric"]
    return metric["value"] if metric.get("maximize", True) else -metric["value"]


def publish(journal: Path, snapshots: Path, submission_dir: Path, code_dir: Path) -> str:
    """Copy the chosen node's submission and code out (atomically); a line for the log."""
    nodes = sorted(json.loads(journal.read_text())["nodes"], key=lambda n: n["step"])
    chosen = choose(nodes, snapshots)
    if chosen is None:
        return f"step {len(nodes)}: no script has written ./working/submission.csv yet"
    node, snapshot = chosen
    partial = submission_dir / ".submission.csv.partial"
    shutil.copyfile(snapshot, partial)
    os.replace(partial, submission_dir / "submission.csv")
    (code_dir / "best_solution.py").write_text(node["code"])
    state = "buggy" if node["is_buggy"] else f"metric {node['metric']['value']}"
    return f"step {len(nodes)}: the submission is step {node['step'] + 1}'s ({state})"


def run_aide(argv: list[str], env: Mapping[str, str]) -> int:
    """AIDE's command-line entry point with ``argv``, its scripts' submissions kept and published."""
    try:
        import aide.run
        from aide.interpreter import Interpreter
    except ImportError as exc:
        say(f"aideml cannot be imported by {sys.executable} ({exc}): pip install aideml, "
            "or the packages of requirements.txt beside this file")
        return 2
    route_openai_models_to(env.get("OPENAI_BASE_URL"))
    stop_on_spent_budget()
    problems = llm_problems({"code": env["AIDE_CODE_MODEL"], "feedback": env["AIDE_FEEDBACK_MODEL"]}, env)
    if problems:
        say("no LLM is configured for AIDE: " + "; ".join(problems) + ". Export the key in the "
            "environment that runs pytest (agent.yaml passes it through), or set OPENAI_BASE_URL to an "
            "OpenAI-compatible server and name its model in AIDE_CODE_MODEL and AIDE_FEEDBACK_MODEL.")
        return 2
    snapshots = snapshot_dir(env)
    submission_dir, code_dir = Path(env["SUBMISSION_DIR"]), Path(env["CODE_DIR"])
    execute = Interpreter.run
    save_run = aide.run.save_run

    def execute_and_keep(self: Interpreter, code: str, reset_session: bool = True) -> Any:
        out = Path(self.working_dir) / "working" / "submission.csv"
        out.unlink(missing_ok=True)  # so a file found afterwards is this script's
        result = execute(self, code, reset_session)
        if out.is_file():
            shutil.copyfile(out, snapshot_path(snapshots, code))
        return result

    def save_and_publish(cfg: Any, journal: Any) -> None:
        save_run(cfg, journal)
        try:
            say(publish(Path(cfg.log_dir) / "journal.json", snapshots, submission_dir, code_dir))
        except OSError as exc:  # AIDE goes on; the next step publishes again
            say(f"could not publish the best submission: {exc}")

    Interpreter.run = execute_and_keep  # type: ignore[method-assign]
    aide.run.save_run = save_and_publish
    if env.get("SEED"):
        random.seed(int(env["SEED"]))  # AIDE's search policy draws from `random`
    sys.argv = ["aide", *argv]
    try:
        aide.run.run()
    except BudgetSpent as exc:
        say(f"stopping AIDE: {exc}")
        # AIDE's threads and its script's process would hold a normal exit; the best
        # submission is already published.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


# -- the agent's entry point (start.sh) ---------------------------------------------

def home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.cwd())


def work_dir(env: Mapping[str, str]) -> Path:
    """The agent's own scratch space: AIDE's workspaces, the task file, the kept submissions."""
    return home(env) / "aide"


def snapshot_dir(env: Mapping[str, str]) -> Path:
    return work_dir(env) / "submissions"


def main(env: Mapping[str, str]) -> int:
    """Start AIDE in a process group of its own, and stop the group when the time budget is used."""
    started = time.monotonic()
    budget, exec_timeout = time_plan(float(env["TIME_LIMIT_SECS"]), env.get("AIDE_EXEC_TIMEOUT"))
    if budget <= 0:
        say(f"TIME_LIMIT_SECS={env['TIME_LIMIT_SECS']} leaves AIDE no time")
        return 2
    work, data_dir, logs_dir = work_dir(env), Path(env["DATA_DIR"]), Path(env["LOGS_DIR"])
    snapshot_dir(env).mkdir(parents=True, exist_ok=True)
    description = data_dir / "description.md"
    task_file = work / "task.md"
    task_file.write_text(task_description(
        (home(env) / "instructions.txt").read_text(),
        description.read_text() if description.is_file() else None,
    ))
    shutil.copyfile(task_file, logs_dir / "aide_task.md")
    argv = [
        f"data_dir={data_dir}", f"desc_file={task_file}", f"log_dir={logs_dir / 'aide'}",
        f"workspace_dir={work / 'workspaces'}", f"exp_name={env['COMPETITION_ID']}",
        "copy_data=False", "generate_report=False", f"exec.timeout={exec_timeout}",
        f"agent.steps={env['AIDE_STEPS']}", f"agent.code.model={env['AIDE_CODE_MODEL']}",
        f"agent.feedback.model={env['AIDE_FEEDBACK_MODEL']}",
    ]
    say(f"running AIDE for at most {budget:.0f}s: " + " ".join(argv))
    # The harness ends the agent with SIGTERM: unwind through the `finally` that ends AIDE's group.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    child = subprocess.Popen([sys.executable, __file__, "--aide", *argv], process_group=0,
                             stdin=subprocess.DEVNULL)
    try:
        code = child.wait(timeout=max(1.0, budget - (time.monotonic() - started)))
    except subprocess.TimeoutExpired:
        say(f"time budget of {budget:.0f}s used: stopping AIDE; the best submission so far stays")
        _signal_group(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            pass
        code = 0
    finally:
        # Scripts AIDE ran may leave workers behind in the group (joblib, multiprocessing).
        _signal_group(child.pid, signal.SIGKILL)
        child.wait()
    if not (Path(env["SUBMISSION_DIR"]) / "submission.csv").is_file():
        say("AIDE finished without a submission")
    return code


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


if __name__ == "__main__":
    if sys.argv[1:2] == ["--aide"]:
        sys.exit(run_aide(sys.argv[2:], os.environ))
    sys.exit(main(os.environ))
