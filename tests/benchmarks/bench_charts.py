"""Benchmark: CPU-seconds of one warm in-process report, and the charts' share of it.

Every bundled demo engagement is rendered ``repeat`` times in this process (after one untimed
warm-up render), as ``workbook batch`` does in a worker; ``time.process_time()`` is taken around
each :func:`helpers.render.handout.render_engagement`. The charts' share is the CPU spent inside
the chart functions (building the figures) and :func:`helpers.report.section.figure_svg`
(drawing them as SVG). Printed, never asserted; the target (issue 18) is at most 1.0 CPU-s per
report in a batch. Run with ``python -m tests.benchmarks.bench_charts [repeat]``.
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.benchmarks.common import demo_folders

#: The chart functions the handout's sections call, by module.
CHART_FUNCTIONS = {
    "helpers.charts.survey": ("dot_plot", "gap_chart", "distribution_chart", "levels_chart"),
    "helpers.charts.funnel": ("funnel_chart", "response_chart", "source_chart", "stage_time_chart"),
    "helpers.charts.journey": ("journey_map", "journey_maps"),
    "helpers.charts.plan": ("before_after", "wave_history"),
}


class _Clock:
    """CPU time spent in the wrapped functions (outermost call only) and how often they ran."""

    def __init__(self) -> None:
        self.seconds = {"build": 0.0, "svg": 0.0}
        self.calls = {"build": 0, "svg": 0}
        self._depth = 0

    def wrap(self, kind: str, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return func(*args, **kwargs)
            self._depth += 1
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                self.seconds[kind] += time.process_time() - start
                self.calls[kind] += 1
                self._depth -= 1

        return timed


def _instrument(clock: _Clock) -> None:
    """Time the chart functions and ``figure_svg`` wherever the sections look them up."""
    import importlib

    # the modules themselves: helpers.report re-exports the section functions under the same names
    scorecard = importlib.import_module("helpers.report.scorecard")
    section = importlib.import_module("helpers.report.section")

    for name, functions in CHART_FUNCTIONS.items():
        module = importlib.import_module(name)
        for fn in functions:
            wrapped = clock.wrap("build", getattr(module, fn))
            setattr(module, fn, wrapped)
            if hasattr(scorecard, fn):
                setattr(scorecard, fn, wrapped)
    section.figure_svg = clock.wrap("svg", section.figure_svg)  # type: ignore[assignment]


def main(repeat: int = 2) -> dict[str, float]:
    """Render every demo ``repeat`` times warm; print and return the medians (CPU-s per report)."""
    from helpers.render.handout import render_engagement

    clock = _Clock()
    _instrument(clock)
    folders = demo_folders()
    totals: list[float] = []
    charts: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cg-bench-charts-") as tmp:
        render_engagement(folders[0], Path(tmp) / "warm-up")
        for k in range(repeat):
            for folder in folders:
                before = dict(clock.seconds)
                start = time.process_time()
                result = render_engagement(folder, Path(tmp) / f"{folder.name}-{k}")
                totals.append(time.process_time() - start)
                charts.append(sum(clock.seconds.values()) - sum(before.values()))
                if not result.ok:
                    raise RuntimeError(f"{folder.name} did not render: {result.error or result.problems}")
    per_report, chart = statistics.median(totals), statistics.median(charts)
    reports = len(totals)
    print(f"warm in-process report ({reports} renders of {len(folders)} demos): median {per_report:.2f} CPU-s "
          f"(min {min(totals):.2f}, max {max(totals):.2f}); charts median {chart:.2f} CPU-s "
          f"(min {min(charts):.2f}; {100 * chart / per_report:.0f}%): building {clock.seconds['build'] / reports:.2f}, "
          f"SVG {clock.seconds['svg'] / reports:.2f} per report on average, "
          f"{clock.calls['svg'] / reports:.1f} figures per report; load average {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores at the end (CPU time grows with other work on the machine)")
    return {"cpu_per_report": per_report, "chart_cpu": chart, "build_cpu": clock.seconds["build"] / reports,
            "svg_cpu": clock.seconds["svg"] / reports}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
