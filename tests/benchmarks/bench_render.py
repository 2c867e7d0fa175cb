"""Benchmark: one ``workbook render`` vs the ``papermill`` CLI alone, and the handout's size.

Both are timed as a user runs them, from the shell, on the same demo engagement, alternating,
``repeat`` times; the medians are compared. Printed, never asserted; the targets (issue 18) are
a ratio of at most 0.5 (the whole render, results and handout export included, in half the time
papermill alone takes) and a demo handout of at most 500 KB.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from tests.benchmarks.common import NOTEBOOKS, REPORT, demo_folders, run, timed, tool


def main(repeat: int = 5) -> dict[str, float]:
    """Time both commands; print and return the medians, their ratio and the largest demo handout (KB)."""
    folder = demo_folders()[0]
    with tempfile.TemporaryDirectory(prefix="cg-bench-render-") as tmp:
        out = Path(tmp)
        papermill = [tool("papermill"), str(REPORT), str(out / "pm.ipynb"), "-p", "engagement", str(folder),
                     "--no-progress-bar"]
        render = [tool("workbook"), "render", str(folder), "--out", str(out / "render")]
        run(render)  # warm the file cache and compiled bytecode once, untimed
        pm_times, render_times = [], []
        for _ in range(repeat):
            pm_times.append(timed(lambda: run(papermill, cwd=NOTEBOOKS)))
            render_times.append(timed(lambda: run(render)))
        run([tool("workbook"), "demo", "--out", str(out / "demo"), "--quiet"])
        sizes = {p.name: p.stat().st_size / 1000 for p in (out / "demo").glob("*.html")
                 if not p.name.endswith(".consultant.html") and p.name != "portfolio.html"}
    pm, rd = statistics.median(pm_times), statistics.median(render_times)
    ratio = rd / pm
    largest = max(sizes, key=lambda k: sizes[k])
    print(f"one render ({folder.name}, medians of {repeat}): papermill CLI alone {pm:.1f} s, workbook render "
          f"{rd:.1f} s (results + papermill + handout export) -> {ratio:.2f}x (target <= 0.5x)")
    print(f"demo handouts: largest {largest} {sizes[largest]:.0f} KB, smallest {min(sizes.values()):.0f} KB "
          f"(target <= 500 KB)")
    return {"papermill_s": pm, "render_s": rd, "ratio": ratio, "handout_kb": sizes[largest]}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
