"""Run every benchmark and print its result: ``python -m tests.benchmarks [--quick]``.

``make bench`` calls this. Nothing is asserted: the numbers are printed for a person to read,
with the machine's load before and after (other work on the machine slows every number).
``--quick`` renders 6 engagements instead of 20, uses 200,000 leads and times each command once.
Otherwise a single command (check, render) is timed 5 times and a batch 3 times, alternating
with its baseline, and the medians are kept: on a shared virtual machine one run can be a
quarter slower than the next.
"""

from __future__ import annotations

import argparse
import os
import time


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def _spin(_: int = 0) -> float:
    """Seconds of a fixed pure-Python loop (no I/O, no allocation after the start)."""
    t0 = time.perf_counter()
    total = 0
    for i in range(8_000_000):
        total += i
    return time.perf_counter() - t0


def parallel_speed() -> str:
    """How fast one process runs, and two side by side against one alone, for the log.

    The same code on the same kind of machine has taken 0.56 CPU-s per warm report at 06:25
    and 0.94 at 09:02 the same day: the fixed loop's time tells which kind of day a run had, so runs of
    different days are compared fairly.

    A batch (two workers) and the reading ahead of a large export count on a second core; on a
    virtual machine whose cores are shared with other guests, two processes at once may each run
    well below full speed, and every ratio of the run is limited by it.
    """
    from concurrent.futures import ProcessPoolExecutor

    alone = min(_spin() for _ in range(3))
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(_spin, range(2)))  # the workers start before they are timed
        both = min(max(pool.map(_spin, range(2))) for _ in range(3))
    return (f"a fixed loop takes {alone:.2f} s in one process (the host's speed today: compare runs by it); "
            f"two processes at once each run at {alone / both:.0%} of one alone's speed")


def compile_package() -> str:
    """Compile ``helpers/`` to bytecode once, as an install (or a first run) does, before anything is timed.

    With ``PYTHONDONTWRITEBYTECODE`` set (some shells and CI images set it), Python never saves
    bytecode, so every timed command would compile each module changed since its last saved
    bytecode again: a cost of the shell, not of ``workbook``. Returns what was done, for the log.
    """
    import compileall
    from pathlib import Path

    import helpers

    ok = compileall.compile_dir(str(Path(helpers.__file__).parent), quiet=1)
    setting = "set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not set"
    return f"helpers/ compiled ({'ok' if ok else 'with errors'}); PYTHONDONTWRITEBYTECODE {setting}"


def main() -> int:
    """Run the funnel, large-engagement, render and batch benchmarks in one process, one after the other."""
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller inputs, single runs")
    parser.add_argument("--only", choices=["funnel", "large", "render", "report", "batch"], action="append",
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--engagements", type=int, default=None, help="engagements in the batch (default 20)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs of each command, median kept (default 5 for one command, 3 for a batch)")
    args = parser.parse_args()
    chosen = args.only or ["funnel", "large", "render", "report", "batch"]
    repeat = args.repeat or (1 if args.quick else 5)
    batch_repeat = args.repeat or (1 if args.quick else 3)
    leads = 200_000 if args.quick else 1_000_000
    engagements = args.engagements or (6 if args.quick else 20)
    print(f"machine: {_load()}; {parallel_speed()}")
    print(f"bytecode: {compile_package()}")
    t0 = time.perf_counter()
    parts = []
    if "funnel" in chosen:
        from tests.benchmarks import bench_funnel

        parts.append(f"funnel metrics {bench_funnel.main(leads):.2f} s")
    if "large" in chosen:
        from tests.benchmarks import bench_large

        large = bench_large.main(leads, repeat)
        parts.append(f"check {large['check_s']:.1f} s ({large['check_cpu']:.1f} CPU-s) / {large['check_mb']:.0f} MB, "
                     f"render {large['render_s']:.1f} s ({large['render_cpu']:.1f} CPU-s) / {large['render_mb']:.0f} MB "
                     f"on {leads:,} leads")
    if "render" in chosen:
        from tests.benchmarks import bench_render

        render = bench_render.main(repeat)
        parts.append(f"render/papermill {render['ratio']:.2f}x, handout {render['handout_kb']:.0f} KB")
    if "report" in chosen:
        from tests.benchmarks import bench_charts

        report = bench_charts.main(1 if args.quick else 2)
        parts.append(f"warm report {report['cpu_per_report']:.2f} CPU-s (charts {report['chart_cpu']:.2f})")
    if "batch" in chosen:
        from tests.benchmarks import bench_batch

        batch = bench_batch.main(engagements, batch_repeat)
        parts.append(f"batch {batch['ratio']:.1f}x naive, {batch['cpu_per_report']:.2f} CPU-s per report")
    print(f"summary: {'; '.join(parts)} (took {time.perf_counter() - t0:.0f} s; {_load()} at the end)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
