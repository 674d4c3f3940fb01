"""Answer batch request files with the real model, round after round, as a provider would; ingest the answers.

Each round writes the request file for ``--articles`` (llama.cpp flavor, the embedded model's sampling) given
the answers so far, sends every body unchanged to ``python -m llama_cpp.server`` on loopback (started here
with the verified embedded model unless ``--server`` names a running one) and appends the provider-format
lines to one output file; when a round writes no request, the answers are ingested:

    {"id": "batch_req_N", "custom_id": ..., "response": {"status_code": 200, "request_id": ..., "body": {...}},
     "error": null}

    python bench/record_batch_results.py [--articles examples/articles] [--out bench/results/batch_files]

The output folder gets requests_1.jsonl, requests_2.jsonl... (round 1: events; 2: people; 3: agreements),
results.jsonl (every round), records.jsonl and summary.json. Re-running resumes: emit writes only what
results.jsonl has not answered. On 2 CPU cores expect about 20 s a request.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from diplo_extract.backends.embedded import LLAMA_CPP_EXTRAS
from diplo_extract.runs.batch_files import emit_requests, ingest_results

ROOT = Path(__file__).resolve().parent.parent
ALIAS = "qwen2.5-coder-1.5b-instruct-q4_k_m"
PORT = 8765


def start_server(port: int) -> subprocess.Popen[bytes]:
    """llama.cpp's OpenAI-compatible server with the verified embedded model, on loopback."""
    from diplo_extract.backends.model_store import resolve_model_path

    log = open("/tmp/diplo_extract_batch_server.log", "wb")  # noqa: SIM115 - lives as long as the server
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(resolve_model_path()), "--host",
               "127.0.0.1", "--port", str(port), "--n_ctx", "8192", "--n_threads", "2", "--model_alias", ALIAS,
               "--cache", "true"]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(180):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(1)
    server.terminate()
    raise SystemExit("llama_cpp.server did not start; see /tmp/diplo_extract_batch_server.log")


def answer(line: dict[str, Any], root: str, number: int) -> dict[str, Any]:
    """One provider output line for one request line."""
    result: dict[str, Any] = {"id": f"batch_req_{number}", "custom_id": line["custom_id"], "response": None,
                              "error": None}
    try:
        response = httpx.post(root + line["url"], json=line["body"], timeout=900)
    except httpx.HTTPError as exc:
        result["error"] = {"code": "connection_error", "message": f"{type(exc).__name__}: {exc}"}
        return result
    try:
        body: Any = response.json()
    except ValueError:
        body = {"error": {"message": response.text[:500]}}
    result["response"] = {"status_code": response.status_code, "request_id": f"req_{uuid.uuid4().hex[:12]}",
                          "body": body}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", nargs="+", default=[str(ROOT / "examples" / "articles")])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "batch_files")
    parser.add_argument("--server", help="root URL of a running llama_cpp.server (default: start one)")
    parser.add_argument("--max-rounds", type=int, default=8, help="stop even if requests keep failing")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = args.out / "results.jsonl"
    settings: dict[str, Any] = {"model": ALIAS, "server_flavor": "llama_cpp", "extra_body": dict(LLAMA_CPP_EXTRAS)}
    server = None if args.server else start_server(PORT)
    root = (args.server or f"http://127.0.0.1:{PORT}").rstrip("/")
    started = time.perf_counter()
    rounds: list[dict[str, Any]] = []
    sent = 0
    try:
        for round_number in range(1, args.max_rounds + 1):
            requests = args.out / f"requests_{round_number}.jsonl"
            emitted = emit_requests(args.articles, requests, results=[results] if results.exists() else [],
                                    **settings)
            rounds.append({"round": round_number, "requests": emitted.requests, "articles": len(emitted.pending),
                           "complete": len(emitted.complete), "retried": emitted.retried})
            print(f"round {round_number}: {emitted.requests} requests for {len(emitted.pending)} articles "
                  f"({len(emitted.complete)} complete)", flush=True)
            if emitted.done:
                break
            lines = [json.loads(raw) for raw in requests.read_text(encoding="utf-8").splitlines()]
            with results.open("a", encoding="utf-8") as out:
                for number, line in enumerate(lines):
                    began = time.perf_counter()
                    out.write(json.dumps(answer(line, root, sent)) + "\n")
                    out.flush()
                    sent += 1
                    print(f"  {number + 1}/{len(lines)} {line['custom_id'][:12]}...{line['custom_id'][64:]} "
                          f"{time.perf_counter() - began:.1f} s", flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    report = ingest_results(results, args.articles, args.out / "records.jsonl", model=ALIAS,
                            server_flavor=settings["server_flavor"], extra_body=settings["extra_body"])
    summary = {"rounds": rounds, "requests": sum(r["requests"] for r in rounds), "sent": sent,
               "seconds": round(time.perf_counter() - started, 1), "records": report.ok,
               "rerun_live": report.rerun_paths, "failed": [e.model_dump() for e in report.failed],
               "unused_answers": report.unused}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
