"""Fake OpenAI-compatible answers for unit tests, served through httpx.MockTransport.

The real ``openai`` client, instructor and tenacity run unchanged; only the HTTP exchange is scripted.
These are not extraction results: they test retries, re-asks and error mapping.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

import httpx


def json_response(content: str | dict[str, Any], *, prompt_tokens: int = 100,
                  completion_tokens: int = 20) -> httpx.Response:
    """A chat completion whose message content is the given JSON (as in JSON_SCHEMA mode)."""
    text = content if isinstance(content, str) else json.dumps(content)
    body = {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }
    return httpx.Response(200, json=body)


class ScriptedServer:
    """Answers requests from a queue of responses or exceptions, recording every request body."""

    def __init__(self, *replies: httpx.Response | Exception):
        self.replies: deque[httpx.Response | Exception] = deque(replies)
        self.requests: list[dict[str, Any]] = []

    def enqueue(self, *replies: httpx.Response | Exception) -> None:
        self.replies.extend(replies)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(json.loads(request.content or b"{}"))
        if not self.replies:
            raise AssertionError("the fake server got more requests than scripted")
        reply = self.replies.popleft()
        if isinstance(reply, Exception):
            raise reply
        return reply

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))
