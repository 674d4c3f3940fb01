"""Benchmark the embedded backend: seconds and tokens per article, model vs library time, hardware floor,
and the effect of reusing each pass's instruction-prefix KV cache.

Usage: python bench/bench_embedded.py [--articles N] [--out bench/results/embedded.json]
Prints a table and writes JSON. Takes several minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

from diplo_extract.backends.embedded import EmbeddedBackend
from diplo_extract.pipeline.extractor import Extractor
from diplo_extract.text.reader import read_article

ROOT = Path(__file__).resolve().parent.parent


def _run(extractor: Extractor, paths: list[Path]) -> list[dict[str, float]]:
    rows = []
    for path in paths:
        record = extractor.extract(read_article(path))
        p = record.provenance
        rows.append({"article": path.stem, "seconds": p.seconds_total, "seconds_model": p.seconds_model,
                     "prompt_tokens": p.usage.prompt_tokens, "completion_tokens": p.usage.completion_tokens,
                     "calls": p.model_calls, "meetings": len(record.meetings)})
        print(f"  {path.stem[:40]:40s} {p.seconds_total:6.1f}s  prompt {p.usage.prompt_tokens:5d}  "
              f"completion {p.usage.completion_tokens:4d}  calls {p.model_calls}", flush=True)
    return rows


def _floor(backend: EmbeddedBackend, prompt_tokens: int, completion_tokens: int) -> float:
    """Seconds llama.cpp alone needs for the same token counts: no grammar, no library, no cache."""
    llama = backend._load()
    llama.set_cache(None)
    llama.reset()
    vocab_word = llama.tokenize(b" security", add_bos=False)
    prompt = (vocab_word * (prompt_tokens // len(vocab_word) + 1))[:prompt_tokens]
    started = time.perf_counter()
    llama.reset()
    llama.eval(prompt)
    for _ in range(completion_tokens):
        token = llama.sample(temp=0.0)
        llama.eval([token])
    return time.perf_counter() - started


def _summary(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.mean(row[key] for row in rows), 2)
            for key in ("seconds", "seconds_model", "prompt_tokens", "completion_tokens", "calls")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "embedded.json")
    args = parser.parse_args()
    paths = sorted((ROOT / "examples" / "articles").glob("*.txt"))[: args.articles]

    results: dict[str, object] = {"machine": f"{platform.node()} {platform.processor() or platform.machine()}",
                                  "cores": __import__("os").cpu_count()}
    for label, reuse in (("prefix cache on", True), ("prefix cache off", False)):
        print(f"{label}:")
        backend = EmbeddedBackend(reuse_prefix_cache=reuse)
        started = time.perf_counter()
        backend._load()
        load_seconds = time.perf_counter() - started
        rows = _run(Extractor(backend), paths)
        summary = _summary(rows)
        summary["model_share"] = round(summary["seconds_model"] / summary["seconds"], 3)
        results[label] = {"load_seconds": round(load_seconds, 1), "articles": rows, "mean": summary}
        if reuse:
            floor = _floor(backend, int(summary["prompt_tokens"]), int(summary["completion_tokens"]))
            results["hardware_floor_seconds_per_article"] = round(floor, 1)
        backend.close()

    on = results["prefix cache on"]["mean"]  # type: ignore[index]
    off = results["prefix cache off"]["mean"]  # type: ignore[index]
    print()
    print(f"{'':28s}{'cache on':>12s}{'cache off':>12s}")
    for key in ("seconds", "seconds_model", "model_share", "prompt_tokens", "completion_tokens", "calls"):
        print(f"{key + ' / article':28s}{on[key]:>12}{off[key]:>12}")
    print(f"{'hardware floor s / article':28s}{results['hardware_floor_seconds_per_article']:>12}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
