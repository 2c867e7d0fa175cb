"""Benchmark: ``workbook batch`` vs the naive sequential CLI loop, and CPU seconds per report.

The naive loop is what a user would write: for each client, the ``papermill`` CLI then
``jupyter nbconvert --to html --no-input``, one after the other. Both are run as a user runs
them, from the shell, on the same ``n`` demo-sized engagements, alternating, ``repeat`` times;
the medians are compared. CPU seconds per report are those of the whole ``workbook batch``
process tree (workers included) divided by ``n``. The handouts of both ways are checked for
each client's own name and for no other client's. Printed, never asserted; the targets
(issue 18) are a ratio of at least 10x on 2 cores and at most 1.0 CPU-s per report.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

from tests.benchmarks.common import copy_engagements, naive_one, peak_run, timed, tool


def _clients(folders: list[Path]) -> dict[str, str]:
    """Folder name -> client name, as each engagement.yaml says."""
    return {f.name: yaml.safe_load((f / "engagement.yaml").read_text(encoding="utf-8"))["client"] for f in folders}


def _leaks(folders: list[Path], clients: dict[str, str], out: Path, suffix: str) -> list[str]:
    """Handouts missing their own client's name, or naming a client of another demo engagement."""
    from html import escape

    bad = []
    for f in folders:
        path = out / f"{f.name}{suffix}"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        own = clients[f.name]
        if escape(own, quote=False) not in text:
            bad.append(f"{path.name}: no '{own}'")
        others = {c for c in clients.values() if c != own and own not in c and c not in own}
        bad += [f"{path.name}: names '{c}'" for c in others if escape(c, quote=False) in text]
    return bad


def main(n: int = 20, repeat: int = 3) -> dict[str, float]:
    """Time both ways on ``n`` engagements; print and return the medians, ratio and CPU-s per report."""
    with tempfile.TemporaryDirectory(prefix="cg-bench-batch-") as tmp:
        root = Path(tmp)
        portfolio = root / "portfolio"
        folders = copy_engagements(n, portfolio)
        clients = _clients(folders)
        batch_runs, naive_runs = [], []
        for i in range(repeat):
            batch_out, naive_out = root / f"batch-{i}", root / f"naive-{i}"
            naive_out.mkdir()
            batch_runs.append(peak_run([tool("workbook"), "batch", str(portfolio), "--out", str(batch_out), "--quiet"]))
            naive_runs.append(timed(lambda: [naive_one(f, naive_out) for f in folders]))
        leaks = _leaks(folders, clients, root / "batch-0", ".html") + _leaks(folders, clients, root / "naive-0", ".html")
    batch = statistics.median(r[0] for r in batch_runs)
    naive = statistics.median(naive_runs)
    cpu = statistics.median(r[2] for r in batch_runs) / n
    ratio = naive / batch
    print(f"batch of {n} (medians of {repeat}): naive papermill + nbconvert CLI loop {naive:.1f} s, "
          f"workbook batch (jobs={os.cpu_count()}) {batch:.1f} s -> {ratio:.1f}x faster (target >= 10x)")
    print(f"CPU per report in workbook batch: {cpu:.2f} CPU-s (whole process tree / {n}; target <= 1.0); "
          f"peak memory {statistics.median(r[1] for r in batch_runs):.0f} MB")
    print("handouts of both ways: " + ("each names its own client and no other" if not leaks else
                                      f"{len(leaks)} problem(s), first: {leaks[0]}"))
    return {"batch_s": batch, "naive_s": naive, "ratio": ratio, "cpu_per_report": cpu}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
