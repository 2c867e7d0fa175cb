"""The ``workbook`` command: new, check, survey, render, batch, demo.

Expected mistakes (a missing folder, a rating of 7, bad YAML) are printed as one line per
problem, ``file[:row]: what is wrong; how to fix it``, and the command exits 1; it never shows
a traceback for them. An output folder that cannot be written (a file, read-only, a full disk)
is one ``error:`` line. Text that comes from client files passes through
:func:`helpers.textsafe.terminal` before it is printed, so it cannot move the cursor, recolour
or clear the terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence, TextIO

from helpers import __version__
from helpers.content.errors import ContentInvalid
from helpers.problems import Problem, Problems
from helpers.textsafe import terminal

if TYPE_CHECKING:
    from helpers.engagement.load import Engagement
    from helpers.render.result import Extras, RenderResult


def _say(text: object, stream: TextIO | None = None) -> None:
    """Print a line that may hold client text, stripped of escape sequences and control characters."""
    print(terminal(text), file=stream or sys.stdout)


def _print_problems(label: str, problems: Sequence[Problem], stream: TextIO | None = None) -> None:
    problems = Problems(problems)
    for p in problems.errors:
        _say(f"  error   {p}", stream)
    for p in problems.warnings:
        _say(f"  warning {p}", stream)


def _summary_line(eng: Engagement) -> str:
    """What data an engagement holds, in one line."""
    parts = []
    survey = eng.survey
    if survey is not None:
        counts = survey["team"].value_counts()
        parts.append(f"survey: {len(survey)} respondents "
                     f"({int(counts.get('sales', 0))} sales, {int(counts.get('marketing', 0))} marketing)")
    else:
        parts.append("survey: none")
    parts.append(f"interviews: {len(eng.interviews)}")
    parts.append("journey: yes" if eng.journey is not None else "journey: none")
    if eng.funnel is not None:
        parts.append(f"funnel: {len(eng.funnel)} lead{'' if len(eng.funnel) == 1 else 's'}")
    else:
        parts.append("funnel: none")
    parts.append("plan: yes" if eng.plan else "plan: engine only")
    if eng.meta.previous is not None:
        parts.append(f"previous wave: {eng.meta.previous.name}")
    return "; ".join(parts)


def cmd_new(args: argparse.Namespace) -> int:
    """Scaffold a new engagement folder."""
    from helpers.engagement.scaffold import scaffold

    date = None
    if args.date:
        try:
            date = dt.date.fromisoformat(args.date)
        except ValueError:
            print(f"error: --date {args.date!r} is not an ISO date; write it as YYYY-MM-DD", file=sys.stderr)
            return 1
    try:
        written = scaffold(args.dir, args.client, consultant=args.consultant or "",
                           industry=args.industry or "", date=date)
    except FileExistsError:
        print(f"error: {args.dir} already holds an engagement.yaml; nothing was changed", file=sys.stderr)
        return 1
    print(f"Created engagement '{args.client}' in {args.dir}:")
    for path in written:
        print(f"  {path}")
    print("Next: fill in engagement.yaml, collect survey answers, interview both teams "
          "(notebooks/01_discovery_interview.ipynb), then `workbook check` and `workbook render`.")
    return 0


def content_problems() -> list[Problem]:
    """Problems in the editable content of ``templates/`` (instrument, questions, playbook, lead sources, CRM mappings)."""
    from helpers import TEMPLATES
    from helpers.content.crm import load_crm
    from helpers.content.instrument import load_instrument
    from helpers.content.lead_sources import load_lead_sources
    from helpers.content.playbook import load_playbook
    from helpers.content.question_bank import load_questions

    problems: list[Problem] = []  # each file read once: the engagement's loading takes the same models
    problems.extend(load_instrument.read()[1])
    problems.extend(load_questions.read()[1])
    problems.extend(load_playbook.read()[1])
    problems.extend(load_lead_sources.read()[1])
    for mapping in sorted((TEMPLATES / "crm").glob("*.yaml")):
        problems.extend(load_crm(mapping.stem)[1])
    return problems


def _source_lines(eng: Engagement) -> list[str]:
    """How the survey and funnel files were read: the layout or mapping, and the columns taken."""
    from helpers.engagement.survey_layouts import FORMAT_NAMES

    lines: list[str] = []
    survey = eng.survey
    if survey is not None:
        fmt = str(survey.attrs.get("format", ""))
        parts = [f"survey: read {survey.attrs.get('source', 'the survey')} as {FORMAT_NAMES.get(fmt, fmt)}"]
        for role, (header, why) in (survey.attrs.get("columns") or {}).items():
            parts.append(f"{role} from column '{header}' ({why})")
        if "level" not in (survey.attrs.get("columns") or {}):
            parts.append("no level column (leader/staff comparison left out)")
        unsure = sum(survey.attrs.get("dont_know") or [])
        if unsure:
            parts.append(f"{unsure} \"don't know\" answer{'s' if unsure != 1 else ''} kept as missing")
        lines.append("; ".join(parts))
    funnel = eng.funnel
    if funnel is not None:
        mapping: dict[str, Any] = dict(funnel.attrs.get("mapping") or {})
        how = {"headers": "chosen from the export's headers", "crm:": "set by crm:",
               "columns:": "set by columns:"}.get(str(mapping.get("chosen")), "")
        name = (f"the {mapping['name']} mapping ({mapping['file']}, {how})" if mapping.get("name")
                else "its own column names")
        where = f", sheet '{mapping['sheet']}'" if mapping.get("sheet") not in (None, "0") else ""
        where += f", header on row {mapping['header_row']}" if int(mapping.get("header_row") or 1) > 1 else ""
        parts = [f"funnel: read with {name}{where}"]
        if mapping.get("hidden"):
            parts.append("hidden columns ignored: " + ", ".join(f"'{h}'" for h in mapping["hidden"]))
        for result, values in (funnel.attrs.get("outcomes") or {}).items():
            if values:
                parts.append(f"taken as {result}: " + ", ".join(f"'{v}' ({n})" for v, n in values.items()))
        if funnel.attrs.get("handoff_date") is False:
            parts.append("no MQL or hand-off date, so speed to lead is measured from lead creation")
        lines.append("; ".join(parts))
    return lines


def _check_one(folder: Path) -> bool:
    from concurrent.futures import ThreadPoolExecutor

    from helpers.engagement.load import load
    from helpers.fileio import forget_read_ahead

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load") as pool:
        loading = pool.submit(load, folder)
        # imported while the folder is read (a large funnel export is parsed without the GIL); the
        # survey is scored for its warnings only, so scipy's special functions are never imported
        from helpers.analysis.discovery import synthesize
        from helpers.analysis.survey import score

        eng, problems = loading.result()
    forget_read_ahead()  # a table read ahead and not used (the folder had no usable funnel.csv)
    if eng is not None and eng.survey is not None:  # scoring warns about respondents it leaves out
        problems.extend(score(eng.survey, eng.instrument, invited=eng.meta.survey.invited,
                              min_group=eng.meta.confidentiality.min_group, warnings_only=True)[1])
    status = "usable" if eng is not None else "NOT usable"
    _say(f"{folder.name}: {status}")
    if eng is not None:
        _say(f"  {_summary_line(eng)}")
        for line in _source_lines(eng):
            _say(f"  {line}")
    _print_problems(folder.name, problems)
    if eng is not None:  # the stakeholder map's red flags, for the consultant (by name)
        synthesis: dict[str, Any] = dict(synthesize(eng.interviews, eng.meta.stakeholders) or {})
        for flag in synthesis.get("red_flags") or []:
            _say(f"  note    stakeholders: {flag['message']}")
    return eng is not None


def cmd_check(args: argparse.Namespace) -> int:
    """Validate one engagement, or every engagement directly under a portfolio folder."""
    from helpers.engagement.funnel_ahead import read_funnel_ahead

    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"error: {folder} is not a folder; give an engagement folder (it holds engagement.yaml)", file=sys.stderr)
        return 1
    read_funnel_ahead(folder)  # a large export is parsed while pandas and the readers are imported

    from helpers.engagement.load import find_engagements, is_engagement

    folders = [folder] if is_engagement(folder) else find_engagements(folder)
    if not folders:
        print(f"error: {folder} holds no engagement.yaml, and no folder under it does; "
              "create one with `workbook new DIR --client NAME`", file=sys.stderr)
        return 1
    content = Problems(content_problems())
    if content:
        print("templates/ (content shared by every engagement):")
        _print_problems("templates", content)
    ok = [_check_one(f) for f in folders]
    return 0 if all(ok) and content.ok else 1


def cmd_survey(args: argparse.Namespace) -> int:
    """Write the survey collection kit (CSV template, printable questionnaire)."""
    from helpers.content.instrument import load_instrument
    from helpers.engagement.scaffold import write_collection_kit

    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"error: {folder} is not a folder; create the engagement first with `workbook new`", file=sys.stderr)
        return 1
    for path in write_collection_kit(folder, load_instrument()):
        print(f"wrote {path}")
    return 0


def _stale_line(result: RenderResult, out: Path) -> str | None:
    """The sentence saying that the previous set of a render that wrote nothing is out of date."""
    manifest = result.stale
    if not manifest:
        return None
    files: dict[str, Any] = manifest.get("files") or {}
    first: dict[str, Any] = files.get("html") or next(iter(files.values()), {})
    name = str(first.get("file") or f"{result.slug}.html")
    when = str(manifest.get("written") or "").replace("T", " ").replace("Z", " UTC")
    return (f"  stale   the previous handout {Path(out) / name}{f' (written {when})' if when else ''} was kept "
            "unchanged but no longer matches the engagement folder; fix the problem and render again")


def _report_render(result: RenderResult, out: Path) -> None:
    if result.ok:
        _say(f"{result.slug}: handout {result.outputs.get('html')}")
        for kind, path in sorted(result.outputs.items()):
            if kind != "html":
                _say(f"  {kind:8} {path}")
    elif result.problems and Problems(result.problems).errors:
        _say(f"{result.slug}: FAILED, the engagement folder has errors (nothing new was written):")
    else:
        _say(f"{result.slug}: FAILED{': ' + result.error if result.error else ''}")
        if result.outputs.get("html"):  # written, but something after it (the PDF) was not
            _say(f"  html  {result.outputs['html']}")
    if result.note:
        _say(f"  note    {result.note}")
    stale = _stale_line(result, out)
    if stale:
        _say(stale)
    _print_problems(result.slug, result.problems)


def _out_error(out: Path) -> bool:
    """Print the one ``error:`` line when nothing can be written into ``out``; True then."""
    from helpers.render.outputs import check_out_folder

    message = check_out_folder(out)
    if message is not None:
        _say(f"error: {message}; nothing was written", sys.stderr)
    return message is not None


def _extras(args: argparse.Namespace) -> Extras | None:
    """The working files asked for on the command line; None (after one ``error:`` line) when the
    ``--deck-template`` given cannot be used."""
    from helpers.render.result import Extras

    every = getattr(args, "all_outputs", False)
    template = Path(args.deck_template).expanduser().resolve() if getattr(args, "deck_template", None) else None
    if template is not None:
        from helpers.engagement.meta import deck_template_problem  # the readers' start-up, only when asked

        reason = deck_template_problem(template)
        if reason is not None:
            _say(f"error: --deck-template {reason}; give a .pptx file, or leave the option out to use the "
                 "default theme; nothing was written", sys.stderr)
            return None
    return Extras(pdf=args.pdf or every, deck=args.deck or every or template is not None, sla=args.sla or every,
                  xlsx=args.xlsx or every, deck_template=template)


def _bad_engine(engine: str | None) -> bool:
    """Say so (one line) when the engine asked for, or set in the environment, does not exist."""
    from helpers.render.engine import ENGINE_ENV, engine_choice

    try:
        engine_choice(engine)
    except ValueError as exc:
        _say(f"error: {ENGINE_ENV}: {exc}", sys.stderr)
        return True
    return False


def cmd_render(args: argparse.Namespace) -> int:
    """Render one engagement's handout."""
    from helpers.render.handout import render_engagement

    folder = Path(args.dir)
    if not folder.is_dir():
        _say(f"error: {folder} is not a folder; give an engagement folder (it holds engagement.yaml)", sys.stderr)
        return 1
    if _out_error(Path(args.out)) or _bad_engine(args.engine):
        return 1
    extras = _extras(args)
    if extras is None:
        return 1
    result = render_engagement(folder, Path(args.out), extras=extras, engine=args.engine)
    if result.output_error:
        _say(f"error: {result.error}; nothing was written", sys.stderr)
        stale = _stale_line(result, Path(args.out))
        if stale:
            _say(stale, sys.stderr)
        return 1
    _report_render(result, Path(args.out))
    return 0 if result.ok else 1


def _batch(folders: list[Path], args: argparse.Namespace) -> int:
    from helpers.batch import run_batch
    from helpers.render.engine import ENGINE_ENV

    if _out_error(Path(args.out)):
        return 1
    extras = _extras(args)
    if extras is None:
        return 1
    if args.engine:  # the worker processes read it (they inherit this environment)
        os.environ[ENGINE_ENV] = args.engine
    if _bad_engine(args.engine):
        return 1
    summary = run_batch(folders, Path(args.out), jobs=args.jobs, scheduler=getattr(args, "scheduler", None),
                        progress=not args.quiet, extras=extras)
    for result in summary.results:
        _report_render(result, summary.out)
    written = summary.written  # counted on disk: a set whose files are not all there is not "written"
    missing = [r for r in summary.results if r.ok and r not in written]
    _say(f"\n{len(written)} of {len(summary.results)} handouts written to {summary.out}/")
    if summary.portfolio_html:
        _say(f"portfolio overview: {summary.portfolio_html}")
    if summary.portfolio_csv:
        _say(f"portfolio table:    {summary.portfolio_csv}")
    if missing:
        _say(f"not on disk as written: {', '.join(r.slug for r in missing)} (render them again)")
    if summary.failed:
        _say(f"failed: {', '.join(r.slug for r in summary.failed)} (problems listed above)")
    errors = list(dict.fromkeys(r.error for r in summary.results if r.output_error and r.error))
    errors += [summary.portfolio_error] if summary.portfolio_error else []
    for message in errors:
        _say(f"error: {message}", sys.stderr)
    return 0 if len(written) == len(summary.results) and not errors else 1


def cmd_batch(args: argparse.Namespace) -> int:
    """Render every engagement directly under a folder."""
    from helpers.engagement.folders import find_engagements  # the coordinator never imports the readers

    root = Path(args.dir)
    if not root.is_dir():
        print(f"error: {root} is not a folder; give the folder that holds the engagement folders", file=sys.stderr)
        return 1
    folders = find_engagements(root)
    if not folders:
        print(f"error: no folder directly under {root} holds an engagement.yaml", file=sys.stderr)
        return 1
    return _batch(folders, args)


def cmd_demo(args: argparse.Namespace) -> int:
    """Render the bundled demo engagements."""
    from helpers.demo.generator import demo_folders

    code = _batch(demo_folders(), args)
    print(f"\nOpen the demo handouts in a browser: {Path(args.out).resolve()}/*.html")
    return code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``workbook``."""
    parser = argparse.ArgumentParser(
        prog="workbook",
        description="Common Ground: sales and marketing alignment workbook.",
        epilog="An engagement folder holds one client's data; see the README, 'Engagement folder'.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("new", help="create a new engagement folder from templates/")
    p.add_argument("dir", help="the new engagement folder")
    p.add_argument("--client", required=True, help="client display name")
    p.add_argument("--consultant", help="your name, shown on the handout cover")
    p.add_argument("--industry", help="the client's industry")
    p.add_argument("--date", help="date of this wave, YYYY-MM-DD (default: today)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("check", help="validate an engagement (or every engagement under a folder)")
    p.add_argument("dir", help="engagement folder, or a folder of engagement folders")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("survey", help="write the survey CSV template and printable questionnaire")
    p.add_argument("dir", help="engagement folder")
    p.set_defaults(func=cmd_survey)

    def outputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", default="reports", help="output folder (default: reports/)")
        p.add_argument("--pdf", action="store_true", help="also print each handout to PDF with headless Chromium")
        p.add_argument("--deck", action="store_true", help="also write the readout deck, <slug>.pptx")
        p.add_argument("--deck-template", metavar="PPTX",
                       help="a .pptx whose theme every deck uses (engagement.yaml's deck: template: wins); "
                            "implies --deck")
        p.add_argument("--sla", action="store_true", help="also write the SLA draft, <slug>.sla.html")
        p.add_argument("--xlsx", action="store_true", help="also write the results workbook, <slug>.xlsx")
        p.add_argument("--all-outputs", action="store_true",
                       help="write every file: handout, PDF, deck, SLA draft and results workbook")
        p.add_argument("--engine", choices=["inprocess", "kernel"], default=None,
                       help="run the report notebook in this process (inprocess, the default: no kernel to "
                            "start) or on an IPython kernel (kernel); both give the same handout")

    p = sub.add_parser("render", help="render one engagement's client handout")
    p.add_argument("dir", help="engagement folder")
    outputs(p)
    p.set_defaults(func=cmd_render)

    def pool(p: argparse.ArgumentParser) -> None:
        p.add_argument("--jobs", type=int, default=None, help="parallel renders (default: number of cores)")
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("batch", help="render every engagement folder directly under DIR")
    p.add_argument("dir", help="folder holding engagement folders")
    outputs(p)
    pool(p)
    p.add_argument("--scheduler", help="address of a Dask distributed scheduler to run the renders on")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("demo", help="render the bundled demo engagements")
    outputs(p)
    pool(p)
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``workbook`` console script."""
    args = build_parser().parse_args(argv)
    from helpers.render.engine import skip_iri_format_checker

    skip_iri_format_checker()  # the workbook's own process: no notebook schema uses the iri formats
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        print("error: --jobs must be 1 or more", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except ContentInvalid as exc:  # broken content in templates/ (instrument, questions, playbook)
        print(f"error: {exc.path} cannot be used:", file=sys.stderr)
        _print_problems(str(exc.path), exc.problems, sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def run() -> None:
    """The ``workbook`` console script: :func:`main` with one BLAS thread, then exit without a last collection of every object.

    At exit Python's garbage collector walks everything still alive once more, only for the
    system to take the memory back anyway: after reading a million-lead export that was a third
    of a second of ``workbook check`` (3.46-3.75 s against 3.20-3.38 s, four alternate runs).
    :func:`gc.freeze` puts every object out of its reach first; flushing, ``atexit`` handlers and
    module teardown still run, and the exit code is :func:`main`'s. Only the console script
    does this: :func:`main` called in a process that goes on (tests, a notebook) leaves the
    collector as it was.
    """
    import gc

    # Before numpy is imported: OpenBLAS's own threads wait for work by spinning, on the core the
    # reading ahead of a large export uses (0.13 CPU-s of a million-lead check); the workbook's
    # linear algebra is a few small matrices. Batch workers do the same (helpers.render.preload).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
