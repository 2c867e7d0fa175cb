"""Render a whole portfolio of engagements: a process pool (or a Dask cluster) and a roll-up.

Each engagement renders in its own worker process (papermill changes the working directory,
which is not thread-safe); a worker keeps the next report's kernel booting while the current
one runs. One failing engagement never stops the others. At the end ``OUT/portfolio.csv``
holds one row per engagement and ``OUT/portfolio.html`` shows the distribution of stages and
each client's percentile within the portfolio.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from helpers import TEMPLATES
from helpers.fileio import atomic_write_text
from helpers.formatting import long_date
from helpers.formatting import format_signed
from helpers.render.engine import keep_kernels_ahead, prestart_kernel
from helpers.render.handout import RenderResult, exporter, render_engagement, slug_for
from helpers.vocabulary import STAGES

#: Funnel step rates copied into the portfolio (fractions 0..1), in funnel order.
FUNNEL_RATES = ("created_mql", "mql_sal", "mql_sql", "sal_sql", "sql_opportunity", "opportunity_won", "sql_won")
PORTFOLIO_COLUMNS = (["slug", "client", "status", "index", "interval_low", "interval_high", "stage",
                      "percentile", "gap", "gap_significant", "level_gap", "widest_gap_dimension",
                      "widest_gap", "respondents"] + [f"rate_{r}" for r in FUNNEL_RATES]
                     + ["response_median_hours", "share_within_sla", "error"])


@dataclass
class BatchSummary:
    """The outcome of a batch.

    Parameters
    ----------
    results : list of RenderResult
        One per engagement, in the order given.
    out : Path
        The output folder.
    portfolio_csv, portfolio_html : Path or None
        The roll-up files (None when nothing rendered).
    """

    results: list[RenderResult]
    out: Path
    portfolio_csv: Path | None = None
    portfolio_html: Path | None = None

    @property
    def failed(self) -> list[RenderResult]:
        """The engagements that produced no handout."""
        return [r for r in self.results if not r.ok]


def _worker_init() -> None:
    """Pay the heavy imports once per worker and keep a kernel booting ahead."""
    keep_kernels_ahead()
    prestart_kernel()  # boots while this worker imports and loads its first engagement
    exporter()


def render_job(folder: Path, out: Path, pdf: bool = False) -> RenderResult:
    """Render one engagement in a worker; a crash becomes a failed result, never an exception."""
    try:
        keep_kernels_ahead()
        return render_engagement(folder, out, pdf=pdf)
    except Exception as exc:  # a bug in one engagement's analysis must not stop the batch
        text = str(exc).splitlines()[0] if str(exc) else ""
        return RenderResult(slug_for(folder), Path(folder), False, error=f"{type(exc).__name__}: {text}",
                            client=Path(folder).name)


def _executor(jobs: int, scheduler: str | None) -> tuple[cf.Executor, Any]:
    if scheduler:
        from dask.distributed import Client

        client = Client(scheduler)
        return client.get_executor(pure=False), client
    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding zmq sockets and threads
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init), None


def run_batch(folders: list[Path], out: Path, *, jobs: int | None = None, scheduler: str | None = None,
              pdf: bool = False, progress: bool = True) -> BatchSummary:
    """Render every engagement folder, in parallel, then write the portfolio roll-up.

    Parameters
    ----------
    folders : list of Path
        Engagement folders (see :func:`find_engagements`).
    out : Path
        Output folder for every handout and the portfolio files.
    jobs : int, optional
        Worker processes; default the number of cores. Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``); the jobs then run on
        that cluster's workers, which must have this package installed and see the folders.
    pdf : bool
        Also print each handout to PDF.
    progress : bool
        Show a progress bar naming the engagements in flight.

    Returns
    -------
    BatchSummary
    """
    from tqdm.auto import tqdm

    out = Path(out).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    folders = [Path(f).expanduser().resolve() for f in folders]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(folders) or 1))
    results: dict[int, RenderResult] = {}
    executor, client = _executor(jobs, scheduler)
    bar = tqdm(total=len(folders), unit="engagement", desc="render", disable=not progress)
    try:
        pending = {executor.submit(render_job, f, out, pdf): i for i, f in enumerate(folders)}
        while pending:
            running = [folders[i].name for f, i in pending.items() if f.running()]
            bar.set_postfix_str(", ".join(running[:3]) + (" ..." if len(running) > 3 else ""), refresh=True)
            done, _ = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                try:
                    results[i] = fut.result()
                except Exception as exc:  # a worker died (out of memory, killed)
                    results[i] = RenderResult(slug_for(folders[i]), folders[i], False, client=folders[i].name,
                                              error=f"worker failed: {type(exc).__name__}: {exc}".splitlines()[0])
                bar.update(1)
    finally:
        bar.close()
        executor.shutdown(wait=True)
        if client is not None:
            client.close()
    ordered = [results[i] for i in range(len(folders))]
    summary = BatchSummary(ordered, out)
    if ordered:
        summary.portfolio_csv, summary.portfolio_html = write_portfolio(ordered, out)
    return summary


def _read_results(result: RenderResult) -> dict[str, Any] | None:
    from helpers.results import read_json

    path = result.outputs.get("json")
    return read_json(path) if result.ok and path is not None and Path(path).is_file() else None


def portfolio_rows(results: list[RenderResult]) -> list[dict[str, Any]]:
    """One row per engagement (see :data:`PORTFOLIO_COLUMNS`); percentile of the index among those rendered."""
    import pandas as pd

    rows = []
    for res in results:
        data = _read_results(res) or {}
        dims = data.get("dimensions") or {}
        gaps = {d: v["gap"] for d, v in dims.items() if isinstance(v, dict) and v.get("gap") is not None}
        widest = max(gaps, key=lambda d: abs(gaps[d])) if gaps else None
        funnel = data.get("funnel") or {}
        rates = funnel.get("rates") or {}
        response = funnel.get("response") or {}
        row = {"slug": res.slug, "client": data.get("client") or res.client,
               "status": "ok" if res.ok else "failed", "index": data.get("index"),
               "interval_low": (data.get("interval") or [None, None])[0],
               "interval_high": (data.get("interval") or [None, None])[1], "stage": data.get("stage"),
               "percentile": None, "gap": data.get("gap"), "gap_significant": data.get("gap_significant"),
               "level_gap": (data.get("levels") or {}).get("gap"), "widest_gap_dimension": widest,
               "widest_gap": gaps.get(widest) if widest else None,
               "widest_gap_label": (dims.get(widest) or {}).get("label") or widest if widest else None,
               "respondents": (data.get("respondents") or {}).get("used"), "date": long_date(data.get("date"))}
        row.update({f"rate_{r}": rates.get(r) for r in FUNNEL_RATES})
        row.update(response_median_hours=response.get("median_hours"),
                   share_within_sla=response.get("share_within_sla"),
                   error=None if res.ok else (res.error or "; ".join(str(p) for p in res.problems[:3])))
        rows.append(row)
    index = pd.Series([r["index"] for r in rows], dtype="Float64")
    pct = (index.rank(method="max", pct=True) * 100).round(0)
    for row, value in zip(rows, pct):
        row["percentile"] = None if pd.isna(value) else int(value)
    return rows


def write_portfolio(results: list[RenderResult], out: Path) -> tuple[Path, Path]:
    """Write ``OUT/portfolio.csv`` and the overview handout ``OUT/portfolio.html``."""
    import pandas as pd

    rows = portfolio_rows(results)
    frame = pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS).astype({"percentile": "Int64", "respondents": "Int64"})
    csv_path = atomic_write_text(Path(out) / "portfolio.csv", frame.to_csv(index=False))
    scored = [r for r in rows if r["stage"] in STAGES]
    counts = {s: sum(1 for r in scored if r["stage"] == s) for s in STAGES}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / "handout")), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["signed"] = format_signed  # the handouts' number style: true minus sign, one decimal
    # our own stylesheet (not client text): inserted as is, entities are not decoded inside <style>
    css = markupsafe.Markup((TEMPLATES / "handout" / "static" / "handout.css").read_text(encoding="utf-8"))
    ranked = sorted(rows, key=lambda r: (r["index"] is None, -(r["index"] or 0), r["client"]))
    html = env.get_template("portfolio.html.j2").render(
        css=css, rows=ranked, counts=counts, total=len(rows), scored=len(scored),
        failed=[r for r in rows if r["status"] != "ok"], most=max(counts.values()) if counts else 0)
    html_path = atomic_write_text(Path(out) / "portfolio.html", html)
    return csv_path, html_path
