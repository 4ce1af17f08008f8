"""A scripted LLM provider on loopback: OpenAI's and Anthropic's protocols, usage and streaming.

The LLM provider is a paid service outside this machine, so it is the one part the
tests stand in for: a real HTTP server speaking the providers' protocols, answering
from a script written by the test and recording every request it gets. Agents
reach it through OPENAI_BASE_URL (or the gateway, which reaches it through the
host's OPENAI_BASE_URL / ANTHROPIC_BASE_URL), exactly as they would a self-hosted model.

Served: OpenAI's ``POST /v1/chat/completions`` (plain answers and forced function
calls; streamed as server-sent events, with the usage chunk when
``stream_options.include_usage``), ``POST /v1/responses`` (not streamed: what AIDE uses for
gpt-* and o* models), ``POST /v1/embeddings`` and ``GET /v1/models``;
Anthropic's ``POST /v1/messages`` (plain and streamed: message_start and message_delta
carry the usage). Every answer reports usage (one token per word), and ``usage``
sums what was reported. Anything the script did not foresee is answered with a 400
whose message says why, which the clients raise instead of retrying: a wrong script
fails the test at once. ``delay_s`` makes it a slow provider.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ToolCall:
    """A scripted answer that calls the function the request offered, with these arguments."""

    name: str
    arguments: dict[str, Any]


Reply = str | ToolCall


class ScriptedLLM:
    """Answers requests from ``script`` in order; a context manager that serves on 127.0.0.1."""

    def __init__(self, script: Iterable[Reply], api_key: str | None = None, model: str = "scripted",
                 delay_s: float = 0.0) -> None:
        self._script: deque[Reply] = deque(script)
        self.api_key = api_key
        self.model = model
        #: Seconds each answer waits before it is sent (a slow provider).
        self.delay_s = delay_s
        #: Every chat completion or message request body, in arrival order (answered or refused).
        self.requests: list[dict[str, Any]] = []
        #: The headers of every request, in arrival order (what reached the provider).
        self.headers: list[dict[str, str]] = []
        #: Why requests were refused: a script or protocol mismatch the test should show.
        self.errors: list[str] = []
        #: Tokens reported in the usage fields of every answer, summed.
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="scripted-llm", daemon=True)

    @property
    def base_url(self) -> str:
        """What OPENAI_BASE_URL is set to (the OpenAI client appends /chat/completions)."""
        return f"{self.root_url}/v1"

    @property
    def root_url(self) -> str:
        """What ANTHROPIC_BASE_URL is set to (the Anthropic client appends /v1/messages)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def remaining(self) -> int:
        return len(self._script)

    def __enter__(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def next_reply(self, body: dict[str, Any], problem: str | None) -> Reply | str:
        """The next scripted reply for a request, or (as a refusal) why there is none."""
        with self._lock:
            self.requests.append(body)
            if problem is None:
                if self._script:
                    problem = _reply_problem(self._script[0], body)
                else:
                    problem = f"the script is exhausted (request {len(self.requests)})"
            if problem is not None:
                self.errors.append(problem)
                return _Refusal(problem)
            return self._script.popleft()

    def count(self, prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            self.usage["prompt_tokens"] += prompt_tokens
            self.usage["completion_tokens"] += completion_tokens

    def complete(self, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]] | list[dict[str, Any]]:
        """A chat completion: the answer, or the chunks of a streamed one; or an error."""
        reply = self.next_reply(body, _request_problem(body))
        if isinstance(reply, _Refusal):
            return HTTPStatus.BAD_REQUEST, _error(reply.problem)
        if isinstance(reply, ToolCall):
            message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [{
                "id": f"call_{uuid.uuid4().hex[:12]}",
                "type": "function",
                "function": {"name": reply.name, "arguments": json.dumps(reply.arguments)},
            }]}
            finish, answer_text = "tool_calls", json.dumps(reply.arguments)
        else:
            message, finish, answer_text = {"role": "assistant", "content": reply}, "stop", reply
        prompt_tokens = sum(_word_count(m.get("content")) for m in body["messages"])
        completion_tokens = _word_count(answer_text)
        self.count(prompt_tokens, completion_tokens)
        usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                 "total_tokens": prompt_tokens + completion_tokens,
                 "prompt_tokens_details": {"cached_tokens": 0}}
        common = {"id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()),
                  "model": body.get("model") or self.model}
        if not body.get("stream"):
            return HTTPStatus.OK, {**common, "object": "chat.completion", "usage": usage, "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}]}
        chunk = {**common, "object": "chat.completion.chunk"}
        words = answer_text.split(" ")
        chunks = [{**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                         "finish_reason": None}]}]
        chunks += [{**chunk, "choices": [{"index": 0, "delta": {"content": w if i == 0 else " " + w},
                                          "finish_reason": None}]} for i, w in enumerate(words)]
        chunks.append({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        if (body.get("stream_options") or {}).get("include_usage"):
            chunks.append({**chunk, "choices": [], "usage": usage})
        return chunks

    def message(self, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]] | list[dict[str, Any]]:
        """An Anthropic message: the answer, or the events of a streamed one; or an error."""
        problem = None if isinstance(body.get("messages"), list) and body["messages"] else "no messages"
        if problem is None and not isinstance(body.get("max_tokens"), int):
            problem = "max_tokens is required"
        reply = self.next_reply(body, problem)
        if isinstance(reply, _Refusal):
            return HTTPStatus.BAD_REQUEST, _anthropic_error(reply.problem)
        if not isinstance(reply, str):
            return HTTPStatus.BAD_REQUEST, _anthropic_error("the scripted server answers messages in text")
        input_tokens = _word_count(body.get("system")) + sum(_word_count(m.get("content"))
                                                             for m in body["messages"])
        output_tokens = _word_count(reply)
        self.count(input_tokens, output_tokens)
        message = {"id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant",
                   "model": body["model"], "stop_reason": "end_turn", "stop_sequence": None,
                   "content": [{"type": "text", "text": reply}],
                   "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                             "cache_read_input_tokens": 0, "cache_creation_input_tokens": 0}}
        if not body.get("stream"):
            return HTTPStatus.OK, message
        start = {**message, "content": [], "stop_reason": None,
                 "usage": {"input_tokens": input_tokens, "output_tokens": 1}}
        return [
            {"type": "message_start", "message": start},
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            *({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": w + " "}}
              for w in reply.split()),
            {"type": "content_block_stop", "index": 0},
            {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
             "usage": {"output_tokens": output_tokens}},
            {"type": "message_stop"},
        ]

    def respond(self, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]]:
        """OpenAI's responses API (what AIDE uses for gpt-* and o* models), not streamed."""
        given = isinstance(body.get("input"), list | str) and body["input"]
        problem = None if given else "the request has no input"
        reply = self.next_reply(body, problem)
        if isinstance(reply, _Refusal):
            return HTTPStatus.BAD_REQUEST, _error(reply.problem)
        if isinstance(reply, ToolCall):
            output: dict[str, Any] = {"type": "function_call", "id": f"fc_{uuid.uuid4().hex[:12]}",
                                      "call_id": f"call_{uuid.uuid4().hex[:12]}", "name": reply.name,
                                      "arguments": json.dumps(reply.arguments), "status": "completed"}
            answer_text = output["arguments"]
        else:
            output = {"type": "message", "id": f"msg_{uuid.uuid4().hex[:12]}", "role": "assistant",
                      "status": "completed",
                      "content": [{"type": "output_text", "text": reply, "annotations": []}]}
            answer_text = reply
        items = [body["input"]] if isinstance(body["input"], str) else body["input"]
        input_tokens = sum(_word_count(i if isinstance(i, str) else i.get("content")) for i in items)
        output_tokens = _word_count(answer_text)
        self.count(input_tokens, output_tokens)
        return HTTPStatus.OK, {
            "id": f"resp_{uuid.uuid4().hex}", "object": "response", "created_at": int(time.time()),
            "model": body.get("model") or self.model, "status": "completed", "output": [output],
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens,
                      "total_tokens": input_tokens + output_tokens,
                      "input_tokens_details": {"cached_tokens": 0},
                      "output_tokens_details": {"reasoning_tokens": 0}},
        }

    def embed(self, body: dict[str, Any]) -> tuple[HTTPStatus, dict[str, Any]]:
        texts = body.get("input")
        texts = [texts] if isinstance(texts, str) else texts
        if not isinstance(texts, list) or not texts:
            return HTTPStatus.BAD_REQUEST, _error("input must be a string or a list of strings")
        tokens = sum(_word_count(t) for t in texts)
        self.count(tokens, 0)
        data = [{"object": "embedding", "index": i, "embedding": [float(len(str(t))), 1.0]}
                for i, t in enumerate(texts)]
        return HTTPStatus.OK, {"object": "list", "data": data, "model": body.get("model"),
                               "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


@dataclass(frozen=True)
class _Refusal:
    problem: str


def _request_problem(body: dict[str, Any]) -> str | None:
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        return "the request has no messages"
    return None


def _reply_problem(reply: Reply, body: dict[str, Any]) -> str | None:
    """A tool call answers only a request offering that function; text only one forcing none."""
    # Chat completions nest the name under "function"; the responses API does not.
    offered = [t.get("name") or t.get("function", {}).get("name") for t in body.get("tools") or []]
    forced = (body.get("tool_choice") or {}) if isinstance(body.get("tool_choice"), dict) else {}
    if isinstance(reply, ToolCall):
        if reply.name not in offered:
            return f"the script calls {reply.name!r} but the request offers the functions {offered}"
    elif forced:
        return f"the request forces a call to {forced.get('function', forced)} but the script answers text"
    return None


def _word_count(content: object) -> int:
    if isinstance(content, str):
        return len(content.split())
    if isinstance(content, list):
        return sum(_word_count(part.get("text")) for part in content if isinstance(part, dict))
    return 0


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


def _anthropic_error(message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}


def _make_handler(llm: ScriptedLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the recorded requests are the log."""

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                self._answer(HTTPStatus.NOT_FOUND, _error(f"no route {self.path}"))
            elif self._authorized():
                models = [{"id": llm.model, "object": "model", "created": 0, "owned_by": "pytest-mlebench"}]
                self._answer(HTTPStatus.OK, {"object": "list", "data": models})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            with llm._lock:
                llm.headers.append(dict(self.headers.items()))
            route = {"/v1/chat/completions": llm.complete, "/v1/messages": llm.message,
                     "/v1/responses": llm.respond, "/v1/embeddings": llm.embed}.get(self.path.rstrip("/"))
            if route is None:
                self._answer(HTTPStatus.NOT_FOUND, _error(f"no route {self.path}"))
                return
            if not self._authorized():
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._answer(HTTPStatus.BAD_REQUEST, _error("the body is not JSON"))
                return
            time.sleep(llm.delay_s)
            answer = route(body)
            if isinstance(answer, list):
                self._stream(answer)
            else:
                self._answer(*answer)

        def _authorized(self) -> bool:
            sent = {self.headers.get("Authorization"), f"Bearer {self.headers.get('x-api-key')}"}
            if llm.api_key is None or f"Bearer {llm.api_key}" in sent:
                return True
            self._answer(HTTPStatus.UNAUTHORIZED, _error("wrong or missing API key"))
            return False

        def _answer(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, events: list[dict[str, Any]]) -> None:
            """Server-sent events, one at a time, then (OpenAI's) ``[DONE]``; the connection closes."""
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            anthropic = self.path.rstrip("/") == "/v1/messages"
            for event in events:
                name = f"event: {event['type']}\n" if anthropic else ""
                self.wfile.write(f"{name}data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            if not anthropic:
                self.wfile.write(b"data: [DONE]\n\n")
            self.close_connection = True

    return Handler
