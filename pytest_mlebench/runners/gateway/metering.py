"""What a run's LLM traffic cost: tokens from the providers' own usage fields, priced from a table.

Tokens are never estimated: a response without usage counts as a request and no tokens.
Prices come from prices.csv, shipped with the plugin (USD per million tokens), which a
user's file of the same columns extends or overrides. A model missing from the table has
an unknown cost, and the run says so (``unpriced``) instead of reporting 0.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

#: A dated snapshot suffix (gpt-4o-2024-08-06, claude-sonnet-4-5-20250929): priced as its model.
_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8})$")
_PRICE_COLUMNS = ("model", "prompt", "cached", "completion")


class PriceTableError(ValueError):
    """A price file that cannot be read as the table's columns."""


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    prompt: float
    cached: float
    completion: float


def read_prices(text: str, where: str) -> dict[str, Price]:
    """model -> Price from CSV text with the columns model,prompt,cached,completion (``#`` comments)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    if tuple(reader.fieldnames or ()) != _PRICE_COLUMNS:
        raise PriceTableError(f"{where}: expected the columns {','.join(_PRICE_COLUMNS)}, "
                              f"found {','.join(reader.fieldnames or ())}")
    prices = {}
    for row in reader:
        try:
            prices[row["model"].strip()] = Price(float(row["prompt"]), float(row["cached"]),
                                                 float(row["completion"]))
        except (TypeError, ValueError):
            raise PriceTableError(f"{where}, line {reader.line_num}: {row} has a price that is not a "
                                  "number") from None
    return prices


def price_table(override: Path | None = None) -> dict[str, Price]:
    """The shipped table, with the rows of ``override`` (a user's file) replacing or adding models."""
    shipped = resources.files(__package__).joinpath("prices.csv").read_text()
    prices = read_prices(shipped, "prices.csv")
    if override is not None:
        try:
            prices |= read_prices(override.read_text(), str(override))
        except OSError as exc:
            raise PriceTableError(f"cannot read the price file {override}: {exc.strerror}") from None
    return prices


def price_of(prices: Mapping[str, Price], model: str) -> Price | None:
    """The model's price, or its snapshot's model's; None when the table has neither."""
    return prices.get(model) or prices.get(_SNAPSHOT.sub("", model))


@dataclass(frozen=True)
class Usage:
    """One response's tokens; ``prompt`` includes ``cached``."""

    prompt: int = 0
    completion: int = 0
    cached: int = 0

    def cost(self, price: Price) -> float:
        uncached = max(0, self.prompt - self.cached)
        spent = uncached * price.prompt + self.cached * price.cached + self.completion * price.completion
        return spent / 1e6

    @property
    def total(self) -> int:
        return self.prompt + self.completion


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def openai_usage(usage: Any) -> Usage | None:
    """Chat completions and embeddings (prompt_tokens...) or responses (input_tokens...)."""
    if not isinstance(usage, dict):
        return None
    if "input_tokens" in usage:  # the responses API
        details = usage.get("input_tokens_details") or {}
        return Usage(_int(usage.get("input_tokens")), _int(usage.get("output_tokens")),
                     _int(details.get("cached_tokens")))
    details = usage.get("prompt_tokens_details") or {}
    return Usage(_int(usage.get("prompt_tokens")), _int(usage.get("completion_tokens")),
                 _int(details.get("cached_tokens")))


def anthropic_usage(usage: Any) -> Usage | None:
    """Anthropic's input_tokens exclude the cache: reads and writes are added to the prompt."""
    if not isinstance(usage, dict):
        return None
    read, written = _int(usage.get("cache_read_input_tokens")), _int(usage.get("cache_creation_input_tokens"))
    return Usage(_int(usage.get("input_tokens")) + read + written, _int(usage.get("output_tokens")), read)


def response_usage(provider: str, body: Any) -> Usage | None:
    """The usage of a whole (not streamed) JSON response."""
    if not isinstance(body, dict):
        return None
    return anthropic_usage(body.get("usage")) if provider == "anthropic" else openai_usage(body.get("usage"))


class StreamUsage:
    """Usage gathered from a response's server-sent events, as they pass through.

    OpenAI's chat completions put it on the final chunk (with ``stream_options.include_usage``),
    its responses API on the ``response.completed`` event; Anthropic's message_start carries
    the input tokens and each message_delta the output tokens so far (cumulative).
    """

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self._buffer = b""
        self._fields: dict[str, Any] = {}

    def feed(self, chunk: bytes) -> None:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.startswith(b"data:"):
                self._event(line[5:].strip())

    def _event(self, data: bytes) -> None:
        try:
            event = json.loads(data)
        except ValueError:  # [DONE] and keep-alives
            return
        if not isinstance(event, dict):
            return
        if self.provider == "anthropic":
            usage = (event.get("message") or {}).get("usage") if event.get("type") == "message_start" \
                else event.get("usage")
            if isinstance(usage, dict):
                self._fields |= {k: v for k, v in usage.items() if v is not None}
        elif isinstance(event.get("usage"), dict):
            self._fields = event["usage"]
        elif isinstance((event.get("response") or {}).get("usage"), dict):
            self._fields = event["response"]["usage"]

    @property
    def usage(self) -> Usage | None:
        if not self._fields:
            return None
        return anthropic_usage(self._fields) if self.provider == "anthropic" else openai_usage(self._fields)


@dataclass(frozen=True)
class Budget:
    """Per run; None: not limited."""

    usd: float | None = None
    tokens: int | None = None


@dataclass
class Meter:
    """One run's counts; the gateway adds to it, the harness reads it once the run is over."""

    budget: Budget = field(default_factory=Budget)
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    #: Models answered whose price the table lacks: the run's cost is then unknown.
    unpriced: set[str] = field(default_factory=set)
    #: Requests refused because the budget was spent.
    refused_for_budget: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, model: str, usage: Usage | None, price: Price | None) -> float | None:
        """Count one request the provider answered (``usage`` None: an error, or no usage
        reported); its cost (None when the model has no price)."""
        with self._lock:
            self.requests += 1
            if usage is None:
                return 0.0
            self.prompt_tokens += usage.prompt
            self.completion_tokens += usage.completion
            self.cached_tokens += usage.cached
            if price is None:
                self.unpriced.add(model)
                return None
            cost = usage.cost(price)
            self.cost_usd += cost
            return cost

    def refuse(self) -> None:
        """Count a request refused because the budget was spent."""
        with self._lock:
            self.refused_for_budget += 1

    def exhausted(self) -> str | None:
        """Why the budget is spent, or None while some is left."""
        budget = self.budget
        if budget.tokens is not None and self.prompt_tokens + self.completion_tokens >= budget.tokens:
            return (f"this run's LLM budget of {budget.tokens} tokens is exhausted "
                    f"({self.prompt_tokens + self.completion_tokens} used)")
        if budget.usd is not None and self.cost_usd >= budget.usd:
            return f"this run's LLM budget of ${budget.usd:g} is exhausted (${self.cost_usd:.4f} used)"
        return None

    def record_fields(self) -> dict[str, Any]:
        """The record's llm_* fields."""
        return {
            "llm_requests": self.requests, "llm_prompt_tokens": self.prompt_tokens,
            "llm_completion_tokens": self.completion_tokens, "llm_cached_tokens": self.cached_tokens,
            "llm_cost_usd": None if self.unpriced else round(self.cost_usd, 10),
            "llm_unpriced_models": ",".join(sorted(self.unpriced)) or None,
            "llm_budget_exhausted": self.refused_for_budget > 0 or self.exhausted() is not None,
        }


def model_allowed(model: str, patterns: Iterable[str]) -> bool:
    """``--mlebench-llm-models gpt-4o,claude-*``: shell-style globs; no patterns allow every model."""
    patterns = list(patterns)
    return not patterns or any(fnmatch.fnmatchcase(model, p) for p in patterns)
