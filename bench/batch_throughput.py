"""Batch throughput (articles/s) at concurrency 1, 4 and 16 against the fault server.

The server answers every request with the recorded model answer after a fixed latency (0.2 s by default)
and injects no faults, so the numbers show what concurrency buys when the model is remote and the
library's own work (reading, grounding, dates) is what is left on this machine. The result cache is off.

    python bench/batch_throughput.py [--articles 40] [--latency 0.2] [--levels 1,4,16]

Prints a table and writes bench/results/batch_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fault_server import FaultServer, write_copies  # noqa: E402

from diplo_extract.runs.batch import BatchSummary, extract_files  # noqa: E402


def run_level(folder: Path, concurrency: int, latency: float) -> dict[str, float | int]:
    """One batch over ``folder`` at ``concurrency``; fresh server, fresh output."""
    with FaultServer(latency=latency) as server, tempfile.TemporaryDirectory() as scratch:
        summary = BatchSummary()
        started = time.perf_counter()
        for _ in extract_files([folder], out=Path(scratch) / "out.jsonl", concurrency=concurrency, resume=False,
                               backend="openai", model="bench", base_url=server.url, use_cache=False,
                               progress=summary.add):
            pass
        seconds = time.perf_counter() - started
        stats = server.stats()
    return {"concurrency": concurrency, "articles": summary.done + summary.failed, "ok": summary.done,
            "failed": summary.failed, "requests": stats["requests"], "seconds": round(seconds, 2),
            "articles_per_s": round((summary.done + summary.failed) / seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40, help="a multiple of 5 (copies of the examples)")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the server takes per request")
    parser.add_argument("--levels", default="1,4,16")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "batch_throughput.json")
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    os.environ["DIPLO_EXTRACT_SERVER_FLAVOR"] = "llama_cpp"
    levels = [int(level) for level in args.levels.split(",")]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "articles"
        write_copies(folder, copies=max(1, args.articles // 5))
        rows = [run_level(folder, level, args.latency) for level in levels]
    base = rows[0]["articles_per_s"]
    print(f"{'concurrency':>11} {'articles':>8} {'failed':>6} {'requests':>8} {'seconds':>8} "
          f"{'articles/s':>10} {'speed-up':>8}")
    for row in rows:
        row["speedup"] = round(row["articles_per_s"] / base, 2) if base else 0.0
        print(f"{row['concurrency']:>11} {row['articles']:>8} {row['failed']:>6} {row['requests']:>8} "
              f"{row['seconds']:>8} {row['articles_per_s']:>10} {row['speedup']:>8}")
    report = {"latency_s": args.latency, "faults": 0, "cpu_count": os.cpu_count(), "python": platform.python_version(),
              "machine": platform.machine(), "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "levels": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
