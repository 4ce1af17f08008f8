"""The LLM gateway: the agent's only door to its LLM provider, metered, capped and logged.

One gateway per pytest process (each xdist worker has its own), an aiohttp server on a
thread of its own, with one aiohttp client to the providers. Each run is opened on it
with a token of its own (random, worthless outside the run), its own meter, budget and
audit log. The agent's environment names the gateway as ``OPENAI_BASE_URL`` /
``ANTHROPIC_BASE_URL`` and the token as ``OPENAI_API_KEY`` / ``ANTHROPIC_API_KEY``; the
gateway swaps the token for the real key, read from the host's environment at request
time, so the real key never enters the agent's world. The local runner reaches the
gateway over loopback TCP; the docker runner through a Unix socket per run, relayed
inside the container as validation is (relay/forward.py).

What the gateway answers itself, in the provider's own error shape: an unknown token
(401), a provider the agent did not declare or a model outside the allow-list (403), a
route that is not the provider's API (404), a malformed request (400, with the reason),
a spent budget (429), the provider unreachable (502) or too slow for the run's time
limit (504).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import aiohttp
from aiohttp import web

from ...catalog.registry import LLM_PROVIDERS
from .metering import Budget, Meter, Price, StreamUsage, Usage, model_allowed, price_of, response_usage

T = TypeVar("T")

#: Written in place of the per-run token and the real keys wherever a log would hold them.
REDACTED = "[redacted]"
#: Bodies up to this size are accepted from agents (a long prompt with images stays under it).
MAX_REQUEST_BYTES = 64 * 1024**2


@dataclass(frozen=True)
class Provider:
    """A provider's API as the gateway serves it."""

    name: str
    key_variable: str
    base_variable: str
    public_url: str
    #: What the agent's base URL adds after the provider's name (the OpenAI SDK's base includes /v1).
    agent_suffix: str
    #: The API's paths below the host's base URL (``OPENAI_BASE_URL`` ends in /v1, Anthropic's does not).
    routes: re.Pattern[str]
    #: POST routes that need a ``model``.
    needs_model: re.Pattern[str]

    def api_path(self, tail: str) -> str | None:
        """The path below the upstream base URL for a request to ``/<provider>/<tail>``."""
        prefix = self.agent_suffix.strip("/")
        if not prefix:
            return tail
        return tail.removeprefix(prefix + "/") if tail.startswith(prefix + "/") else None

    def error(self, status: int, message: str) -> dict[str, Any]:
        """The provider's own error body, so agents handle the gateway's answers as the provider's."""
        if self.name == "anthropic":
            kinds = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                     404: "not_found_error", 429: "rate_limit_error", 504: "timeout_error"}
            return {"type": "error", "error": {"type": kinds.get(status, "api_error"), "message": message}}
        kinds = {400: "invalid_request_error", 401: "invalid_request_error", 403: "permission_error",
                 404: "invalid_request_error", 429: "insufficient_quota"}
        codes = {401: "invalid_api_key", 429: "insufficient_quota", 404: "unknown_url"}
        return {"error": {"message": message, "type": kinds.get(status, "server_error"), "param": None,
                          "code": codes.get(status)}}

    def auth_headers(self, key: str) -> dict[str, str]:
        return {"x-api-key": key} if self.name == "anthropic" else {"Authorization": f"Bearer {key}"}

    def token_of(self, request: web.Request) -> str | None:
        """The token the agent's client sent, as its SDK sends it (Anthropic's also accepts Bearer)."""
        if self.name == "anthropic" and request.headers.get("x-api-key"):
            return request.headers["x-api-key"]
        auth = request.headers.get("Authorization", "")
        return auth[7:].strip() if auth.lower().startswith("bearer ") else None


PROVIDERS = {
    "openai": Provider("openai", *LLM_PROVIDERS["openai"], "https://api.openai.com/v1", "/v1",
                       re.compile(r"(chat/completions|completions|responses|embeddings|models(/[^/]+)?)"),
                       re.compile(r"(chat/completions|completions|responses|embeddings)")),
    "anthropic": Provider("anthropic", *LLM_PROVIDERS["anthropic"], "https://api.anthropic.com",
                          "", re.compile(r"v1/(messages|messages/count_tokens|models(/[^/]+)?)"),
                          re.compile(r"v1/messages(/count_tokens)?")),
}

#: Request headers never passed upstream: the agent's token, and what the client connection owns.
_DROPPED_REQUEST = {"host", "authorization", "x-api-key", "content-length", "connection", "keep-alive",
                    "transfer-encoding", "te", "upgrade", "accept-encoding", "proxy-authorization",
                    "proxy-connection", "cookie"}
#: Response headers passed back: the body's type and the provider's request ids and rate limits.
_KEPT_RESPONSE = re.compile(r"content-type|retry-after|x-request-id|request-id|openai-.*|anthropic-.*|"
                            r"x-ratelimit-.*", re.IGNORECASE)


class GatewayError(RuntimeError):
    """The gateway could not start."""


@dataclass
class GatewayRun:
    """One run's door: its token, meter, budget, allow-list, deadline and audit log."""

    gateway: Gateway
    run_id: str
    providers: tuple[str, ...]
    models: tuple[str, ...]
    time_limit_s: float
    audit_path: Path
    meter: Meter
    token: str = field(default_factory=lambda: "mlebench-run-" + secrets.token_urlsafe(24))
    #: When requests stop going upstream: the time limit from when the agent's environment
    #: was made (its start; not from when the run was opened, which may precede an image build).
    deadline: float = float("inf")
    _audit: IO[str] | None = None
    _sites: list[web.UnixSite] = field(default_factory=list)

    @property
    def loopback_url(self) -> str:
        """The gateway's own address, for a runner whose agent shares the host's loopback."""
        return self.gateway.url

    def env(self, base_url: str) -> dict[str, str]:
        """The agent's variables: each declared provider's base URL at ``base_url`` and the token.

        Asked by the runner as the agent is about to start: the run's time limit counts from here.
        """
        self.deadline = time.monotonic() + self.time_limit_s
        env = {}
        for name in self.providers:
            provider = PROVIDERS[name]
            env[provider.base_variable] = f"{base_url}/{name}{provider.agent_suffix}"
            env[provider.key_variable] = self.token
        return env

    def serve_unix(self, path: Path) -> None:
        """Serve this run on a Unix socket too (the docker runner mounts its folder into the container)."""
        self.gateway.call(self._serve_unix(path))

    async def _serve_unix(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        assert self.gateway.app_runner is not None
        site = web.UnixSite(self.gateway.app_runner, str(path))
        await site.start()
        os.chmod(path, 0o666)  # the agent runs under another uid
        self._sites.append(site)

    def audit(self, entry: dict[str, Any]) -> None:
        """One exchange as a line of llm.jsonl, with the token and the real keys redacted."""
        if self._audit is None:
            self.audit_path.parent.mkdir(parents=True, exist_ok=True)
            self._audit = open(self.audit_path, "a", encoding="utf-8")
        line = json.dumps({"run": self.run_id, **entry}, ensure_ascii=False)
        for secret in (self.token, *self.gateway.real_keys()):
            line = line.replace(secret, REDACTED)
        self._audit.write(line + "\n")
        self._audit.flush()

    def close(self) -> Meter:
        """Take the run off the gateway: its token stops working, its sockets close; its meter."""
        self.gateway.call(self._close())
        return self.meter

    async def _close(self) -> None:
        self.gateway.runs.pop(self.token, None)
        for site in self._sites:
            await site.stop()
        if self._audit is not None:
            self._audit.close()
            self._audit = None


class Gateway:
    """The process's gateway; ``open_run`` for each run of an agent with providers, ``close`` at the end."""

    def __init__(self, prices: Mapping[str, Price], *, environ: Mapping[str, str] | None = None,
                 request_timeout_s: float = 600.0) -> None:
        self.prices = prices
        self.environ = os.environ if environ is None else environ
        self.request_timeout_s = request_timeout_s
        self.runs: dict[str, GatewayRun] = {}
        self.url = ""
        self.app_runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="mlebench-llm-gateway",
                                        daemon=True)

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> Gateway:
        self._thread.start()
        try:
            self.call(self._start())
        except OSError as exc:
            self.close()
            raise GatewayError(f"the LLM gateway could not listen on loopback: {exc}") from exc
        return self

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the gateway's loop, from any other thread."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _start(self) -> None:
        self._client = aiohttp.ClientSession(trust_env=True, timeout=aiohttp.ClientTimeout(total=None))
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.router.add_route("*", "/{provider}/{tail:.*}", self._handle)
        self.app_runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self.app_runner.setup()
        site = web.TCPSite(self.app_runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.app_runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    def close(self) -> None:
        if self._thread.is_alive():
            self.call(self._stop())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop.close()

    async def _stop(self) -> None:
        for run in list(self.runs.values()):
            await run._close()
        if self.app_runner is not None:
            await self.app_runner.cleanup()
        if self._client is not None:
            await self._client.close()

    def __enter__(self) -> Gateway:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- runs --------------------------------------------------------------
    def open_run(self, run_id: str, audit_path: Path, time_limit_s: float, providers: tuple[str, ...],
                 budget: Budget | None = None, models: tuple[str, ...] = ()) -> GatewayRun:
        """A run's door, valid until its ``close()``; requests never outlast ``time_limit_s`` from the
        agent's start (``GatewayRun.env``)."""
        unknown = set(providers) - set(PROVIDERS)
        if unknown:
            raise ValueError(f"unknown LLM providers {sorted(unknown)}; known: {', '.join(PROVIDERS)}")
        run = GatewayRun(self, run_id, tuple(providers), tuple(models), time_limit_s, audit_path,
                         Meter(budget or Budget()))
        self.runs[run.token] = run
        return run

    def real_keys(self) -> list[str]:
        """The host's keys, to redact (a value too short to be a key would only mangle the log)."""
        return [key for p in PROVIDERS.values() if len(key := self.environ.get(p.key_variable) or "") >= 8]

    def upstream(self, provider: Provider) -> str:
        """The host's base URL for the provider when set, else the provider's public one."""
        return (self.environ.get(provider.base_variable) or provider.public_url).rstrip("/")

    # -- one request ---------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        provider = PROVIDERS.get(request.match_info["provider"])
        if provider is None:
            known = " or ".join(f"/{name}/" for name in PROVIDERS)
            return web.json_response({"error": {"message": f"no provider at {request.path}: use {known}",
                                                "type": "invalid_request_error"}}, status=404)
        run = self.runs.get(provider.token_of(request) or "")
        if run is None:
            refusal = provider.error(401, "invalid API key: use the per-run key the benchmark set in the "
                                          "agent's environment")
            return web.json_response(refusal, status=401)
        exchange = _Exchange(self, run, provider, request)
        try:
            return await exchange.answer()
        finally:
            exchange.log()


class _Exchange:
    """One request of a run, from the agent's bytes to its audit line."""

    def __init__(self, gateway: Gateway, run: GatewayRun, provider: Provider, request: web.Request) -> None:
        self.gateway, self.run, self.provider, self.request = gateway, run, provider, request
        self.tail = request.match_info["tail"]
        #: Below the upstream's base URL; None when the tail is not under the agent's base URL.
        self.path: str | None = None
        self.started = time.monotonic()
        #: The usage a streamed answer has carried so far (metered even if the stream breaks off).
        self.stream_usage: StreamUsage | None = None
        self.entry: dict[str, Any] = {"time": time.time(), "provider": provider.name,
                                      "method": request.method, "path": "/" + self.tail}

    def refuse(self, status: int, message: str) -> web.Response:
        body = self.provider.error(status, message)
        self.entry |= {"status": status, "refused": message, "response": body}
        return web.json_response(body, status=status)

    async def answer(self) -> web.StreamResponse:
        provider, run, meter = self.provider, self.run, self.run.meter
        if provider.name not in run.providers:
            return self.refuse(403, f"this agent may use {', '.join(run.providers)}, not {provider.name} "
                                    "(agent.yaml llm_providers)")
        self.path = provider.api_path(self.tail)
        if self.path is None or not provider.routes.fullmatch(self.path):
            return self.refuse(404, f"{self.request.method} /{self.tail} is not a route of the "
                                    f"{provider.name} API the benchmark serves")
        raw = await self.request.read()
        payload, problem = self.parse(raw)
        if problem:
            return self.refuse(400, problem)
        model = payload.get("model") if isinstance(payload, dict) else None
        self.entry["model"] = model
        if model is not None and not model_allowed(model, run.models):
            return self.refuse(403, f"the model {model!r} is not allowed in this benchmark run "
                                    f"(allowed: {', '.join(run.models)})")
        spent = meter.exhausted()
        if spent:
            meter.refuse()
            return self.refuse(429, spent)
        price = price_of(self.gateway.prices, model) if model else None
        if model is not None and price is None and meter.budget.usd is not None:
            return self.refuse(400, f"the model {model!r} has no price in the benchmark's price table, so "
                                    "its dollar budget cannot be kept (add it with --mlebench-llm-prices)")
        if isinstance(payload, dict) and payload.get("stream") and self.path == "chat/completions":
            # Usage arrives in a streamed chat completion only when asked for.
            payload["stream_options"] = {**(payload.get("stream_options") or {}), "include_usage": True}
            raw = json.dumps(payload).encode()
        self.entry["request"] = payload if payload is not None else None
        remaining = run.deadline - time.monotonic()
        if remaining <= 0:
            return self.refuse(504, "this run's time limit is reached: no more requests go to the provider")
        return await self.forward(raw, model, price, min(remaining, self.gateway.request_timeout_s))

    def parse(self, raw: bytes) -> tuple[Any, str | None]:
        """The JSON body of a POST, or why it is refused."""
        if self.request.method == "GET":
            return None, None
        if self.request.method != "POST":
            return None, f"{self.request.method} is not a method of the {self.provider.name} API"
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            return None, f"the request body is not JSON ({exc})"
        if not isinstance(payload, dict):
            return None, "the request body is not a JSON object"
        if self.provider.needs_model.fullmatch(self.path or ""):
            if not isinstance(payload.get("model"), str) or not payload["model"]:
                return payload, "the request names no model (a string field 'model' is required)"
        return payload, None

    def headers(self) -> dict[str, str]:
        kept = {k: v for k, v in self.request.headers.items() if k.lower() not in _DROPPED_REQUEST}
        key = self.gateway.environ.get(self.provider.key_variable)
        return kept | (self.provider.auth_headers(key) if key else {})

    async def forward(self, raw: bytes, model: str | None, price: Price | None,
                      timeout_s: float) -> web.StreamResponse:
        url = f"{self.gateway.upstream(self.provider)}/{self.path}"
        if self.request.query_string:
            url += "?" + self.request.query_string
        assert self.gateway._client is not None
        response: web.StreamResponse | None = None
        usage: Usage | None = None
        try:
            async with self.gateway._client.request(
                    self.request.method, url, data=raw if self.request.method == "POST" else None,
                    headers=self.headers(), timeout=aiohttp.ClientTimeout(total=timeout_s)) as upstream:
                self.entry["status"] = upstream.status
                headers = {k: v for k, v in upstream.headers.items() if _KEPT_RESPONSE.fullmatch(k)}
                if upstream.content_type == "text/event-stream":
                    response = web.StreamResponse(status=upstream.status, headers=headers)
                    await response.prepare(self.request)
                    await self.relay_stream(upstream, response)
                    await response.write_eof()
                    usage = self.stream_usage.usage if self.stream_usage else None
                else:
                    data = await upstream.read()
                    try:
                        body: Any = json.loads(data)
                    except ValueError:
                        body = data.decode("utf-8", "replace")
                    self.entry["response"] = body
                    usage = response_usage(self.provider.name, body) if upstream.status < 400 else None
                    response = web.Response(status=upstream.status, body=data, headers=headers)
        except (TimeoutError, aiohttp.ClientError) as exc:
            if response is not None:  # a stream broke off (time limit, the agent hung up): what it used
                self.entry["broken_off"] = f"{type(exc).__name__}: {exc}"
                self.meter(model, self.stream_usage.usage if self.stream_usage else None, price)
                return response
            if isinstance(exc, TimeoutError):
                limit = " (the run's time limit)" if timeout_s < self.gateway.request_timeout_s else ""
                return self.refuse(504, f"the {self.provider.name} API did not answer within "
                                        f"{timeout_s:.0f}s{limit}")
            return self.refuse(502, f"the {self.provider.name} API could not be reached: "
                                    f"{type(exc).__name__}: {exc}")
        self.meter(model, usage, price)
        return response

    def meter(self, model: str | None, usage: Usage | None, price: Price | None) -> None:
        cost = self.run.meter.add(model or "", usage, price)
        self.entry |= {"usage": dataclasses.asdict(usage) if usage else None, "cost_usd": cost}

    async def relay_stream(self, upstream: aiohttp.ClientResponse, response: web.StreamResponse) -> None:
        """Pass the events on as they come, gathering the usage they carry."""
        usage = self.stream_usage = StreamUsage(self.provider.name)
        events = bytearray()
        try:
            async for chunk in upstream.content.iter_any():
                usage.feed(chunk)
                events += chunk
                await response.write(chunk)
        finally:
            self.entry["stream"] = True
            self.entry["response"] = events.decode("utf-8", "replace")

    def log(self) -> None:
        self.entry["duration_s"] = round(time.monotonic() - self.started, 3)
        self.run.audit(self.entry)
