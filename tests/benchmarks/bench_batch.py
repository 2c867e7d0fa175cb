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


def _people(folder: Path) -> list[str]:
    """The stakeholders' names in an engagement.yaml (the naive loop's export has no cover page with the client's name)."""
    meta = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    return [str(s["name"]) for s in meta.get("stakeholders") or [] if isinstance(s, dict) and s.get("name")]


def written_forms(name: str) -> set[str]:
    """A client name as it can appear in a handout: as written and HTML-escaped (``&`` as ``&amp;``, quotes as entities)."""
    from html import escape

    full = escape(name, quote=True)
    return {name, escape(name, quote=False), full, full.replace("&#x27;", "&#39;")}


def _leaks(folders: list[Path], clients: dict[str, str], out: Path, suffix: str) -> list[str]:
    """Handouts naming neither their own client nor its stakeholders, or naming a client of another demo engagement.

    ``workbook batch`` puts the client's name on the handout's cover; the naive loop's export
    (nbconvert's own template) has no cover, so its own report is recognised by the people named in it.
    """
    bad = []
    for f in folders:
        path = out / f"{f.name}{suffix}"
        if not path.is_file():
            bad.append(f"{path.name}: not written")
            continue
        text = path.read_text(encoding="utf-8")
        own = clients[f.name]
        marks = set().union(*(written_forms(name) for name in [own, *_people(f)]))
        if not any(form in text for form in marks):
            bad.append(f"{path.name}: neither '{own}' nor one of its stakeholders")
        others = {c for c in clients.values() if c != own and own not in c and c not in own}
        bad += [f"{path.name}: names '{c}'" for c in sorted(others) if any(form in text for form in written_forms(c))]
    return bad


def leak_check_catches_a_leak(folders: list[Path], clients: dict[str, str], out: Path) -> bool:
    """Whether :func:`_leaks` flags a handout into which another client's name was planted (escaped, as HTML writes it).

    Run on a copy of the first handout of ``out``: the check is only worth its "no leak" when it
    can say "leak".
    """
    source = next((f for f in folders if (out / f"{f.name}.html").is_file()), None)
    other = next((c for f, c in clients.items() if source is not None and c != clients[source.name]
                  and c not in clients[source.name] and clients[source.name] not in c), None)
    if source is None or other is None:
        return False
    with tempfile.TemporaryDirectory(prefix="cg-bench-leak-") as tmp:
        planted = Path(tmp) / f"{source.name}.html"
        text = (out / f"{source.name}.html").read_text(encoding="utf-8")
        planted.write_text(text.replace("</body>", f"<p>{escape_html(other)}</p></body>", 1), encoding="utf-8")
        return any("names" in p for p in _leaks([source], clients, Path(tmp), ".html"))


def escape_html(text: str) -> str:
    """``text`` escaped as the handout escapes client text."""
    from html import escape

    return escape(text, quote=True)


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
        catches = all(leak_check_catches_a_leak(folders, clients, root / way) for way in ("batch-0", "naive-0"))
    batch = statistics.median(r[0] for r in batch_runs)
    naive = statistics.median(naive_runs)
    cpu = statistics.median(r[2] for r in batch_runs) / n
    ratio = naive / batch
    print(f"batch of {n} (medians of {repeat}): naive papermill + nbconvert CLI loop {naive:.1f} s, "
          f"workbook batch (jobs={os.cpu_count()}) {batch:.1f} s -> {ratio:.1f}x faster (target >= 10x)")
    print(f"CPU per report in workbook batch: {cpu:.2f} CPU-s (whole process tree / {n}; target <= 1.0); "
          f"peak memory {statistics.median(r[1] for r in batch_runs):.0f} MB")
    print("handouts of both ways: " + ("each is its own client's and names no other client" if not leaks else
                                      f"{len(leaks)} problem(s), first: {leaks[0]}")
          + ("; the check flags a planted leak" if catches else "; WARNING: the check did not flag a planted leak"))
    return {"batch_s": batch, "naive_s": naive, "ratio": ratio, "cpu_per_report": cpu}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
