"""A local OpenAI-compatible server that replays recorded model answers and injects faults.

Successful answers are real: they come from the vcrpy cassettes in ``tests/cassettes/examples`` (the
example articles extracted by the real model through ``llama_cpp.server``). A request is answered with the
recorded answer whose request had the same system prompt, user message and response format; a line
``[copy ...]`` in the user message is ignored for matching, so copies of an example article that differ
only in such a trailing line (and therefore in their SHA-256) get the example's answers.

Faults are drawn with a seeded RNG at ``fault_rate``: 429 with a short Retry-After, 500, 503, a dropped
connection, an answer slower than the client's timeout, a truncated JSON body, and a completion whose
content is not JSON. Every request and fault is counted, per kind and per article copy.

Hostile servers (``mode``, every request answered the same way, for the hostile-input suite):

- ``empty``: a completion whose content is ``{}`` (valid for every pass: an article with no meetings);
- ``drip``: a 200 whose body comes one byte every ``drip_interval`` seconds (a read timeout never trips);
- ``stall``: headers never come;
- ``big_error``: a 500 whose body is ``error_bytes`` long, with terminal escape codes and newlines;
- ``echo_headers``: a 502 page that echoes the request's headers (an ``Authorization: Bearer`` among them);
- ``redirect``: a 302 to ``/moved/v1`` (a GET there answers 200 JSON that is not a completion);
- ``llama_cpp``: llama.cpp's server: a ``json_schema`` response format gets a 500 naming the response format,
  the ``json_object`` + ``schema`` form gets the ``empty`` answer (or the recorded one);
- ``garbage_schema``: a completion whose content is JSON of the wrong shape (a many-line validation error).

Every request's headers and response format are kept (``seen``) for assertions.

The server listens on 127.0.0.1 on an ephemeral port, in daemon threads, and stops itself after
``max_seconds`` or answers 503 after ``max_requests``: a test that hangs cannot keep it alive.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import threading
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

# FAULT_SERVER_CASSETTES points at other recordings (e.g. while the real ones are being re-recorded).
CASSETTE_DIR = Path(os.environ.get("FAULT_SERVER_CASSETTES")
                    or Path(__file__).resolve().parents[1] / "cassettes" / "examples")
EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "articles"
FAULT_KINDS = ("429", "500", "503", "drop", "slow", "truncated", "non_json")
MODES = ("empty", "drip", "stall", "big_error", "echo_headers", "redirect", "llama_cpp", "garbage_schema")
# What llama_cpp.server 0.3.x answers (HTTP 500) when the response format is OpenAI's json_schema.
LLAMA_CPP_REFUSAL = ("1 validation error for CreateChatCompletionRequest\nresponse_format.type\n  Input should be "
                     "'text' or 'json_object' [type=literal_error, input_value='json_schema', input_type=str]")
# The copy line, also as the numbered sentence the pipeline makes of it ("[12] [copy a]").
COPY_MARKER = re.compile(r"(?:^|\n)(?:\[\d+\] )?\[copy ([^\]\n]*)\][ \t]*(?=\n|$)")
NON_JSON = "I'm sorry, but I can't help with extracting meetings from this article."


def copy_line(label: str) -> str:
    """The trailing line that makes a copy of an article distinct (and that matching ignores)."""
    return f"[copy {label}]"


def _normalise(text: str) -> str:
    return COPY_MARKER.sub("", text).strip()


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def match_key(body: dict[str, Any], *, exact: bool) -> str:
    """What a request is matched on: its messages (copy markers removed) and response format.

    The loose key keeps only the first system and user messages, so an instructor re-ask after a fault
    (which appends turns) gets the answer recorded for its question.
    """
    messages = [(m.get("role"), _normalise(_text(m.get("content") or ""))) for m in body.get("messages", [])]
    if not exact:
        messages = messages[:2]
    return json.dumps([messages, body.get("response_format")], sort_keys=True)


def load_answers(cassettes: Iterable[Path]) -> tuple[dict[str, str], dict[str, str]]:
    """Recorded 200 answers by exact key and by loose key (the last one recorded wins)."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for cassette in cassettes:
        doc = yaml.safe_load(cassette.read_text(encoding="utf-8"))
        for interaction in doc.get("interactions", []):
            response = interaction["response"]
            if response["status"]["code"] != 200 or not interaction["request"].get("body"):
                continue
            request = json.loads(_text(interaction["request"]["body"]))
            answer = _text(response["body"]["string"])
            exact[match_key(request, exact=True)] = answer
            loose[match_key(request, exact=False)] = answer
    return exact, loose


def completion(content: str) -> str:
    """A chat-completion body with the given message content."""
    return json.dumps({
        "id": "chatcmpl-fault", "object": "chat.completion", "created": 0, "model": "fault-server",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    })


class FaultServer:
    """The server; use as a context manager. ``url`` is the base URL for the openai client."""

    def __init__(self, cassettes: Iterable[Path] | None = None, *, fault_rate: float = 0.0,
                 faults: Iterable[str] = FAULT_KINDS, seed: int = 0, latency: float = 0.0,
                 retry_after: float = 0.01, slow_seconds: float = 2.0, max_requests: int = 5000,
                 max_seconds: float = 300.0, mode: str | None = None, drip_interval: float = 0.5,
                 error_bytes: int = 10_000_000):
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.drip_interval = drip_interval
        self.error_bytes = error_bytes
        self.seen: list[dict[str, Any]] = []  # per request: headers and response format
        self.exact, self.loose = load_answers(sorted(CASSETTE_DIR.glob("*.yaml")) if cassettes is None
                                              else cassettes)
        self.fault_rate = fault_rate
        self.faults = tuple(faults)
        self.latency = latency
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests = 0
        self.answered = 0
        self.unmatched = 0
        self.faulted: Counter[str] = Counter()
        self.per_article: Counter[str] = Counter()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        # A short poll interval: stop() waits for serve_forever to notice, and tests start many servers.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True,
                                        name="fault-server")
        self._timer = threading.Timer(max_seconds, self.stop)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        """Base URL of the OpenAI-compatible API."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> FaultServer:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()  # wakes slow answers at once
        self._timer.cancel()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset_counts(self) -> None:
        """Zero every counter (between the phases of a test)."""
        with self._lock:
            self.requests = self.answered = self.unmatched = 0
            self.faulted.clear()
            self.per_article.clear()

    def stats(self) -> dict[str, Any]:
        """Counters, for assertions and reports."""
        with self._lock:
            return {"requests": self.requests, "answered": self.answered, "unmatched": self.unmatched,
                    "faults": dict(sorted(self.faulted.items())), "faults_total": sum(self.faulted.values())}

    def decide(self, body: dict[str, Any]) -> tuple[str | None, str | None]:
        """Count the request; return (fault kind or None, recorded answer or None)."""
        user = next((_text(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user"),
                    "")
        marker = COPY_MARKER.search(user)
        article = marker.group(1) if marker else hashlib.sha1(user.encode()).hexdigest()[:12]
        answer = self.exact.get(match_key(body, exact=True)) or self.loose.get(match_key(body, exact=False))
        with self._lock:
            self.requests += 1
            self.per_article[article] += 1
            fault = None
            if self.requests > self.max_requests:
                fault = "503"
            elif self.fault_rate and self._rng.random() < self.fault_rate:
                fault = self._rng.choice(self.faults)
            if fault:
                self.faulted[fault] += 1
            elif answer is None:
                self.unmatched += 1
            else:
                self.answered += 1
        return fault, answer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the openai client expects

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the counters say what happened."""

    def _send(self, status: int, body: str | bytes, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path.startswith("/moved/"):
            self._send(200, json.dumps({"moved": True}))
            return
        self._send(200, json.dumps({"object": "list", "data": [{"id": "fault-server", "object": "model"}]}))

    def do_POST(self) -> None:
        owner: FaultServer = self.server.owner  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        with owner._lock:
            owner.seen.append({"headers": dict(self.headers.items()), "response_format": body.get("response_format"),
                               "path": self.path})
        if owner.mode is not None:
            try:
                self._hostile(owner, body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up: what these modes are for
                self.close_connection = True
            return
        fault, answer = owner.decide(body)
        if owner.latency and owner._stopping.wait(owner.latency):
            return
        try:
            self._answer(owner, fault, answer)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first (a slow answer)
            self.close_connection = True

    def _hostile(self, owner: FaultServer, body: dict[str, Any]) -> None:
        mode = owner.mode
        with owner._lock:
            owner.requests += 1
        if mode == "empty":
            self._send(200, completion("{}"))
        elif mode == "drip":
            data = completion("{}").encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for byte in data:  # bounded: the body's length, and the server's own stop
                if owner._stopping.wait(owner.drip_interval):
                    break
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            self.close_connection = True
        elif mode == "stall":
            owner._stopping.wait(owner.max_seconds)
            self.close_connection = True
        elif mode == "big_error":
            filler = ("\x1b[31mSERVER\x07 PANIC\r\n<html>" * (owner.error_bytes // 30 + 1))[:owner.error_bytes]
            self._send(500, json.dumps({"error": {"message": filler, "type": "server_error"}}))
        elif mode == "echo_headers":
            echoed = "\n".join(f"{name}: {value}" for name, value in self.headers.items())
            self._send(502, f"<html><h1>502 Bad Gateway</h1><pre>upstream request was:\n{echoed}</pre></html>")
        elif mode == "redirect":
            self._send(302, "", {"Location": f"http://127.0.0.1:{self.server.server_address[1]}/moved/v1"})
        elif mode == "llama_cpp":
            response_format = body.get("response_format") or {}
            if response_format.get("type") == "json_schema":
                self._send(500, json.dumps({"error": {"message": LLAMA_CPP_REFUSAL, "type": "internal_server_error"}}))
            else:
                self._send(200, owner.loose.get(match_key(body, exact=False)) or completion("{}"))
        elif mode == "garbage_schema":
            self._send(200, completion(json.dumps({"meetings": "not a list", "sentences": 7, "people": {"x": 1},
                                                   "events": "none", "agreements": 3, "threats": None})))

    def _answer(self, owner: FaultServer, fault: str | None, answer: str | None) -> None:
        error = {"error": {"message": f"injected fault {fault}", "type": "server_error"}}
        if fault == "429":
            self._send(429, json.dumps(error), {"Retry-After": str(owner.retry_after)})
        elif fault in ("500", "503"):
            self._send(int(fault), json.dumps(error))
        elif fault == "drop":
            self.close_connection = True  # nothing written: the client sees the connection close
        elif fault == "slow":
            owner._stopping.wait(owner.slow_seconds)
            self._send(200, answer or completion("{}"))
        elif fault == "truncated":
            full = answer or completion("{}")
            self._send(200, full[: len(full) // 2])
            self.close_connection = True
        elif fault == "non_json":
            self._send(200, completion(NON_JSON))
        elif answer is None:
            self._send(400, json.dumps({"error": {"message": "no recorded answer for this request"}}))
        else:
            self._send(200, answer)


def write_copies(folder: Path, copies: int, articles: Iterable[Path] | None = None) -> dict[Path, str]:
    """``copies`` files per example article, each ending in its own copy line; returns path -> label."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(articles) if articles is not None else sorted(EXAMPLE_DIR.glob("*.txt"))
    written: dict[Path, str] = {}
    for source in sources:
        text = source.read_text(encoding="utf-8").rstrip("\n")
        for index in range(copies):
            label = f"{source.stem}-{index:02d}"
            path = folder / f"{label}.txt"
            path.write_text(f"{text}\n\n{copy_line(label)}\n", encoding="utf-8")
            written[path] = label
    return written


def cassettes_or_skip() -> list[Path]:
    """The recorded example cassettes; the test is skipped while they are missing (being re-recorded)."""
    found = sorted(CASSETTE_DIR.glob("*.yaml"))
    if len(found) < 5:
        pytest.skip(f"example cassettes missing in {CASSETTE_DIR}; run tests/record_cassettes.sh")
    return found


def use_fast_openai(monkeypatch: pytest.MonkeyPatch, *, timeout: float = 1.0, attempts: int = 5) -> None:
    """Build openai backends with a short client timeout and millisecond retry waits, as a fault test needs.

    The library's factory has no timeout setting (600 s suits a CPU llama.cpp server); the test swaps the
    factory ``diplo_extract.api`` calls and forgets extractors built by earlier tests.
    """
    from diplo_extract import api
    from diplo_extract.backends.base import GenerationSettings
    from diplo_extract.backends.config import BackendConfig
    from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS
    from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
    from diplo_extract.backends.retry import RetryPolicy

    def create_backend(config: BackendConfig) -> OpenAICompatibleBackend:
        return OpenAICompatibleBackend(
            model=config.model or "fault-server", base_url=config.base_url, api_key=config.api_key, timeout=timeout,
            settings=GenerationSettings(extra_body=dict(LLAMA_CPP_EXTRAS)), server_flavor="llama_cpp",
            retry_policy=RetryPolicy(max_attempts=attempts, initial_wait=0.01, max_wait=0.05))

    monkeypatch.setenv("DIPLO_EXTRACT_SERVER_FLAVOR", "llama_cpp")
    monkeypatch.setattr(api, "create_backend", create_backend)
    monkeypatch.setattr(api, "_extractors", {})
