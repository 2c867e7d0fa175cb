"""Run every benchmark and print its result: ``python -m tests.benchmarks [--quick]``.

``make bench`` calls this. Nothing is asserted: the numbers are printed for a person to read.
``--quick`` renders 6 engagements instead of 20 and times each command once.
"""

from __future__ import annotations

import argparse
import time


def main() -> int:
    """Run the funnel, render and batch benchmarks in one process, one after the other."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller batch, single runs")
    parser.add_argument("--only", choices=["funnel", "render", "batch"], action="append",
                        help="run only this benchmark (repeatable)")
    args = parser.parse_args()
    chosen = args.only or ["funnel", "render", "batch"]
    t0 = time.perf_counter()
    results = {}
    if "funnel" in chosen:
        from tests.benchmarks import bench_funnel

        results["funnel"] = bench_funnel.main(200_000 if args.quick else 1_000_000)
    if "render" in chosen:
        from tests.benchmarks import bench_render

        results["render"] = bench_render.main(1 if args.quick else 2)
    if "batch" in chosen:
        from tests.benchmarks import bench_batch

        results["batch"] = bench_batch.main(6 if args.quick else 20)
    parts = []
    for name, value in results.items():
        if not isinstance(value, (int, float)):
            parts.append(f"{name} {value}")
        else:
            parts.append(f"{name} {value:.2f} s" if name == "funnel" else f"{name} ratio {value:.2f}x")
    print(f"summary: {'; '.join(parts)} (all benchmarks took {time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
