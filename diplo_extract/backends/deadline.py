"""A total deadline per HTTP request, not per socket read.

httpx's timeouts bound each connect, write and read on its own: a server that drips one byte every few
seconds (or stalls between headers and body, or a proxy that trickles keep-alives) never trips a read
timeout and holds the request, and the article, for as long as it likes. Here every socket operation of a
request gets at most the time left before the request's deadline, and none starts after it: the request
fails with a timeout (a transient failure, retried within the transport retry's bounds) once its
deadline passes, however the server spends it.

The deadline is per thread (batch threads share one client and its connections): :func:`deadline` sets it
around one request, and the wrapped network backend reads it at every socket operation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = ["deadline", "http_client_with_deadlines"]

_local = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound every socket operation in this thread, until the block ends, to ``seconds`` in all."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = previous


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    until: float | None = getattr(_local, "deadline", None)
    if until is None:
        return timeout
    remaining = until - time.monotonic()
    if remaining <= 0:
        raise error("the request's total deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname,
                                                     _bounded(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend):
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, _bounded(timeout, httpcore.ConnectTimeout),
                                                       local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _bounded(timeout, httpcore.ConnectTimeout),
                                                               socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _wrap_pools(client: httpx.Client) -> int:
    """Wrap the network backend of every connection pool the client uses; how many were wrapped."""
    # httpx builds its httpcore pools itself (one per transport, proxies included) and offers no option
    # for their network backend, so it is set on the pool it made. tests/backends/test_deadline.py fails
    # if an httpx upgrade moves it, rather than the deadline silently becoming per read again.
    transports = [client._transport, *(t for t in client._mounts.values() if t is not None)]
    wrapped = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        inner = getattr(pool, "_network_backend", None)
        if isinstance(inner, httpcore.NetworkBackend) and not isinstance(inner, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(inner)  # type: ignore[union-attr]
            wrapped += 1
    return wrapped


def http_client_with_deadlines(*, timeout: float) -> httpx.Client:
    """An httpx client for the openai SDK whose requests honour :func:`deadline`; redirects not followed.

    A redirect is answered, not followed: following a 301/302 turns the POST into a GET of another URL,
    whose answer is not a completion. The caller reports it as a configuration error instead.
    """
    client = httpx.Client(timeout=timeout, follow_redirects=False,
                          limits=httpx.Limits(max_connections=1000, max_keepalive_connections=100))
    _wrap_pools(client)
    return client
