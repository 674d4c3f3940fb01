"""Ray Data throughput (articles/s) with 1 and 2 actors against the fault server at a fixed latency.

The server answers every request with the recorded model answer after a fixed latency (0.2 s by default)
and injects no faults, so the numbers show what actors buy when the model is remote. Each level runs a fresh
dataset on a local Ray (``--cpus``, default 2), so the seconds include starting the actors; the result cache
is off. Needs the ``ray`` extra.

    python bench/ray_throughput.py [--articles 40] [--latency 0.2] [--levels 1,2] [--threads 1]

Prints a table and writes bench/results/ray_throughput.json.
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

import ray  # noqa: E402
from fault_server import FaultServer, write_copies  # noqa: E402

from diplo_extract.runs.ray_data import extract_dataset  # noqa: E402


def run_level(folder: Path, actors: int, threads: int, latency: float) -> dict[str, float | int]:
    """One dataset over ``folder`` with ``actors`` actors; fresh server."""
    with FaultServer(latency=latency) as server:
        ds = ray.data.read_binary_files(str(folder), include_paths=True)
        started = time.perf_counter()
        rows = extract_dataset(ds, text_column="bytes", id_column="path", backend="openai", model="bench",
                               base_url=server.url, concurrency=actors, batch_size=2, use_cache=False,
                               threads_per_actor=threads).take_all()
        seconds = time.perf_counter() - started
        stats = server.stats()
    errors = sum(row["error"] is not None for row in rows)
    return {"actors": actors, "threads_per_actor": threads, "rows": len(rows), "errors": errors,
            "requests": stats["requests"], "seconds": round(seconds, 2),
            "articles_per_s": round(len(rows) / seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=40, help="a multiple of 5 (copies of the examples)")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the server takes per request")
    parser.add_argument("--levels", default="1,2", help="actor counts")
    parser.add_argument("--threads", type=int, default=1, help="rows in flight per actor")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ray_throughput.json")
    args = parser.parse_args()
    logging.getLogger("instructor").setLevel(logging.CRITICAL)
    os.environ["DIPLO_EXTRACT_SERVER_FLAVOR"] = "llama_cpp"  # the recordings' flavor; forwarded to the actors
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "articles"
            write_copies(folder, copies=max(1, args.articles // 5))
            rows = [run_level(folder, int(level), args.threads, args.latency) for level in args.levels.split(",")]
    finally:
        ray.shutdown()
    base = rows[0]["articles_per_s"]
    print(f"{'actors':>6} {'threads':>7} {'rows':>5} {'errors':>6} {'requests':>8} {'seconds':>8} "
          f"{'articles/s':>10} {'speed-up':>8}")
    for row in rows:
        row["speedup"] = round(row["articles_per_s"] / base, 2) if base else 0.0
        print(f"{row['actors']:>6} {row['threads_per_actor']:>7} {row['rows']:>5} {row['errors']:>6} "
              f"{row['requests']:>8} {row['seconds']:>8} {row['articles_per_s']:>10} {row['speedup']:>8}")
    report = {"latency_s": args.latency, "faults": 0, "ray": ray.__version__, "ray_cpus": args.cpus,
              "cpu_count": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine(),
              "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "levels": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
