"""Render a whole portfolio of engagements: a process pool (or a Dask cluster) and a roll-up.

Each engagement renders in its own worker process (papermill changes the working directory,
which is not thread-safe); a worker keeps the next report's kernel booting while the current
one runs. Every engagement gets its own output name before anything starts
(:func:`helpers.render.outputs.assign_slugs`). One failing engagement never stops the others,
and neither does a worker process that dies (killed, out of memory): the pool is rebuilt, the
engagements that were running when it died are run once more, each in a process of its own,
and the others continue; an engagement that kills its process again is reported with the
cause. At the end ``OUT/portfolio.csv`` holds one row per engagement and
``OUT/portfolio.html`` shows the distribution of stages and each client's percentile within
the portfolio; :attr:`BatchSummary.written` counts the handouts actually on disk.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, cast

import jinja2
import markupsafe

from helpers import TEMPLATES
from helpers.formatting import long_date
from helpers.formatting import format_signed
from helpers.render.engine import engine_choice, keep_kernels_ahead, prestart_kernel
from helpers.render.result import Extras, RenderResult, slug_for
from helpers.render.outputs import (assign_slugs, describe_os_error, mark_stale, recover, remove_temps, verify,
                                    write_file)
from helpers.textsafe import csv_cell, terminal
from helpers.vocabulary import STAGES

if TYPE_CHECKING:  # read_json is imported where it is used, to keep `workbook`'s start-up fast
    from helpers.results import Results

#: Funnel step rates copied into the portfolio (fractions 0..1), in funnel order.
#: Each is the step's rate on the leads old enough to have converted (``results["funnel"]["rates"]``).
FUNNEL_RATES = ("created_mql", "mql_sal", "mql_sql", "sal_sql", "sql_opportunity", "opportunity_won", "sql_won",
                "mql_won")
#: Speed-to-lead and money columns: the censored median wait (hours; empty for date-only response
#: columns), the share within the client's own rule on its clock with its 95% interval, whether the
#: rule is agreed or proposed, and the expected bookings from MQLs not contacted (in ``currency``).
FUNNEL_COLUMNS = ("response_median_hours", "share_within_sla", "share_within_sla_low", "share_within_sla_high",
                  "sla_status", "at_stake_uncontacted", "currency")
PORTFOLIO_COLUMNS = (["slug", "client", "status", "index", "interval_low", "interval_high", "stage",
                      "percentile", "gap", "gap_significant", "level_gap", "widest_gap_dimension",
                      "widest_gap", "respondents"] + [f"rate_{r}" for r in FUNNEL_RATES]
                     + list(FUNNEL_COLUMNS) + ["error"])


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
        The roll-up files (None when nothing rendered or they could not be written).
    portfolio_error : str or None
        Why the roll-up files could not be written.
    """

    results: list[RenderResult]
    out: Path
    portfolio_csv: Path | None = None
    portfolio_html: Path | None = None
    portfolio_error: str | None = None

    @property
    def failed(self) -> list[RenderResult]:
        """The engagements that produced no handout."""
        return [r for r in self.results if not r.ok]

    @property
    def written(self) -> list[RenderResult]:
        """The engagements whose complete set is on disk now, as its manifest lists it."""
        return [r for r in self.results if r.ok and verify(self.out, r.slug, r.folder) is None]


#: How a dead worker is reported; the cause, when known, follows in parentheses.
WORKER_DIED = "the worker process died"


_started: Any = None  # in a pool worker: the queue on which it announces each job it starts


def _worker_init(started: Any = None, warm: bool = True, environment: dict[str, str] | None = None) -> None:
    """Take the coordinator's environment, pay the heavy imports once per worker, keep a kernel booting ahead.

    A worker forked from the fork server starts with the environment the server started with,
    which may be older than this batch's (a notebook that sets ``COMMON_GROUND_REPORT_NOTEBOOK``
    between two batches, a test that sets it for one): ``environment`` is the coordinator's, as
    a spawned worker would have it.
    """
    global _started
    _started = started
    if environment is not None and environment != dict(os.environ):
        os.environ.clear()
        os.environ.update(environment)
    if warm:
        from helpers.render.handout import exporter

        keep_kernels_ahead()
        prestart_kernel()  # boots while this worker imports and loads its first engagement
        exporter()


def render_job(folder: Path, out: Path, extras: Extras | bool = False, slug: str | None = None) -> RenderResult:
    """Render one engagement in a worker; a crash becomes a failed result, never an exception.

    ``extras`` names the files to write besides the handout (``True``: the PDF only).
    """
    try:
        from helpers.render.handout import render_engagement  # in the worker: the coordinator never renders

        keep_kernels_ahead()
        chosen = extras if isinstance(extras, Extras) else Extras(pdf=bool(extras))
        return render_engagement(folder, out, slug=slug, extras=chosen)
    except MemoryError:
        return RenderResult(slug or slug_for(folder), Path(folder), False, client=Path(folder).name,
                            error="ran out of memory while rendering (MemoryError)")
    except Exception as exc:  # a bug in one engagement's analysis must not stop the batch
        text = str(exc).splitlines()[0] if str(exc) else ""
        return RenderResult(slug or slug_for(folder), Path(folder), False, error=f"{type(exc).__name__}: {text}",
                            client=Path(folder).name)


Job = Callable[[Path, Path, Extras, "str | None"], RenderResult]


def _announced(index: int, job: Job, folder: Path, out: Path, pdf: Extras, slug: str | None) -> RenderResult:
    """Run ``job`` in a pool worker after telling the parent which job this process now runs."""
    if _started is not None:
        _started.put((index, os.getpid()))
    return job(folder, out, pdf, slug)


def _alone(conn: Any, job: Job, folder: Path, out: Path, pdf: Extras, slug: str | None) -> None:
    """Run ``job`` in a process of its own and send its result back."""
    try:
        result = job(folder, out, pdf, slug)
    except Exception as exc:  # a job normally returns a failed result itself
        result = RenderResult(slug or slug_for(folder), Path(folder), False, client=Path(folder).name,
                              error=job_error(exc))
    conn.send(result)
    conn.close()


def death_cause(exitcode: int | None) -> str:
    """What a dead worker's exit code says, as the message reported for its engagement."""
    if exitcode is None or exitcode == -signal.SIGKILL:
        return f"{WORKER_DIED} (killed or out of memory)"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"{WORKER_DIED} (killed by {name})"
    return f"{WORKER_DIED} (it exited with code {exitcode})"


def job_error(exc: BaseException) -> str:
    """The one-line message for an exception that came back from a job instead of a result."""
    if isinstance(exc, MemoryError):
        return "ran out of memory while rendering (MemoryError)"
    text = f"{type(exc).__name__}: {exc}".splitlines()[0].rstrip(": ")
    if type(exc).__name__ == "KilledWorker":  # Dask gave up on a worker that kept dying
        return f"{WORKER_DIED} ({text})"
    return text


#: The module the fork server imports before forking workers (see :mod:`helpers.render.preload`).
PRELOAD = "helpers.render.preload"


def worker_context(warm: bool = True) -> Any:
    """How worker processes start: forked from a warm fork server on Linux, else spawned.

    With the in-process engine on Linux, workers are forked from a server process that imported
    :data:`PRELOAD` once: they start with every import paid and the exporter built, and share
    those pages until they write to them; each takes the coordinator's environment when it
    starts (:func:`_worker_init`). This process itself is never forked (it may hold threads and
    a progress bar's state). With the kernel engine (zmq sockets must not be forked), and on
    macOS (whose system libraries are not fork-safe once loaded; Python spawns there by default)
    and Windows, each worker is spawned fresh. The server lives as long as this process: code
    under ``helpers/`` or the handout template edited since the first batch of a notebook session
    is seen by its workers after the kernel restarts, as by the kernel itself.
    """
    if warm and sys.platform == "linux" and engine_choice() == "inprocess":
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload([PRELOAD])
        return ctx
    return multiprocessing.get_context("spawn")


def _executor(jobs: int, scheduler: str | None, started: Any = None, warm: bool = True) -> tuple[cf.Executor, Any]:
    if scheduler:
        from dask.distributed import Client

        client = Client(scheduler)
        return client.get_executor(pure=False), client
    return cf.ProcessPoolExecutor(max_workers=jobs, mp_context=worker_context(warm), initializer=_worker_init,
                                  initargs=(started, warm, dict(os.environ))), None


class _Run:
    """The state of one batch: the jobs, their results and the progress bar."""

    def __init__(self, folders: list[Path], slugs: dict[Path, str], out: Path, pdf: Extras, job: Job, bar: Any) -> None:
        self.folders, self.slugs, self.out, self.pdf, self.job, self.bar = folders, slugs, out, pdf, job, bar
        self.results: dict[int, RenderResult] = {}

    def args(self, i: int) -> tuple[Path, Path, Extras, str | None]:
        return self.folders[i], self.out, self.pdf, self.slugs[self.folders[i]]

    def done(self, i: int, result: RenderResult) -> None:
        self.results[i] = result
        written = [Path(p).name for kind, p in result.outputs.items() if kind != "failed"]
        if written and not self.bar.disable:  # each file written, above the bar
            self.bar.write(terminal(f"{result.slug}: wrote {', '.join(written)}"))
        self.bar.update(1)

    def died(self, i: int, cause: str, pid: int | None) -> None:
        folder = self.folders[i]
        slug = self.slugs[folder]
        if pid is not None:
            remove_temps(self.out, slug, pid)
        result = RenderResult(slug, folder, False, client=folder.name, error=cause)
        result.stale = mark_stale(self.out, slug, folder, cause)
        self.done(i, result)

    def show(self, names: list[str]) -> None:
        self.bar.set_postfix_str(", ".join(names[:3]) + (" ..." if len(names) > 3 else ""), refresh=True)


def _pool_round(run: _Run, todo: list[int], jobs: int, scheduler: str | None, warm: bool) -> tuple[list[int], list[int], dict[int, int]]:
    """Run ``todo`` on one pool until done or the pool breaks.

    Returns
    -------
    (running, waiting, pids)
        When the pool broke: the jobs a worker had started (suspects) and those never started,
        with the process id that ran each started job; both lists empty otherwise.
    """
    # SimpleQueue: put() writes to the pipe at once, so a worker killed right after announcing is still known
    started_queue = None if scheduler else worker_context(warm).SimpleQueue()
    executor, client = _executor(jobs, scheduler, started_queue, warm)
    pids: dict[int, int] = {}
    broken: list[int] = []

    try:
        try:
            pending = {executor.submit(_announced, i, run.job, *run.args(i)): i for i in todo}
        except BrokenProcessPool:  # the pool died while jobs were being handed out
            pending = {}
            broken = list(todo)
        while pending:
            run.show([run.folders[i].name for f, i in pending.items() if f.running()])
            finished, _ = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                i = pending.pop(fut)
                try:
                    run.done(i, fut.result())
                except BrokenProcessPool:
                    broken.append(i)
                except Exception as exc:  # raised by the job itself, or Dask lost its worker
                    run.done(i, RenderResult(run.slugs[run.folders[i]], run.folders[i], False,
                                             client=run.folders[i].name, error=job_error(exc)))
    finally:
        executor.shutdown(wait=True)
        if client is not None:
            client.close()
    while started_queue is not None and not started_queue.empty():
        index, pid = started_queue.get()
        pids[index] = pid
    if started_queue is not None:
        started_queue.close()
    running = [i for i in broken if i in pids]
    waiting = [i for i in broken if i not in pids]
    return running, waiting, pids


def _isolated(run: _Run, todo: list[int], jobs: int) -> None:
    """Run each job of ``todo`` in a process of its own (at most ``jobs`` at a time)."""
    ctx = multiprocessing.get_context("spawn")
    queue = list(todo)
    live: dict[Any, tuple[int, Any, Any]] = {}  # sentinel -> (job, process, connection)
    got: dict[int, RenderResult] = {}
    while queue or live:
        while queue and len(live) < jobs:
            i = queue.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_alone, args=(child, run.job, *run.args(i)))
            proc.start()
            child.close()
            live[proc.sentinel] = (i, proc, parent)
        run.show([run.folders[i].name for i, _, _ in live.values()])
        conns = {c: i for i, _, c in live.values()}
        ready = multiprocessing.connection.wait(list(conns) + list(live), timeout=0.5)
        for conn, i in conns.items():
            if conn in ready:
                try:
                    got[i] = conn.recv()
                except (EOFError, OSError):  # the process died before sending
                    pass
        for sentinel in [s for s in ready if s in live]:
            i, proc, conn = live.pop(sentinel)
            proc.join()
            if i not in got and conn.poll():
                try:
                    got[i] = conn.recv()
                except (EOFError, OSError):
                    pass
            conn.close()
            if i in got:
                run.done(i, got.pop(i))
            else:
                run.died(i, death_cause(proc.exitcode), proc.pid)


def run_batch(folders: list[Path], out: Path, *, jobs: int | None = None, scheduler: str | None = None,
              pdf: bool = False, progress: bool = True, job: Job = render_job,
              extras: Extras | None = None) -> BatchSummary:
    """Render every engagement folder, in parallel, then write the portfolio roll-up.

    Parameters
    ----------
    folders : list of Path
        Engagement folders (see :func:`find_engagements`); a folder given twice renders once.
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
    job : callable
        ``job(folder, out, extras, slug) -> RenderResult``, run in the workers (default
        :func:`render_job`; a module-level function, so it can be sent to another process).
    extras : Extras, optional
        The working files to write for every engagement as well (deck, SLA draft, results
        workbook, a portfolio-wide deck template); ``pdf`` is added to it.

    Returns
    -------
    BatchSummary
        One result per folder. A worker that died costs only the engagement it was running:
        the engagements that were running when it died are run once more, each alone in a new
        process, and the ones not yet started continue on a new pool; an engagement whose
        process dies again is reported with :func:`death_cause`.
    """
    from tqdm.auto import tqdm

    out = Path(out).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    folders = list(dict.fromkeys(Path(f).expanduser().resolve() for f in folders))
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(folders) or 1))
    recover(out)
    plan = assign_slugs(folders, out)
    bar = tqdm(total=len(folders), unit="engagement", desc="render", disable=not progress)
    chosen = replace(extras or Extras(), pdf=pdf or (extras is not None and extras.pdf))
    run = _Run(folders, plan.slugs, out, chosen, job, bar)
    for i, folder in enumerate(folders):
        if folder in plan.refused:
            run.done(i, RenderResult(slug_for(folder), folder, False, client=folder.name,
                                     error=f"not rendered: {plan.refused[folder]}"))
    try:
        todo = [i for i in range(len(folders)) if i not in run.results]
        warm = job is render_job
        while todo:
            running, waiting, pids = _pool_round(run, todo, jobs, scheduler, warm)
            for i in running:  # each started once in a pool that died: run once more, alone
                remove_temps(out, plan.slugs[folders[i]], pids[i])
            if running:
                _isolated(run, running, jobs)
            if waiting and not running:  # the pool died before any job started: no second chance
                for i in waiting:
                    run.died(i, f"{WORKER_DIED} before it started this engagement", None)
                waiting = []
            todo = waiting
    finally:
        bar.close()
    for i, folder in enumerate(folders):
        if i in run.results and plan.notes.get(folder) and run.results[i].note is None:
            run.results[i].note = plan.notes[folder]
    ordered = [run.results[i] for i in range(len(folders))]
    summary = BatchSummary(ordered, out)
    if ordered:
        try:
            summary.portfolio_csv, summary.portfolio_html = write_portfolio(ordered, out)
        except OSError as exc:
            summary.portfolio_error = describe_os_error(exc, out)
    return summary


def _read_results(result: RenderResult) -> Results | None:
    """The client results a worker wrote (plain JSON: reading them needs none of the analysis modules)."""
    import json

    path = result.outputs.get("json")
    if not (result.ok and path is not None and Path(path).is_file()):
        return None
    return cast("Results", json.loads(Path(path).read_text(encoding="utf-8")))


#: The portfolio columns read from an engagement's results (besides client and date).
RESULT_COLUMNS = ("index", "interval_low", "interval_high", "stage", "gap", "gap_significant", "level_gap",
                  "widest_gap_dimension", "widest_gap", "widest_gap_label", "respondents",
                  *(f"rate_{r}" for r in FUNNEL_RATES), *FUNNEL_COLUMNS)


def _result_columns(data: Results) -> dict[str, Any]:
    """One engagement's :data:`RESULT_COLUMNS`: survey figures, the widest gap, funnel rates and speed."""
    dims = data["dimensions"]
    gaps = {d: v["gap"] for d, v in dims.items() if v["gap"] is not None}
    widest = max(gaps, key=lambda d: abs(gaps[d])) if gaps else None
    interval, levels, funnel = data["interval"], data["levels"], data["funnel"]
    speed = funnel["speed_to_lead"] if funnel is not None else None
    within = speed["within_rule"] if speed is not None else None
    return {"index": data["index"], "interval_low": interval[0] if interval else None,
            "interval_high": interval[1] if interval else None, "stage": data["stage"], "gap": data["gap"],
            "gap_significant": data["gap_significant"], "level_gap": levels["gap"] if levels is not None else None,
            "widest_gap_dimension": widest, "widest_gap": gaps[widest] if widest else None,
            "widest_gap_label": (dims[widest]["label"] or widest) if widest else None,
            "respondents": data["respondents"]["used"],
            # a step the CRM does not track has no rate
            **{f"rate_{r}": funnel["rates"].get(r) if funnel is not None else None for r in FUNNEL_RATES},
            "response_median_hours": (speed["wait"]["median"] if speed is not None and speed["unit"] == "hours"
                                      else None),
            "share_within_sla": within["share"] if within is not None else None,
            "share_within_sla_low": within["low"] if within is not None else None,
            "share_within_sla_high": within["high"] if within is not None else None,
            "sla_status": funnel["sla"]["status"] if funnel is not None else None,
            "at_stake_uncontacted": funnel["at_stake"]["uncontacted"]["amount"] if funnel is not None else None,
            "currency": funnel["currency"] if funnel is not None else None}


def portfolio_rows(results: list[RenderResult]) -> list[dict[str, Any]]:
    """One row per engagement (see :data:`PORTFOLIO_COLUMNS`); percentile of the index among those rendered."""
    rows = []
    for res in results:
        data = _read_results(res)   # None when the engagement failed: its figures stay empty
        row = {"slug": res.slug, "client": (data["client"] if data is not None else "") or res.client,
               "status": "ok" if res.ok else "failed", "percentile": None,
               **(_result_columns(data) if data is not None else dict.fromkeys(RESULT_COLUMNS)),
               "date": long_date(data["date"] if data is not None else None),
               "error": None if res.ok else (res.error or "; ".join(str(p) for p in res.problems[:3]))}
        rows.append(row)
    scores = [r["index"] for r in rows if r["index"] is not None]
    for row in rows:  # the share of scored engagements at or below this one (ties share the highest rank)
        if row["index"] is not None:
            row["percentile"] = int(round(100 * sum(1 for s in scores if s <= row["index"]) / len(scores)))
    return rows


#: Portfolio columns of whole numbers; the other numeric columns are measures, written as decimals.
WHOLE_COLUMNS = ("percentile", "respondents")


def _csv_value(column: str, value: Any) -> Any:
    """One portfolio cell as the CSV holds it: empty for none, a decimal for a measure, text that is never a formula."""
    if value is None:
        return ""
    if isinstance(value, bool) or column in WHOLE_COLUMNS:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return csv_cell(value)  # a client named =HYPERLINK(...) stays text


def write_portfolio(results: list[RenderResult], out: Path) -> tuple[Path, Path]:
    """Write ``OUT/portfolio.csv`` and the overview handout ``OUT/portfolio.html``."""
    import csv
    import io

    rows = portfolio_rows(results)
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(PORTFOLIO_COLUMNS)
    writer.writerows([_csv_value(c, row.get(c)) for c in PORTFOLIO_COLUMNS] for row in rows)
    csv_path = write_file(Path(out) / "portfolio.csv", table.getvalue().encode("utf-8"))
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
    html_path = write_file(Path(out) / "portfolio.html", html.encode("utf-8"))
    return csv_path, html_path
