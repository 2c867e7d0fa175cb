"""The ``workbook`` command: new, check, survey, render, batch, demo.

Expected mistakes (a missing folder, a rating of 7, bad YAML) are printed as one line per
problem, ``file[:row]: what is wrong; how to fix it``, and the command exits 1; it never shows
a traceback for them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TextIO

from helpers import __version__
from helpers.content.errors import ContentInvalid
from helpers.problems import Problem, Problems

if TYPE_CHECKING:
    from helpers.engagement.load import Engagement
    from helpers.render.handout import RenderResult


def _print_problems(label: str, problems: Sequence[Problem], stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    problems = Problems(problems)
    for p in problems.errors:
        print(f"  error   {p}", file=out)
    for p in problems.warnings:
        print(f"  warning {p}", file=out)


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
    """Problems in the editable content of ``templates/`` (instrument, questions, playbook, CRM mappings)."""
    from helpers import TEMPLATES
    from helpers.content.crm import load_crm
    from helpers.content.instrument import read_instrument
    from helpers.content.playbook import read_playbook
    from helpers.content.question_bank import read_question_bank

    problems: list[Problem] = []
    problems.extend(read_instrument()[1])
    problems.extend(read_question_bank()[1])
    problems.extend(read_playbook()[1])
    for mapping in sorted((TEMPLATES / "crm").glob("*.yaml")):
        problems.extend(load_crm(mapping.stem)[1])
    return problems


def _check_one(folder: Path) -> bool:
    from helpers.engagement.load import load

    eng, problems = load(folder)
    if eng is not None and eng.survey is not None:  # scoring warns about respondents it leaves out
        from helpers.analysis.survey import score

        problems.extend(score(eng.survey, eng.instrument)[1])
    status = "usable" if eng is not None else "NOT usable"
    print(f"{folder.name}: {status}")
    if eng is not None:
        print(f"  {_summary_line(eng)}")
    _print_problems(folder.name, problems)
    if eng is not None:  # the stakeholder map's red flags, for the consultant (by name)
        from helpers.analysis.discovery import synthesize

        synthesis = synthesize(eng.interviews, eng.meta.stakeholders) or {}
        for flag in synthesis.get("red_flags") or []:
            print(f"  note    stakeholders: {flag['message']}")
    return eng is not None


def cmd_check(args: argparse.Namespace) -> int:
    """Validate one engagement, or every engagement directly under a portfolio folder."""
    from helpers.engagement.load import find_engagements, is_engagement

    folder = Path(args.dir)
    if not folder.is_dir():
        print(f"error: {folder} is not a folder; give an engagement folder (it holds engagement.yaml)", file=sys.stderr)
        return 1
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


def _report_render(result: RenderResult) -> None:
    if result.ok:
        print(f"{result.slug}: handout {result.outputs.get('html')}")
        for kind, path in sorted(result.outputs.items()):
            if kind != "html":
                print(f"  {kind:5} {path}")
    elif result.problems and Problems(result.problems).errors:
        print(f"{result.slug}: FAILED, the engagement folder has errors (nothing was written):")
    else:
        print(f"{result.slug}: FAILED{': ' + result.error if result.error else ''}")
    _print_problems(result.slug, result.problems)


def cmd_render(args: argparse.Namespace) -> int:
    """Render one engagement's handout."""
    from helpers.render.handout import render_engagement

    folder = Path(args.dir)
    result = render_engagement(folder, Path(args.out), pdf=args.pdf)
    _report_render(result)
    return 0 if result.ok else 1


def _batch(folders: list[Path], args: argparse.Namespace) -> int:
    from helpers.batch import run_batch

    summary = run_batch(folders, Path(args.out), jobs=args.jobs, scheduler=getattr(args, "scheduler", None),
                        pdf=args.pdf, progress=not args.quiet)
    for result in summary.results:
        _report_render(result)
    done = len(summary.results) - len(summary.failed)
    print(f"\n{done} of {len(summary.results)} handouts written to {summary.out}/")
    if summary.portfolio_html:
        print(f"portfolio overview: {summary.portfolio_html}")
    if summary.portfolio_csv:
        print(f"portfolio table:    {summary.portfolio_csv}")
    if summary.failed:
        print(f"failed: {', '.join(r.slug for r in summary.failed)} (problems listed above)")
        return 1
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """Render every engagement directly under a folder."""
    from helpers.engagement.load import find_engagements

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


if __name__ == "__main__":
    sys.exit(main())
