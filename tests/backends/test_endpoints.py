"""Several model servers: least-in-flight choice, take-out and probing, failover, and a server dying mid-batch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from support.fake_server import json_response
from support.fault_server import FaultServer, cassettes_or_skip, use_fast_openai, write_copies

from diplo_extract import api
from diplo_extract.backends.base import GenerationSettings, UsageMeter
from diplo_extract.backends.config import resolve_config
from diplo_extract.backends.endpoints import EndpointPool, is_endpoint_failure
from diplo_extract.backends.openai_compat import OpenAICompatibleBackend
from diplo_extract.backends.registry import create_backend
from diplo_extract.backends.retry import RetryPolicy
from diplo_extract.core.llm_schema import LLMThreatList
from diplo_extract.core.schema import ArticleExtraction
from diplo_extract.errors import TransportError
from diplo_extract.runs.batch import extract_files

GOOD = {"threats": [{"quote": "telecom fraud", "category": "telecom_fraud"}]}
MESSAGES = [{"role": "system", "content": "List threats."}, {"role": "user", "content": "Article: ..."}]
A, B, C = "http://a.test/v1", "http://b.test/v1", "http://c.test/v1"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_requests_go_to_the_endpoint_with_fewest_in_flight() -> None:
    pool = EndpointPool([A, B, C], probe=None)
    assert [pool.acquire() for _ in range(3)] == [A, B, C]
    pool.release(B, failure=False)
    assert pool.acquire() == B
    assert pool.acquire() == A  # all at one in flight again: the one asked least often, then the first
    snapshot = pool.snapshot()
    assert snapshot[A]["in_flight"] == 2 and snapshot[B]["requests"] == 2 and snapshot[B]["ok"] == 1


def test_a_failing_endpoint_is_taken_out_with_doubling_backoff_and_probed_back_in() -> None:
    clock = Clock()
    answers = [False, True]
    probed: list[str] = []

    def probe(url: str) -> bool:
        probed.append(url)
        return answers.pop(0)

    pool = EndpointPool([A, B], probe=probe, min_backoff=1.0, clock=clock)
    pool.release(pool.acquire(), failure=True)  # A fails: out for 1 s
    assert {pool.acquire() for _ in range(4)} == {B}
    clock.now += 1.5
    assert pool.acquire() == B and probed == [A]  # probe failed: out again, now for 2 s
    clock.now += 1.5
    assert pool.acquire() == B and probed == [A]  # not due yet
    clock.now += 1.0
    assert pool.acquire() == A and probed == [A, A]  # probe answered: back in, and least loaded
    stats = pool.snapshot()[A]
    assert (stats["taken_out"], stats["probes"], stats["failed"], stats["in_service"]) == (2, 2, 1, True)


def test_requests_already_in_flight_when_a_server_dies_count_one_outage() -> None:
    clock = Clock()
    pool = EndpointPool([A, B], probe=None, clock=clock)
    first, _, third = pool.acquire(), pool.acquire(), pool.acquire()
    assert first == third == A
    pool.release(A, failure=True)
    pool.release(A, failure=True)
    assert pool.snapshot()[A]["taken_out"] == 1 and pool.snapshot()[A]["failed"] == 2
    clock.now += 1.0  # no probe function: the next request is the probe
    assert pool.acquire() == A


def test_only_down_or_broken_servers_are_endpoint_failures() -> None:
    request = httpx.Request("POST", A)

    def status(code: int) -> openai.APIStatusError:
        return openai.APIStatusError("x", response=httpx.Response(code, request=request), body=None)

    assert is_endpoint_failure(openai.APIConnectionError(request=request))
    assert is_endpoint_failure(openai.APITimeoutError(request=request))
    assert is_endpoint_failure(status(503)) and is_endpoint_failure(status(500))
    assert not is_endpoint_failure(status(429)) and not is_endpoint_failure(status(400))


class Hosts:
    """A MockTransport answering per host: a list of replies (or exceptions) for each."""

    def __init__(self, **replies: list[httpx.Response | Exception]):
        self.replies = replies
        self.seen: list[str] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host.split(".")[0]
        self.seen.append(host)
        reply = self.replies[host].pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def _backend(hosts: Hosts, urls: list[str], sleeps: list[float], attempts: int = 4) -> OpenAICompatibleBackend:
    return OpenAICompatibleBackend(
        model="fake-model", base_url=urls, http_client=httpx.Client(transport=httpx.MockTransport(hosts.handler)),
        settings=GenerationSettings(), probe=lambda url: False,
        retry_policy=RetryPolicy(max_attempts=attempts, initial_wait=0.5, max_wait=5.0, sleep=sleeps.append))


def test_a_dead_server_s_request_is_retried_at_once_on_another_and_the_record_names_who_answered() -> None:
    hosts = Hosts(a=[httpx.ConnectError("refused")], b=[json_response(GOOD)])
    sleeps: list[float] = []
    backend = _backend(hosts, [A, B], sleeps)
    meter = UsageMeter()
    result = backend.generate(MESSAGES, LLMThreatList, max_tokens=50, meter=meter)
    assert result.threats[0].category.value == "telecom_fraud"
    assert hosts.seen == ["a", "b"] and sleeps == [0.0]  # failover without a backoff wait
    assert meter.endpoints == [B] and meter.transport_retries == 1
    stats = backend.endpoint_stats()
    assert stats[A]["failed"] == 1 and not stats[A]["in_service"] and stats[B]["ok"] == 1


def test_a_busy_server_keeps_its_retry_after_wait_and_stays_in_service() -> None:
    hosts = Hosts(a=[httpx.Response(429, headers={"retry-after": "2"})], b=[json_response(GOOD)])
    sleeps: list[float] = []
    backend = _backend(hosts, [A, B], sleeps)
    backend.generate(MESSAGES, LLMThreatList, max_tokens=50, meter=UsageMeter())
    assert sleeps == [2.0] and backend.endpoint_stats()[A]["in_service"]


def test_every_server_down_fails_after_the_attempts_as_with_one() -> None:
    hosts = Hosts(a=[httpx.Response(503)] * 2, b=[httpx.Response(502)] * 2)
    sleeps: list[float] = []
    with pytest.raises(TransportError) as caught:
        _backend(hosts, [A, B], sleeps).generate(MESSAGES, LLMThreatList, max_tokens=50, meter=UsageMeter())
    assert caught.value.attempts == 4 and sorted(hosts.seen) == ["a", "a", "b", "b"]
    assert sleeps[0] == 0.0 and all(s > 0 for s in sleeps[1:])  # waits once no server is left in service


def test_several_urls_from_a_list_commas_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("DIPLO_EXTRACT_BASE_URLS", f"{A}, {B}")
    assert resolve_config().backend == "openai" and resolve_config().base_urls == [A, B]
    monkeypatch.setenv("OPENAI_BASE_URL", C)  # the several-server setting wins
    assert resolve_config("openai").base_urls == [A, B]
    assert resolve_config("openai", base_url=[C, A]).base_url == f"{C},{A}"
    several = create_backend(resolve_config("openai", base_url=f"{A},{B},{A}"))
    assert isinstance(several, OpenAICompatibleBackend) and several.several
    assert list(several.endpoint_stats()) == [A, B]
    monkeypatch.delenv("DIPLO_EXTRACT_BASE_URLS")
    single = create_backend(resolve_config("openai"))
    assert isinstance(single, OpenAICompatibleBackend) and not single.several and single.endpoint == C
    assert type(single.retry_policy) is RetryPolicy  # one server: the retry waits are unchanged


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_server_stopped_mid_batch_loses_nothing_and_repeats_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cassettes = cassettes_or_skip()
    use_fast_openai(monkeypatch, timeout=1.0)
    write_copies(tmp_path / "in", copies=6)
    out = tmp_path / "out.jsonl"
    servers = [FaultServer(cassettes, latency=0.1).start() for _ in range(3)]
    victim = servers[1]
    urls = [s.url for s in servers]
    settings: dict[str, Any] = {"backend": "openai", "model": "fault-server", "base_url": ",".join(urls)}
    at_stop: dict[str, dict[str, int | bool]] = {}
    try:
        backend = api.get_extractor(resolve_config(**settings)).backend
        assert isinstance(backend, OpenAICompatibleBackend)

        def progress(_: object) -> None:
            if not at_stop and sum(s["ok"] for s in backend.endpoint_stats().values()) >= 30:
                victim.stop()  # about a third of the way in, with requests in flight on it
                at_stop.update(backend.endpoint_stats())

        outcomes = list(extract_files([tmp_path / "in"], out=out, concurrency=6, use_cache=False,
                                      progress=progress, **settings))
        stats = backend.endpoint_stats()
        unmatched = [s.stats()["unmatched"] for s in servers]
    finally:
        for server in servers:
            server.stop()
    lines = _lines(out)
    assert len(outcomes) == len(lines) == 30 and all(line["status"] == "ok" for line in lines)
    assert len({line["path"] for line in lines}) == 30  # every article once: none lost, none twice
    records = [ArticleExtraction.model_validate(line["record"]) for line in lines]
    answers = sum(s["ok"] for s in stats.values())
    assert answers == sum(r.provenance.model_calls for r in records)  # no request answered twice
    retries = sum(r.provenance.transport_retries for r in records)
    failovers = sum(s["failed"] for s in stats.values())
    assert failovers == retries and failovers >= 1  # every failed request was retried, and that retry answered
    vs, vs_then = stats[victim.url], at_stop[victim.url]
    assert vs["failed"] >= 1 and vs["taken_out"] >= 1 and not vs["in_service"]
    assert int(vs["ok"]) - int(vs_then["ok"]) <= int(vs_then["in_flight"])  # nothing new once it was stopped
    for url in urls:
        if url != victim.url:
            assert stats[url]["ok"] > at_stop[url]["ok"] and stats[url]["failed"] == 0
    assert {r.provenance.endpoint for r in records} <= set(urls) and unmatched == [0, 0, 0]
    shown = {u.split(":")[-1][:-3]: (s["requests"], s["ok"], s["failed"], s["taken_out"], s["probes"])
             for u, s in stats.items()}
    print(f"\nseveral servers, one stopped: per port (sent, ok, failed, taken out, probes) {shown}, stopped "
          f"{victim.url.split(':')[-1][:-3]}; failovers {failovers}; articles 30, lost 0, duplicated 0; "
          f"model answers {answers}")
