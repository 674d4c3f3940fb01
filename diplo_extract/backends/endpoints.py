"""Several model servers behind one backend: least-in-flight choice, take-out with backoff, probing back in.

Every request (every transport attempt, re-asks included) asks the pool for an endpoint: the one with the
fewest requests in flight among those in service. An endpoint whose request fails the way a dead or broken
server fails (connection refused or dropped, timeout, 5xx) is taken out of service for a backoff that
doubles with each consecutive take-out (1 s, 2 s, 4 s ... capped at 60 s). Once its backoff is over, the
next request first probes it (``GET /models`` on a fresh connection, a few seconds at most): a server that
answers is back in service, one that does not stays out for the next, longer, backoff. The request that
failed is retried by the transport retry in :mod:`diplo_extract.backends.base`, and since the pool is asked
again on every attempt, the retry goes to a server still in service.

429 and other "busy" answers do not take an endpoint out: the server is alive, and the Retry-After wait
applies as with one endpoint. When every endpoint is out, the next request goes to the one due back soonest
(and counts as its probe), so the transport retry's bounded attempts decide when an article fails, as with
one server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx
import openai
from tenacity import RetryCallState

from diplo_extract.backends.retry import RetryPolicy, causes, unwrap

__all__ = ["EndpointPool", "EndpointStats", "FailoverRetryPolicy", "http_probe", "is_endpoint_failure",
           "split_base_urls"]

MIN_BACKOFF = 1.0
MAX_BACKOFF = 60.0
PROBE_TIMEOUT = 3.0


def split_base_urls(base_url: str | Sequence[str] | None) -> list[str]:
    """Base URLs from one URL, a comma-separated string or a list; blanks and repeats dropped."""
    if base_url is None:
        return []
    items = base_url.split(",") if isinstance(base_url, str) else [part for u in base_url for part in u.split(",")]
    return list(dict.fromkeys(item.strip() for item in items if item.strip()))


def is_endpoint_failure(exc: BaseException) -> bool:
    """True for failures that say the server is down or broken: connection errors, timeouts, 5xx."""
    for cause in causes(exc):
        if isinstance(cause, openai.APIConnectionError | httpx.TransportError | ConnectionError | TimeoutError):
            return True
        if isinstance(cause, openai.APIStatusError) and cause.status_code >= 500:
            return True
    return False


def http_probe(url: str, timeout: float = PROBE_TIMEOUT) -> bool:
    """Whether ``url``'s ``/models`` answers below 500, on a new connection (pooled ones may be stale)."""
    try:
        response = httpx.get(url.rstrip("/") + "/models", timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.status_code < 500


@dataclass
class EndpointStats:
    """What happened at one endpoint; a snapshot is what summaries and tests read."""

    url: str
    requests: int = 0  # requests sent (every attempt, re-asks included)
    ok: int = 0  # answered (any answer that was not an endpoint failure)
    failed: int = 0  # connection errors, timeouts and 5xx
    taken_out: int = 0  # times it was put out of service
    probes: int = 0
    in_flight: int = 0
    out_until: float | None = None  # monotonic time it may be probed again; None while in service
    consecutive: int = 0  # take-outs since its last good answer: the backoff exponent
    probing: bool = field(default=False, repr=False)

    @property
    def in_service(self) -> bool:
        """Whether requests are sent to it."""
        return self.out_until is None


class EndpointPool:
    """Thread-safe choice among several base URLs; see the module docstring for the policy.

    Args:
        urls: the base URLs, in order of preference for ties.
        probe: called (outside the lock) with a URL whose backoff is over; True puts it back in service.
            None sends the next real request there instead (it then counts as the probe).
        min_backoff / max_backoff: first and longest time out of service, in seconds.
        clock: a monotonic clock (tests pass a fake one).
    """

    def __init__(self, urls: Sequence[str], *, probe: Callable[[str], bool] | None = None,
                 min_backoff: float = MIN_BACKOFF, max_backoff: float = MAX_BACKOFF,
                 clock: Callable[[], float] = time.monotonic):
        if not urls:
            raise ValueError("an endpoint pool needs at least one URL")
        self._stats = {url: EndpointStats(url) for url in dict.fromkeys(urls)}
        self._probe = probe
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def urls(self) -> list[str]:
        """The base URLs, in the order given."""
        return list(self._stats)

    def _due_for_probe(self, now: float) -> EndpointStats | None:
        due = [s for s in self._stats.values()
               if s.out_until is not None and s.out_until <= now and not s.probing]
        return min(due, key=lambda s: s.out_until or 0.0) if due else None

    def acquire(self) -> str:
        """The URL the next request should go to; the caller must :meth:`release` it."""
        while True:
            with self._lock:
                due = self._due_for_probe(self._clock())
                if due is not None and self._probe is not None:
                    due.probing = True
                    due.probes += 1
                else:
                    if due is not None:  # no probe function: this request is the probe
                        due.out_until = None
                    serving = [s for s in self._stats.values() if s.in_service]
                    if not serving:
                        # Every one is out: the one due back soonest gets the request as its probe, so the
                        # transport retry's attempts, not the pool, decide when an article fails.
                        soonest = min(self._stats.values(), key=lambda s: s.out_until or 0.0)
                        soonest.out_until = None
                        serving = [soonest]
                    chosen = min(serving, key=lambda s: (s.in_flight, s.requests))
                    chosen.in_flight += 1
                    chosen.requests += 1
                    return chosen.url
            healthy = self._probe(due.url)  # outside the lock: a probe can take seconds
            with self._lock:
                due.probing = False
                if healthy:
                    due.out_until = None
                else:
                    self._take_out(due)

    def release(self, url: str, *, failure: bool) -> None:
        """Report how a request sent to ``url`` ended: ``failure`` when the endpoint looked down or broken."""
        with self._lock:
            stats = self._stats[url]
            stats.in_flight = max(0, stats.in_flight - 1)
            if not failure:
                stats.ok += 1
                stats.consecutive = 0
                return
            stats.failed += 1
            # Requests that were already in flight when it went out fail too; one outage is one take-out.
            if stats.in_service:
                self._take_out(stats)

    def _take_out(self, stats: EndpointStats) -> None:
        stats.consecutive += 1
        stats.taken_out += 1
        backoff = min(self._max_backoff, self._min_backoff * 2 ** (stats.consecutive - 1))
        stats.out_until = self._clock() + backoff

    def any_in_service(self) -> bool:
        """Whether some endpoint takes requests now (a failed request can be retried at once)."""
        with self._lock:
            now = self._clock()
            return any(s.in_service or (s.out_until or 0.0) <= now for s in self._stats.values())

    def snapshot(self) -> dict[str, dict[str, int | bool]]:
        """Counts per endpoint: requests, ok, failed, taken_out, probes, in_flight, in_service."""
        with self._lock:
            return {s.url: {"requests": s.requests, "ok": s.ok, "failed": s.failed, "taken_out": s.taken_out,
                            "probes": s.probes, "in_flight": s.in_flight, "in_service": s.in_service}
                    for s in self._stats.values()}


@dataclass(frozen=True)
class FailoverRetryPolicy(RetryPolicy):
    """The transport retry policy of a several-endpoint backend.

    A request that failed because its server went down is retried at once when another server is in
    service: the backoff exists to spare a struggling server, and the retry goes elsewhere. Every other
    failure (429 with Retry-After, or all servers out) waits as :class:`RetryPolicy` says.
    """

    pool: EndpointPool | None = field(default=None, compare=False)

    @classmethod
    def around(cls, policy: RetryPolicy, pool: EndpointPool) -> FailoverRetryPolicy:
        """The same bounds as ``policy``, with failover."""
        return cls(max_attempts=policy.max_attempts, initial_wait=policy.initial_wait,
                   max_wait=policy.max_wait, sleep=policy.sleep, pool=pool)

    def wait(self, state: RetryCallState) -> float:
        """No wait when the failure took an endpoint out and another is in service; else the usual wait."""
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if (exc is not None and self.pool is not None and is_endpoint_failure(unwrap(exc))
                and self.pool.any_in_service()):
            return 0.0
        return super().wait(state)
