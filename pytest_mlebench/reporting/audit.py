"""``pytest-mlebench audit RUN_DIR``: what the agents said to the outside world, from llm.jsonl.

Every run of an agent with LLM providers leaves ``llm.jsonl`` (the gateway's audit log)
in its run directory. This reads them all under a run, a run group or the runs folder,
and reports the models used, the tokens, and each request that contains a Kaggle URL or
a value of the competition's private answers: a sign that held-out signals reached, or
left, the agent. An answer value counts only when it could not appear by chance: at least
``MIN_VALUE_CHARS`` characters, and in one answer row only (a class label is no secret).
The answers are found through the run's run.json (written by the harness, outside the
agent's world).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..runners.base import LLM_LOG

#: run.json's key naming the private answers and their columns (harness.py writes it).
AUDIT_KEY = "audit"
MIN_VALUE_CHARS = 6
KAGGLE_URL = re.compile(r"(?:https?://)?(?:www\.)?kaggle\.com[/\w.\-?=&%#]*", re.IGNORECASE)
_TOKEN = re.compile(r"[\w.+\-]+")
#: Answers files are read up to this many rows: enough to catch a leak, bounded in memory.
MAX_ANSWER_ROWS = 2_000_000


@dataclass
class Secrets:
    """The telling values of one competition's private answers."""

    #: Values without whitespace, matched against a request's tokens.
    tokens: set[str] = field(default_factory=set)
    #: Values with whitespace (free text), matched as substrings.
    phrases: list[str] = field(default_factory=list)

    @classmethod
    def from_answers(cls, path: Path, columns: list[str]) -> Secrets:
        counts: Counter[str] = Counter()
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            for n, row in enumerate(csv.DictReader(fh)):
                if n >= MAX_ANSWER_ROWS:
                    break
                counts.update({str(row.get(c) or "").strip() for c in columns} - {""})
        telling = [value for value, seen in counts.items() if seen == 1 and len(value) >= MIN_VALUE_CHARS]
        return cls({v for v in telling if not any(ch.isspace() for ch in v)},
                   [v for v in telling if any(ch.isspace() for ch in v)])

    def found_in(self, text: str) -> list[str]:
        hits = [t for t in dict.fromkeys(_TOKEN.findall(text)) if t in self.tokens]
        return hits + [p for p in self.phrases if p in text]


def find_logs(root: Path) -> list[Path]:
    """Every llm.jsonl at or under ``root`` (a run, a run group, a runs folder), in path order."""
    if root.is_file():
        return [root]
    return sorted(root.rglob(LLM_LOG))


def read_log(path: Path) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip():
            try:
                yield json.loads(line)
            except ValueError:
                yield {"unreadable": line[:200]}


def secrets_of(run_dir: Path) -> Secrets | None:
    """The private answers' telling values, as run.json names them; None when it names none."""
    from ..harness import RUN_FILE

    try:
        named = json.loads((run_dir / RUN_FILE).read_text()).get(AUDIT_KEY) or {}
        return Secrets.from_answers(Path(named["answers_path"]), list(named["answer_columns"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _text(value: Any) -> str:
    """Every string in a request body, one per line (so a value is not matched across fields)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "\n".join(_text(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    return "" if value is None else str(value)


def summarise(root: Path) -> dict[str, Any]:
    """Models, tokens and flagged requests of every log under ``root``."""
    models: dict[str, dict[str, int]] = {}
    flagged: list[dict[str, Any]] = []
    runs = []
    for log in find_logs(root):
        secrets = secrets_of(log.parent)
        runs.append({"log": str(log), "answers_checked": secrets is not None})
        for n, entry in enumerate(read_log(log), start=1):
            model = str(entry.get("model") or "-")
            counts = models.setdefault(model, {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0,
                                               "refused": 0})
            counts["requests"] += 1
            counts["refused"] += bool(entry.get("refused"))
            usage = entry.get("usage") or {}
            counts["prompt_tokens"] += int(usage.get("prompt") or 0)
            counts["completion_tokens"] += int(usage.get("completion") or 0)
            text = _text(entry.get("request"))
            reasons = [f"Kaggle URL {url}" for url in dict.fromkeys(KAGGLE_URL.findall(text))]
            if secrets is not None:
                reasons += [f"private answer value {value!r}" for value in secrets.found_in(text)[:5]]
            if reasons:
                flagged.append({"log": str(log), "line": n, "run": entry.get("run"), "model": model,
                                "reasons": reasons})
    return {"runs": runs, "models": models, "flagged": flagged,
            "requests": sum(m["requests"] for m in models.values()),
            "prompt_tokens": sum(m["prompt_tokens"] for m in models.values()),
            "completion_tokens": sum(m["completion_tokens"] for m in models.values())}


def render(summary: Mapping[str, Any]) -> str:
    runs = summary["runs"]
    unchecked = sum(not r["answers_checked"] for r in runs)
    lines = [f"{len(runs)} audit logs, {summary['requests']} requests, {summary['prompt_tokens']} prompt + "
             f"{summary['completion_tokens']} completion tokens"
             + (f"; {unchecked} without private answers to check against" if unchecked else "")]
    for model, counts in sorted(summary["models"].items()):
        refused = f", {counts['refused']} refused by the gateway" if counts["refused"] else ""
        lines.append(f"  {model}: {counts['requests']} requests, {counts['prompt_tokens']} prompt + "
                     f"{counts['completion_tokens']} completion tokens{refused}")
    if not summary["flagged"]:
        lines.append("no request contains a Kaggle URL or a private answer value")
    for flag in summary["flagged"]:
        lines.append(f"FLAGGED {flag['log']}:{flag['line']} ({flag['run']}, {flag['model']}): "
                     + "; ".join(flag["reasons"]))
    return "\n".join(lines)
