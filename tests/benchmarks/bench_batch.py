"""Benchmark (a): ``run_batch`` with the default jobs vs the naive sequential CLI loop.

The naive loop is what a user would write: for each client, the ``papermill`` CLI then
``jupyter nbconvert --to html --no-input``, one after the other. Printed, never asserted;
the target from issue 6 is a ratio of at least 5x.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from helpers.batch import run_batch
from tests.benchmarks.common import copy_engagements, naive_one, timed


def main(n: int = 20) -> float:
    """Time both ways on ``n`` demo-sized engagements; print and return naive / batch."""
    with tempfile.TemporaryDirectory(prefix="cg-bench-batch-") as tmp:
        root = Path(tmp)
        folders = copy_engagements(n, root / "portfolio")
        naive_out, batch_out = root / "naive", root / "batch"
        naive_out.mkdir()
        summary_holder: list = []
        batch = timed(lambda: summary_holder.append(run_batch(folders, batch_out, progress=False)))
        failed = summary_holder[0].failed
        if failed:
            print(f"batch: {len(failed)} engagement(s) failed, first: {failed[0].slug}: {failed[0].error}")
        naive = timed(lambda: [naive_one(f, naive_out) for f in folders])
    ratio = naive / batch
    print(f"batch of {n}: naive papermill+nbconvert CLI loop {naive:.1f} s, "
          f"run_batch (jobs={os.cpu_count()}) {batch:.1f} s -> {ratio:.1f}x faster (target >= 5x)")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
