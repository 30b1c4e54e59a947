"""A stub OpenAI-compatible server for testing pipelines without a model.

``StubServer`` is a real HTTP server on loopback that speaks the chat
completions API well enough for ``openai``, ``instructor`` and briefx. By
default it answers every request with a minimal valid instance of the schema
the request asks for; it can also inject faults, by script or at random::

    from briefx import Extractor, Settings
    from briefx.testing import StubServer

    with StubServer(script=["429", "500"]) as srv:
        settings = Settings(base_url=srv.base_url, api_key="test-key", cache=False)
        record = Extractor(settings).extract(text)  # succeeds on the third call
        assert srv.requests == 3

Faults (``FAULTS``):

``"429"``            rate limited, with a ``Retry-After`` header of ``retry_after`` seconds
``"500"``, ``"503"`` server errors
``"drop"``           the connection closes without any response
``"timeout"``        no answer for ``hang`` seconds (set it above the client timeout),
                     then the connection closes
``"truncated"``      HTTP 200, but the answer's JSON is cut in half (``finish_reason``
                     "length"), as when a model runs out of tokens
``"truncated_body"`` HTTP 200 whose body itself is truncated JSON (a broken proxy)
``"bad_schema"``     HTTP 200 with well-formed JSON of the wrong types for the schema
``"empty_choices"``  HTTP 200 with ``"choices": []``

Slow faults (``SLOW_FAULTS``), only when asked for by name, never in ``FAULTS``:

``"trickle"``        a valid answer sent one byte every ``trickle`` seconds: no read
                     ever times out, so only a wall-clock limit stops it

Error bodies all contain ``STUB_ERROR_MARK`` so a test can check that no
transport error text was ever sent back to the model as a re-ask.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "FAULTS",
    "SLOW_FAULTS",
    "STUB_ERROR_MARK",
    "StubRequest",
    "StubServer",
    "invalid_instance",
    "minimal_instance",
]

logger = logging.getLogger("briefx")

FAULTS: tuple[str, ...] = (
    "429",
    "500",
    "503",
    "drop",
    "timeout",
    "truncated",
    "truncated_body",
    "bad_schema",
    "empty_choices",
)
SLOW_FAULTS: tuple[str, ...] = ("trickle",)
_KNOWN = (*FAULTS, *SLOW_FAULTS)
STUB_ERROR_MARK = "briefx-stub-fault"

JSON = Any
Responder = Callable[[dict[str, Any]], dict[str, Any]]

# Strings tried, in order, against a schema ``pattern``; covers the shapes briefx uses.
_PATTERN_CANDIDATES = ("", "2000-01-01", "2000", "RU-MOW", "BY", "a", "A", "0")
_MAX_HANG = 60.0


# --- schema instances -------------------------------------------------------


def minimal_instance(schema: Mapping[str, Any], root: Mapping[str, Any] | None = None) -> JSON:
    """A small value valid against ``schema``: required keys only, nulls where allowed.

    Handles ``$ref``/``$defs``, ``anyOf``/``oneOf``/``allOf``, ``enum``/``const``,
    nullable types, ``minimum``/``exclusiveMinimum``, ``minLength``, ``minItems``
    and (for common shapes) ``pattern``.
    """
    root = schema if root is None else root
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [_resolve(o, root) for o in schema[key]]
            if any(_allows_null(o) for o in options):
                return None
            return minimal_instance(options[0], root)
    if "allOf" in schema:
        return _minimal_all_of(schema, root)
    return _minimal_typed(schema, _types(schema), root)


def _minimal_all_of(schema: Mapping[str, Any], root: Mapping[str, Any]) -> JSON:
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = _resolve(part, root)
        merged.setdefault("properties", {}).update(part.get("properties", {}))
        merged["required"] = [*merged.get("required", []), *part.get("required", [])]
        for key, value in part.items():
            merged.setdefault(key, value)
    return minimal_instance(merged, root)


def _minimal_typed(schema: Mapping[str, Any], types: list[str], root: Mapping[str, Any]) -> JSON:
    if not types or "null" in types:
        return None
    kind = types[0]
    if kind == "object":
        props = schema.get("properties", {})
        return {name: minimal_instance(props.get(name, {}), root) for name in _required(schema)}
    if kind == "array":
        count = int(schema.get("minItems", 0))
        return [minimal_instance(schema.get("items", {}), root) for _ in range(count)]
    if kind == "string":
        return _minimal_string(schema)
    if kind in ("integer", "number"):
        return _minimal_number(schema, integer=kind == "integer")
    if kind == "boolean":
        return False
    return None


def _minimal_string(schema: Mapping[str, Any]) -> str:
    length = int(schema.get("minLength", 0))
    pattern = schema.get("pattern")
    if schema.get("format") == "date":
        return "2000-01-01"
    if pattern:
        for candidate in _PATTERN_CANDIDATES:
            if len(candidate) >= length and re.search(pattern, candidate):
                return candidate
    return "x" * length


def _minimal_number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    low: float | None = schema.get("minimum")
    if "exclusiveMinimum" in schema:
        excl = float(schema["exclusiveMinimum"])
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        low = excl + 1 if high is None or integer else (excl + float(high)) / 2
    if low is None:
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        low = 0 if high is None or float(high) > 0 else float(high) - 1
    if integer:
        return int(-(-low // 1))  # ceil: the smallest integer >= the bound
    return low if isinstance(low, float) else float(low)


def invalid_instance(schema: Mapping[str, Any], root: Mapping[str, Any] | None = None) -> JSON:
    """Well-formed JSON that breaks ``schema``: every property gets a wrong type."""
    root = schema if root is None else root
    schema = _resolve(schema, root)
    if _types(schema) == ["object"] or "properties" in schema:
        props = schema.get("properties", {})
        names = list(props) or ["unexpected"]
        return {name: _wrong_value(_resolve(props.get(name, {}), root), root) for name in names}
    return _wrong_value(schema, root)


def _wrong_value(schema: Mapping[str, Any], root: Mapping[str, Any]) -> JSON:
    allowed = _all_types(schema, root)
    candidates: list[tuple[str, JSON]] = [
        ("string", "not-a-valid-value"),
        ("integer", 12345),
        ("array", [12345]),
        ("object", {"unexpected": 12345}),
        ("boolean", True),
    ]
    for kind, value in candidates:
        if kind not in allowed and not (kind == "integer" and "number" in allowed):
            return value
    return None


def _all_types(schema: Mapping[str, Any], root: Mapping[str, Any]) -> set[str]:
    schema = _resolve(schema, root)
    found = set(_types(schema))
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found |= _all_types(option, root)
    if "enum" in schema:
        found |= {_json_type(v) for v in schema["enum"]}
    return found


def _json_type(value: JSON) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
    return "null" if value is None else names.get(type(value), "object")


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 32:
        node: Any = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")] if part else node
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if kind is None:
        return ["object"] if "properties" in schema else []
    return [kind] if isinstance(kind, str) else list(kind)


def _allows_null(schema: Mapping[str, Any]) -> bool:
    return "null" in _types(schema) or (schema.get("enum") or [0]).count(None) > 0


def _required(schema: Mapping[str, Any]) -> list[str]:
    return list(schema.get("required", []))


# --- requests and answers ----------------------------------------------------


@dataclass(frozen=True)
class StubRequest:
    """One request the server received, and what it answered."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    outcome: str  # a fault name or "ok"
    at: float  # time.monotonic() when it arrived


@dataclass
class _Plan:
    """What the next requests get: a script first, then random faults."""

    script: list[str]
    fault_rate: float
    faults: tuple[str, ...]
    seed: int
    seen: dict[str, int] = field(default_factory=dict)

    def next_outcome(self, body: Mapping[str, Any]) -> str:
        if self.script:
            return self.script.pop(0)
        if self.fault_rate <= 0:
            return "ok"
        # Keyed on the request's content, not arrival order, so a concurrent batch
        # sees the same faults on every run with the same seed.
        key = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        nth = self.seen.get(key, 0)
        self.seen[key] = nth + 1
        rng = random.Random(f"{self.seed}:{key}:{nth}")
        return rng.choice(self.faults) if rng.random() < self.fault_rate else "ok"


def _answer_schema(body: Mapping[str, Any]) -> tuple[str, Mapping[str, Any] | None, str | None]:
    """The request's mode ("json_schema", "tools" or "text"), its schema and tool name."""
    tools = body.get("tools") or []
    if tools:
        function = tools[0].get("function", {})
        return "tools", function.get("parameters", {}), function.get("name", "answer")
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return "json_schema", response_format.get("json_schema", {}).get("schema", {}), None
    if response_format.get("type") == "json_object":
        return "json_schema", {"type": "object"}, None
    return "text", None, None


def _completion(body: Mapping[str, Any], payload: Any, *, truncate: bool, serial: int) -> JSON:
    mode, _, tool = _answer_schema(body)
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    if truncate:
        text = text[: max(1, len(text) // 2)]
    message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
    finish = "length" if truncate else "stop"
    if mode == "tools":
        function = {"name": tool, "arguments": text}
        call: dict[str, Any] = {"id": f"call_{serial}", "type": "function", "function": function}
        message.update(content=None, tool_calls=[call])
        finish = "length" if truncate else "tool_calls"
    choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
    return _envelope(body, [choice], len(text), serial)


def _envelope(body: Mapping[str, Any], choices: list[Any], out_chars: int, serial: int) -> JSON:
    prompt = max(1, len(json.dumps(body.get("messages", []), ensure_ascii=False)) // 4)
    completion = max(1, out_chars // 4) if choices else 0
    return {
        "id": f"chatcmpl-stub-{serial}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "stub"),
        "choices": choices,
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def _default_payload(body: Mapping[str, Any]) -> Any:
    _, schema, _ = _answer_schema(body)
    if schema is None:
        return "ok"
    return minimal_instance(schema)


def _bad_payload(body: Mapping[str, Any]) -> Any:
    _, schema, _ = _answer_schema(body)
    return invalid_instance(schema) if schema else [STUB_ERROR_MARK]


# --- the server ----------------------------------------------------------------


class StubServer:
    """An OpenAI-compatible chat server on 127.0.0.1 that answers by schema and injects faults.

    A completion leaves ``delay`` seconds after its request came in, however
    many are due at the same moment.

    ``script`` faults are used one per request, in order; after that each request
    gets a fault from ``faults`` with probability ``fault_rate`` (seeded by
    ``seed`` and keyed on the request's content, so runs repeat). ``responder``
    replaces the default answer: it gets the request JSON and returns either the
    answer (wrapped as content or tool arguments) or, if it has a ``"choices"``
    key, the whole completion body.
    """

    def __init__(
        self,
        *,
        delay: float = 0.0,
        responder: Responder | None = None,
        script: Iterable[str] = (),
        fault_rate: float = 0.0,
        faults: Iterable[str] = ("429", "500", "503", "drop", "truncated", "bad_schema"),
        seed: int = 0,
        retry_after: float = 1.0,
        hang: float = 5.0,
        trickle: float = 1.0,
        model: str = "stub-model",
        port: int = 0,
    ) -> None:
        script, faults = list(script), tuple(faults)
        unknown = sorted({f for f in [*script, *faults] if f not in _KNOWN})
        if unknown:
            raise ValueError(f"unknown faults {unknown}; choose from {list(_KNOWN)}")
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be in [0, 1], got {fault_rate}")
        self.delay = delay
        self.responder = responder
        self.retry_after = retry_after
        self.hang = min(hang, _MAX_HANG)
        self.trickle = trickle
        self.model = model
        self._plan = _Plan(script, fault_rate, faults, seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._received: list[StubRequest] = []
        self._serial = 0
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler, self)
        self._thread: threading.Thread | None = None

    # lifecycle

    @property
    def base_url(self) -> str:
        """The OpenAI ``base_url`` for this server, ending in ``/v1``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def start(self) -> StubServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; handlers that are sleeping (delay, timeout) wake and close."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # what the server saw

    @property
    def requests(self) -> int:
        """How many requests arrived (all paths, faults included)."""
        with self._lock:
            return len(self._received)

    @property
    def log(self) -> list[tuple[str, str]]:
        """(path, outcome) per request, in arrival order; outcome is a fault or "ok"."""
        with self._lock:
            return [(r.path, r.outcome) for r in self._received]

    @property
    def received(self) -> list[StubRequest]:
        """Every request with its JSON body and headers, in arrival order."""
        with self._lock:
            return list(self._received)

    def push(self, *faults: str) -> None:
        """Append faults to the script (used by the next requests)."""
        unknown = [f for f in faults if f not in _KNOWN]
        if unknown:
            raise ValueError(f"unknown faults {unknown}; choose from {list(_KNOWN)}")
        with self._lock:
            self._plan.script.extend(faults)

    # used by the handler

    def _admit(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[str, int]:
        with self._lock:
            outcome = self._plan.next_outcome(body) if path.endswith("/completions") else "ok"
            self._received.append(StubRequest(path, body, headers, outcome, time.monotonic()))
            self._serial += 1
            return outcome, self._serial

    def _sleep(self, seconds: float) -> bool:
        """Sleep unless the server stops first; True if it is stopping."""
        return self._stopping.wait(seconds) if seconds > 0 else self._stopping.is_set()

    def _answer(self, body: dict[str, Any], outcome: str, serial: int) -> JSON:
        if outcome == "empty_choices":
            return _envelope(body, [], 0, serial)
        if outcome == "bad_schema":
            return _completion(body, _bad_payload(body), truncate=False, serial=serial)
        payload = self.responder(body) if self.responder else _default_payload(body)
        if isinstance(payload, dict) and "choices" in payload:
            payload.setdefault("usage", _envelope(body, [], 0, serial)["usage"])
            return payload
        return _completion(body, payload, truncate=outcome == "truncated", serial=serial)


# Outcomes that are not a completion: errors, dropped or cut-off connections.
_NOT_ANSWERED = frozenset({"429", "500", "503", "drop", "timeout", "truncated_body", "trickle"})


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # A batch opens many connections at once; the default backlog of 5 would
    # make the kernel drop SYNs and add second-long stalls.
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[_Handler], stub: StubServer):
        self.stub = stub
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this, Nagle plus delayed
    # ACKs add 40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("stub server: " + format, *args)

    def do_GET(self) -> None:
        stub = self.server.stub
        stub._admit(self.path, {}, dict(self.headers.items()))
        if self.path.rstrip("/").endswith("/models"):
            model = {"id": stub.model, "object": "model", "created": 0, "owned_by": "briefx"}
            self._send_json(200, {"object": "list", "data": [model]})
        else:
            self._send_error(404, "not found")

    def do_POST(self) -> None:
        received = time.monotonic()
        stub = self.server.stub
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send_error(400, "request body is not JSON")
            return
        outcome, serial = stub._admit(self.path, body, dict(self.headers.items()))
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_error(404, f"no route {self.path}")
            return
        # Build the answer while waiting, so it leaves `delay` after the request
        # came in even when many are due at once (they would queue on the GIL).
        answer = None if outcome in _NOT_ANSWERED else stub._answer(body, outcome, serial)
        ready = None if answer is None else json.dumps(answer, ensure_ascii=False).encode()
        if stub._sleep(stub.delay - (time.monotonic() - received)):
            self._drop()
        elif ready is not None:
            self._send_bytes(200, ready)
        else:
            self._respond(stub, body, outcome, serial)

    def _respond(self, stub: StubServer, body: dict[str, Any], outcome: str, serial: int) -> None:
        """The faults in ``_NOT_ANSWERED``; completions are sent by ``do_POST``."""
        if outcome == "429":
            retry = {"Retry-After": f"{stub.retry_after:g}"}
            self._send_error(429, "rate limit reached", "rate_limit_exceeded", retry)
        elif outcome in ("500", "503"):
            self._send_error(int(outcome), f"server error {outcome}", "server_error")
        elif outcome == "drop":
            self._drop()
        elif outcome == "timeout":
            stub._sleep(stub.hang)
            self._drop()
        elif outcome == "truncated_body":
            text = json.dumps(stub._answer(body, "ok", serial))
            self._send_bytes(200, text[: len(text) // 2].encode())
        elif outcome == "trickle":
            self._trickle(stub, json.dumps(stub._answer(body, "ok", serial)).encode())

    def _trickle(self, stub: StubServer, data: bytes) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.flush()
            for index in range(len(data)):
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
                if stub._sleep(stub.trickle):
                    break
        except OSError:
            pass  # the client gave up, as it should
        self.close_connection = True

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send_error(
        self, status: int, text: str, kind: str = "invalid_request_error", headers: Any = None
    ) -> None:
        error = {"message": f"{STUB_ERROR_MARK}: {text}", "type": kind, "code": str(status)}
        self._send_json(status, {"error": error}, headers or {})

    def _send_json(self, status: int, payload: JSON, headers: Mapping[str, str] = {}) -> None:
        self._send_bytes(status, json.dumps(payload, ensure_ascii=False).encode(), headers)

    def _send_bytes(self, status: int, data: bytes, headers: Mapping[str, str] = {}) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client timed out and left
