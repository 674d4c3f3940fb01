"""Benchmark the embedded backend: articles per hour with N articles decoded together, tokens, memory, floor.

Usage: python bench/bench_embedded.py [--sequences 1,2,4] [--articles 17] [--out bench/results/embedded.json]

The articles are the 17 of the original dev set (the five seeds and the twelve of ``../shared/eval/dev``), read
from ``eval/dev``. Each N runs in its own process (so its peak resident memory is its own), extracting every
article with N threads on one model; the result cache is off. Printed per N: articles per hour, seconds per
article, prompt tokens sent and evaluated (the rest reused from the article's prefix), completion tokens,
peak resident memory, and how many decode calls carried two or more sequences. Beside it, the hardware floor:
seconds llama.cpp alone needs for one article's evaluated prompt and completion tokens, one sequence, no
grammar and no library. Run it from a checkout of older code to get that code's N = 1 row: a backend without
``sequences`` runs its articles one after another.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ORIGINAL_DEV = (
    "000_e11c53e7fe71c602", "001_85437bb7518e084e", "002_2dc1c5029a882417", "003_46b9469aa1065f21",
    "004_ce916e62e6b53b08", "aawsat-saudi-interior-minister-gulf-iraq-calls",
    "mvd-ru-russia-mongolia-working-group-video", "nca-2025-02-24-bomca10-steering-group-ashgabat",
    "pid-2024-06-16-naqvi-jiang-zaidong", "president-uz-2019-10-31-mirziyoyev-patrushev",
    "republicworld-2022-12-06-india-central-asia-nsa-meeting", "seco-am-2016-06-08-csto-secretaries-yerevan",
    "sputnik-2004-04-07-tajik-afghan-border-smuggler-killed", "trend-2023-09-07-eyvazov-yerlikaya",
    "trend-menafn-2023-12-26-azerbaijan-iran-border-drugs", "unodc-roca-psc-almaty-2022",
    "worldsecurity-2016-12-15-ukraine-europol-agreement",
)


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _run_one(sequences: int, paths: list[Path]) -> dict[str, Any]:
    """In this process: every article through one model with ``sequences`` threads."""
    from diplo_extract.backends.embedded import EmbeddedBackend
    from diplo_extract.pipeline.extractor import Extractor
    from diplo_extract.text.reader import read_article

    takes_sequences = "sequences" in inspect.signature(EmbeddedBackend).parameters
    backend = EmbeddedBackend(sequences=sequences) if takes_sequences else EmbeddedBackend()
    threads = sequences if takes_sequences else 1
    extractor = Extractor(backend)
    backend.count_tokens("load")  # the model loads before the clock starts
    rows: list[dict[str, Any]] = []
    todo = list(paths)
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not todo:
                    return
                path = todo.pop(0)
            record = extractor.extract(read_article(path))
            p = record.provenance
            with lock:
                rows.append({"article": path.stem, "seconds": p.seconds_total, "calls": p.model_calls,
                             "prompt_tokens": p.usage.prompt_tokens,
                             "completion_tokens": p.usage.completion_tokens, "meetings": len(record.meetings),
                             "article_tokens": backend.count_tokens(path.read_text(encoding="utf-8"))})
                print(f"  N={sequences} {path.stem[:40]:40s} {p.seconds_total:6.1f}s prompt "
                      f"{p.usage.prompt_tokens:5d} completion {p.usage.completion_tokens:4d} calls {p.model_calls}",
                      file=sys.stderr, flush=True)

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    engine = getattr(backend, "_engine", None)
    counters = vars(engine.counters) if engine is not None and hasattr(engine, "counters") else {}
    result = {"sequences": sequences if takes_sequences else 1, "wall_seconds": round(wall, 1),
              "articles": rows, "engine": counters, "peak_rss_mb": round(_peak_rss_mb())}
    if sequences == 1:
        result["floor"] = _floor(backend)
    backend.close()
    return result


def _floor(backend: Any) -> dict[str, float]:
    """llama.cpp alone: prompt tokens per second and decode tokens per second, one sequence, no grammar."""
    import llama_cpp

    path = getattr(backend, "_model_path", None)
    from diplo_extract.backends.model_store import resolve_model_path

    llama = llama_cpp.Llama(model_path=str(path or resolve_model_path()), n_ctx=4096,
                            n_threads=os.cpu_count() or 1, verbose=False)
    word = llama.tokenize(b" security", add_bos=False)
    prompt = (word * 1000)[:1000]
    started = time.perf_counter()
    llama.eval(prompt)
    prompt_rate = len(prompt) / (time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(100):
        token = llama.sample(temp=0.0)
        llama.eval([token])
    decode_rate = 100 / (time.perf_counter() - started)
    llama.close()
    return {"prompt_tokens_per_second": round(prompt_rate, 1), "decode_tokens_per_second": round(decode_rate, 1)}


def _summary(result: dict[str, Any]) -> dict[str, Any]:
    rows = result["articles"]
    n = len(rows)
    engine = result["engine"]
    long_docs = [r for r in rows if r["article_tokens"] > 1300]
    return {
        "sequences": result["sequences"],
        "articles_per_hour": round(3600 * n / result["wall_seconds"], 1),
        "wall_seconds_per_article": round(result["wall_seconds"] / n, 1),
        "prompt_tokens_per_article": round(statistics.mean(r["prompt_tokens"] for r in rows)),
        "evaluated_prompt_tokens_per_article": round(engine["prompt_tokens_evaluated"] / n) if engine else None,
        "completion_tokens_per_article": round(statistics.mean(r["completion_tokens"] for r in rows)),
        "calls_per_article": round(statistics.mean(r["calls"] for r in rows), 2),
        "prompt_tokens_per_article_token_long_docs": (
            round(sum(r["prompt_tokens"] for r in long_docs) / sum(r["article_tokens"] for r in long_docs), 2)
            if long_docs else None),
        "shared_decode_calls": (round(engine["decode_calls_shared"] / engine["decode_calls"], 3)
                                if engine else None),
        "peak_rss_mb": result["peak_rss_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sequences", default="1,2,4", help="comma-separated N to run, each in its own process")
    parser.add_argument("--articles", type=int, default=len(ORIGINAL_DEV), help="the first K of the 17")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "embedded.json")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process: one N, JSON on stdout
    args = parser.parse_args()
    paths = [ROOT / "eval" / "dev" / f"{name}.txt" for name in ORIGINAL_DEV[: args.articles]]
    if args.one is not None:
        print(json.dumps(_run_one(args.one, paths)))
        return

    results: dict[str, Any] = {"machine": f"{platform.node()} {platform.processor() or platform.machine()}",
                               "cores": os.cpu_count(), "articles": [p.stem for p in paths], "runs": []}
    for n in (int(x) for x in args.sequences.split(",")):
        child = subprocess.run([sys.executable, __file__, "--one", str(n), "--articles", str(args.articles)],
                               check=True, capture_output=False, stdout=subprocess.PIPE, text=True)
        run = json.loads(child.stdout)
        run["summary"] = _summary(run)
        results["runs"].append(run)
        if "floor" in run:
            results["floor"] = run["floor"]

    print()
    summaries = [run["summary"] for run in results["runs"]]
    keys = [k for k in summaries[0] if k != "sequences"]
    print(f"{'N (articles decoded together)':44s}" + "".join(f"{s['sequences']:>10}" for s in summaries))
    for key in keys:
        print(f"{key:44s}" + "".join(f"{s[key] if s[key] is not None else '-':>10}" for s in summaries))
    floor = results.get("floor")
    if floor:
        first = summaries[0]
        evaluated = first["evaluated_prompt_tokens_per_article"] or first["prompt_tokens_per_article"]
        seconds = evaluated / floor["prompt_tokens_per_second"] + (
            first["completion_tokens_per_article"] / floor["decode_tokens_per_second"])
        results["floor"]["seconds_per_article_n1"] = round(seconds, 1)
        print(f"hardware floor (llama.cpp alone, one sequence): {floor['prompt_tokens_per_second']} prompt tok/s, "
              f"{floor['decode_tokens_per_second']} decode tok/s, {seconds:.1f} s for N=1's tokens per article")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
