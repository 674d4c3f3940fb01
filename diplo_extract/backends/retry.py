"""Transport retry policy: which failures are worth another request, and how long to wait.

Timeouts, dropped connections, 408, 409, 429 and 5xx are transient; everything else (401, 400, a
validation failure) is not. A ``Retry-After`` header is honoured up to a cap; otherwise the wait is
jittered exponential backoff, also capped.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import openai
from tenacity import RetryCallState, wait_random_exponential

TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


def causes(exc: BaseException) -> list[BaseException]:
    """The exception and its chain of causes, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        inner = getattr(current, "original", None) or current.__cause__
        current = inner if isinstance(inner, BaseException) else None
    return chain


def unwrap(exc: BaseException) -> BaseException:
    """The provider's own exception under instructor's wrappers (an openai error, a timeout...)."""
    for cause in causes(exc):
        if not type(cause).__module__.startswith("instructor"):
            return cause
    return exc


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in TRANSIENT_STATUS
    return isinstance(exc, TimeoutError | ConnectionError | httpx.TransportError)


def is_transient(exc: BaseException) -> bool:
    """True for failures another request may fix: timeouts, connection errors, 429, 5xx."""
    return any(_transient(cause) for cause in causes(exc))


def retry_after_seconds(exc: BaseException) -> float | None:
    """Seconds a server asked us to wait (``Retry-After`` or ``retry-after-ms``), if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - time.time())


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for transport retries: attempts in all, and the longest single wait."""

    max_attempts: int = 5
    initial_wait: float = 0.5
    max_wait: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def wait(self, state: RetryCallState) -> float:
        """Retry-After when the server gave one (capped), else jittered exponential backoff."""
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if exc is not None:
            hinted = retry_after_seconds(unwrap(exc))
            if hinted is not None:
                return min(hinted, self.max_wait)
        backoff = wait_random_exponential(multiplier=self.initial_wait, max=self.max_wait)
        return float(backoff(state))
