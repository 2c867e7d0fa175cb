"""Handout section "Executive summary": a one-page brief for the client's chief executive.

In order: one sentence of diagnosis; the money at stake (``results["funnel"]["at_stake"]`` when
the funnel analysis provides it, else "not measured yet" in plain words); the three decisions
the leadership is asked for now, each with an owner from the client's own people and, when its
work starts after the first 30 days, when it starts (the plan's first three actions); what
"better" looks like at the re-measure in about 90 days; the findings that matter most (ranked by
strength of evidence, then business impact, in :func:`helpers.analysis.findings.key_findings`), each with the action that answers it or a "not
this quarter, because ..." line; the stage and index; and a glossary line for MQL, SAL and SQL
when the brief uses them. Nothing the consultant still has to collect appears here
(``plan.housekeeping`` is the consultant's), and no trigger threshold.

Built from the results only. Without survey answers and without findings the section is one
line saying what to collect.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from helpers.analysis.findings import on_business_clock, signal_format, value_words, Finding
from helpers.analysis.plan import PlanResult, met_today
from helpers.analysis.triggers import PRESENCE_SIGNALS
from helpers.content.playbook import load_playbook
from helpers.formatting import format_money
from helpers.report.plan import HORIZON_LABELS, owner_text
from helpers.report.section import Section, render_template
from helpers.results import Results
from helpers.vocabulary import STAGES

TITLE = "Executive summary"
ANCHOR = "summary"
MISSING = ("Nothing to summarise yet. Survey both teams (leaders and staff), interview people on both "
           "sides and export the funnel from the CRM; the summary then shows the stage and what matters most.")
#: The step up from each HBR stage, in our words (the diagnosis has said what the stage is).
NEXT_STEP = {
    "Undefined": "The next step is rules of engagement and clear hand-off points.",
    "Defined": "The next step is a joint meeting rhythm, joint assignments and a marketing liaison to sales.",
    "Aligned": "The next step, if the business needs it, is shared metrics, rewards and one revenue owner.",
    "Integrated": "The task now is to keep it as people and targets change.",
}


#: "6 pain point(s)" -> "6 pain points", "1 pain point(s)" -> "1 pain point" (a finding is read by the client).
_PLURAL = re.compile(r"\b(\d+(?:\.\d+)?)((?:\s+[A-Za-z-]+)+?)\(s\)")


def plain_words(text: str) -> str:
    """A finding as the client reads it: counted nouns take the right number instead of ``(s)``."""
    return _PLURAL.sub(lambda m: m.group(1) + m.group(2) + ("" if float(m.group(1)) == 1 else "s"), text)


#: The stage in one clause, for the diagnosis sentence: what the survey places, not a claim about practice.
STAGE_CLAUSE = {
    "Undefined": "The survey places sales and marketing at the first of four stages (Undefined), where each "
                 "team works to its own agenda",
    "Defined": "The survey places sales and marketing at the second of four stages (Defined), where rules "
               "keep the peace but the teams do not yet plan or decide together",
    "Aligned": "The survey places sales and marketing at the third of four stages (Aligned), where the teams "
               "plan and train together, though not yet on every dimension",
    "Integrated": "The survey places sales and marketing at the highest of four stages (Integrated), with "
                  "shared systems, metrics and rewards",
}
#: The stage in one clause when the hand-off scores in the Undefined band (see :func:`weak_handoff`):
#: the stage's own description would claim hand-off rules the scores deny.
STAGE_ONLY = "The survey places sales and marketing at the {ordinal} of four stages ({stage}) overall"
_ORDINAL = dict(zip(STAGES[1:], ("second", "third", "highest")))  # the stages whose description needs hand-off rules
#: When no survey gives a stage.
NO_STAGE_CLAUSE = "How closely sales and marketing work together has not been surveyed yet"
#: One line for the three hand-off terms, shown once, where the brief first uses them.
GLOSSARY = ("MQL: marketing judges the lead ready for sales; SAL: sales accepted it; SQL: sales qualified it "
            "as a real opportunity; SLA: the teams' agreement on how fast and how often sales follows up.")
_TERMS = re.compile(r"\b(MQLs?|SALs?|SQLs?|SLA)\b")


def _clause(text: str) -> str:
    """A finding as the second half of a sentence: first letter lower-case, no full stop."""
    text = plain_words(text).rstrip(". ")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def weak_handoff(results: Results) -> float | None:
    """The hand-off dimension's score when the stage is Defined or above but the hand-off scores in
    the Undefined band (below 40), else None: then the stage's description would not hold."""
    dims = results["dimensions"]
    handoff = dims["handoff"]["index"] if "handoff" in dims else None
    return handoff if results["stage"] in _ORDINAL and handoff is not None and handoff < 40 else None


def diagnosis(results: Results, findings: list[dict[str, Any]]) -> str:
    """One sentence: where the relationship stands, and what it costs most clearly."""
    stage = results["stage"]
    opening = (STAGE_ONLY.format(ordinal=_ORDINAL[stage], stage=stage) if stage and weak_handoff(results) is not None
               else STAGE_CLAUSE.get(stage or "", NO_STAGE_CLAUSE))
    if not findings:
        return opening + "."
    return f"{opening}. The clearest problem: {_clause(findings[0]['text'])}."


def money_at_stake(results: Results) -> str | None:
    """The money at stake in words, from ``funnel.at_stake`` when the funnel analysis gives it.

    Both figures when the data gives both: the bookings expected from leads not contacted, then
    the revenue goal's gap against the run-rate (a CEO wants each); None when neither is measured.
    """
    funnel = results["funnel"]
    stake = cast(Mapping[str, Any], funnel).get("at_stake") if funnel is not None else None
    if not isinstance(stake, Mapping):
        return None
    parts = [str(e["explanation"]).strip() for e in (stake.get("uncontacted"),)
             if isinstance(e, Mapping) and e.get("amount") is not None and e.get("explanation")]
    gap = stake.get("goal_gap")
    if isinstance(gap, Mapping) and gap.get("amount") is not None:
        parts.append(goal_gap_line(gap))
    return " ".join(parts) if parts else None


def goal_gap_line(gap: Mapping[str, Any]) -> str:
    """The revenue goal's gap in one short sentence for the brief (the funnel section gives the workings)."""
    inputs, currency = gap.get("inputs") or {}, gap.get("currency")
    per_month = inputs.get("won_per_month_matured") or inputs.get("won_per_month_today")
    if not isinstance(per_month, (int, float)) or not isinstance(inputs.get("goal_per_month"), (int, float)):
        return str(gap.get("explanation") or "").strip()

    def money(value: float) -> str:
        return format_money(abs(value), currency, 3)

    amount = float(gap["amount"])
    basis = ("won from leads old enough to have closed" if inputs.get("won_per_month_matured")
             else "won today (a floor: recent leads have not had time to close)")
    return (f"The revenue goal needs {money(inputs['goal_per_month'])} a month; the export shows about "
            f"{money(per_month)} a month {basis}, about {money(amount)} {'short' if amount > 0 else 'ahead'} "
            f"over {gap.get('period')}.")


#: Funnel signals about the same thing (how fast and whether leads are followed up).
RESPONSE_SIGNALS = ("funnel.within_sla_share", "funnel.within_hour_share", "funnel.median_response_hours",
                    "funnel.never_contacted_share")


def _key(signal: str) -> str:
    """What a signal is about (a dimension, or the funnel measure), to match findings with actions."""
    if signal in RESPONSE_SIGNALS:
        return "response"
    parts = signal.split(".")
    if parts[0] in ("dimension", "gap", "discovery") and len(parts) > 1:
        return parts[-1] if parts[0] == "discovery" else parts[1]
    return signal


def answer(finding: Finding, plan: PlanResult) -> dict[str, Any]:
    """The action that answers a finding, or why none does this quarter.

    An open action is preferred to one the plan marks done; a done one is said as done
    (``"done": True``), never as an action still to take.
    """
    key = _key(finding["signal"])
    plays = sorted(plan["plays"], key=lambda p: p["status"] == "done")  # open first, in the plan's order
    for exact in (True, False):   # the play fired by this very number first, then one on the same subject
        for play in plays:
            measured = [t["signal"] for t in play["triggers"]] + [play["success"]["signal"] or ""]
            if any(sig == finding["signal"] if exact else _key(sig) == key for sig in measured):
                return {"action": play["title"], "owner": owner_text(play), "done": play["status"] == "done"}
    book = load_playbook()
    for refused in plan["rejected"]:
        known = book.get(refused["id"])
        if known is not None and (finding["signal"] in str(known.trigger) or f".{key}" in str(known.trigger)):
            return {"later": f"Not this quarter, because “{refused['title']}” was set aside when the plan was agreed."}
    later = next((h for h in plan["not_shown"]
                  if any(sig == finding["signal"] or _key(sig) == key for sig in h.get("signals", []))), None)
    if later is not None:
        return {"later": f"Not this quarter, because the plan keeps to {plan['max_per_horizon']} actions a month "
                         f"and “{later['title']}” waits for the next review."}
    return {"later": "Not this quarter, because the actions above come first; "
                     "it is measured again at the next review."}


def answered_by(findings: list[dict[str, Any]]) -> None:
    """Give each finding its ``answer_text``: the action to take, the one taken, or why not this quarter.

    An action the plan marks done is said as taken, never asked for again; one that also answered
    the finding before is "the same", not its title twice in a row.
    """
    before = None
    for f in findings:
        action = f.get("action")
        if action is None:
            f["answer_text"] = f["later"]
        else:
            label = "Action taken" if f["done"] else "Action"
            f["answer_text"] = (f"{label}: the same." if action == before else
                                f"{label}: {action} (marked done in the plan; the re-measure shows what it changed)."
                                if f["done"] else f"{label}: {action}.")
        before = action


def topic_of(signal: str) -> str | None:
    """The survey dimension a finding is about (funnel response facts are about the hand-off)."""
    if signal in RESPONSE_SIGNALS or signal.startswith("funnel.") or signal.startswith("journey."):
        return "handoff"
    parts = signal.split(".")
    if parts[0] in ("dimension", "gap") and len(parts) > 1:
        return parts[1]
    return None


def lenses(results: Results, signal: str) -> dict[str, str] | None:
    """The three lenses on one finding, side by side: survey, interviews, CRM (or "not measured").

    None when the finding is about no survey dimension (nothing to line up).
    """
    topic = topic_of(signal)
    if topic is None:
        return None
    dims = results["dimensions"]
    dim = dims.get(topic)
    if dim is None or dim["index"] is None:
        survey = "not measured"
    else:
        survey = f"“{dim['label']}” scores {dim['index']:.1f}"
        gap = dim.get("gap")
        if gap is not None and dim.get("verdict"):  # said in words: "(sales \u2212 marketing \u22123.1)" reads like a sum
            side = ("sales and marketing level" if round(gap, 1) == 0 else
                    f"sales {abs(gap):.1f} points {'above' if gap > 0 else 'below'} marketing")
            survey += f" ({side}, {dim['verdict']})"
    discovery = results["discovery"]
    # the client's own people: a customer's interview is not counted (results written before
    # ``team_interviews`` existed counted every interview)
    n = discovery.get("team_interviews", discovery["interviews"]) if discovery is not None else 0
    if discovery is None or not n:
        heard = "not measured"
    else:
        pains = discovery["pain_dimensions"].get(topic)
        if pains is None:
            heard = f"not raised as a pain in the {n} team interviews"
        else:
            teams = ", ".join(f"{t} {pains.get(t)}" for t in ("sales", "marketing", "executive") if pains.get(t))
            heard = f"raised as a pain in {pains['interviews']} of {n} team interviews (answers: {teams})"
    funnel = results["funnel"]
    response = cast(Mapping[str, Any], funnel).get("response") if funnel is not None else None
    if topic != "handoff":
        crm = "no CRM measure of this topic"
    elif not response or response.get("share_within_sla") is None:
        crm = "not measured"
    else:
        crm = (f"{100 * response['share_within_sla']:.0f}% of {response['n']} judged leads answered within the rule; "
               f"{response['never_contacted']} not contacted by the export date")
    return {"survey": survey, "interviews": heard, "crm": crm}


def ninety_day_picture(plays: list[Any], business: bool = False) -> list[str]:
    """The success measures worth promising: measurable today, one line per measure, with today's value.

    A measure whose signal has no value today (not measured, or hidden under the minimum group)
    cannot be re-measured either and is left out. Each line a signal measures gives today's value,
    so the target can be read against it ("At least 80% of leads contacted within the rule (today
    11%)"); one whose target today's value already reaches is a promise to hold it (never called
    "met": the value has its own uncertainty). Two actions sharing a measure (or one signal) give one line.
    """
    out: dict[str, str] = {}
    for play in plays:
        success = play["success"]
        signal, now = success["signal"], success["baseline"]
        if signal and now is None:
            continue
        line = success["text"].rstrip(". ")
        if signal and signal not in PRESENCE_SIGNALS:  # "today 0" for a survey not yet run says nothing
            note = f"today {value_words(now, signal, signal_format(signal), business)}" + (
                "; to be held" if met_today(success) else "")
            # one bracket: "at least 40 (the Defined stage; today 28.4)", never "(the Defined stage) (today 28.4)"
            line = f"{line[:-1]}; {note})" if line.endswith(")") else f"{line} ({note})"
        out.setdefault(signal or success["text"], line)
    return list(out.values())


#: When a decision's work starts, by the plan's horizon, in the plan section's own words ("work
#: starts in days 31 to 60"); nothing for the first 30 days.
STARTS = {h: f"work starts in {label[0].lower()}{label[1:]}" for h, label in HORIZON_LABELS.items() if h > 30}


def context(results: Results) -> dict[str, Any]:
    """Template context: the brief (diagnosis, money, decisions, 90-day picture) and the stage line."""
    plan = results["plan"]
    plays = plan["plays"]
    interval = results["interval"]
    stage = results["stage"]
    stage_name = stage or ""  # the key of the stage's texts
    meaning = ""  # the diagnosis has described the stage already: the stage line adds only what differs
    next_step = NEXT_STEP.get(stage_name, "")
    handoff = weak_handoff(results)
    if handoff is not None:
        # the stage's generic description would contradict the data: say what the hand-off score shows,
        # and the step that builds what is missing (the hand-off rules), not the stage's next one
        meaning = (f"The overall score reaches {stage}, but the hand-off itself scores only {handoff:.1f}, "
                   "in the Undefined band: the rules and hand-off points of a Defined relationship are not in place yet.")
        next_step = NEXT_STEP["Undefined"]
    findings: list[dict[str, Any]] = [{**f, "text": plain_words(f["text"]), **answer(f, plan),
                                       "lenses": lenses(results, f["signal"])}
                                      for f in results["findings"] if f["text"]]
    seen: set[str | None] = set()
    for f in findings:  # the lenses once per topic: two findings about the hand-off share them
        topic = topic_of(f["signal"])
        if topic in seen:
            f["lenses"] = None
        seen.add(topic)
    answered_by(findings)
    # the decisions: first the actions that answer the headline findings, in their order, then the
    # earliest of the rest, so the brief never leads with a finding whose action is not asked for
    answering = [f["action"] for f in findings if f.get("action")]
    open_plays = sorted((p for p in plays if p["status"] != "done"), key=lambda p: p["horizon"])
    first = [p for title in dict.fromkeys(answering) for p in open_plays if p["title"] == title][:3]
    first += [p for p in open_plays if p not in first][:3 - len(first)]
    better = ninety_day_picture([p for p in first if p["status"] != "done"], on_business_clock(results))
    decisions: list[dict[str, Any]] = [{"title": p["title"], "owner": owner_text(p),
                  "success": p["success"]["text"], "carried": p.get("carried_over", False), "due": p.get("due"),
                  # decided now, started later: an action answering a headline finding may belong to days 31-90
                  # (an action carried over from last time says when it was due instead)
                  "starts": "" if p.get("carried_over") else STARTS.get(p["horizon"], "")}
                 for p in first if p["status"] != "done"]
    money = money_at_stake(results)
    brief_text = " ".join([diagnosis(results, findings), money or ""] + [f["text"] for f in findings]
                          + [d["title"] + " " + d["success"] for d in decisions])
    return {
        "client": results["client"],
        "date": str(results.get("date") or ""),   # the report's date: a carried-over action due later is not late
        "index": results["index"],
        "interval": interval,
        "stage": stage,
        "stage_meaning": meaning,
        "next_step": next_step,
        "respondents": results["respondents"]["used"],
        "diagnosis": diagnosis(results, findings),
        "money": money,
        "decisions": decisions,
        "better": better,
        "findings": findings,
        "plays": len(plays),
        "glossary": GLOSSARY if _TERMS.search(brief_text) else "",
    }


def summary(results: Results) -> Section:
    """The "Executive summary" handout section: the one-page brief.

    Parameters
    ----------
    results : Results
        The engagement's results.

    Returns
    -------
    Section
        Diagnosis, money at stake, three decisions with owners, the 90-day picture, the findings
        with their actions, and the stage; one line saying what to collect when there is neither a
        survey nor a finding.
    """
    ctx = context(results)
    if ctx["index"] is None and not ctx["findings"]:
        return Section.missing(TITLE, ANCHOR, MISSING)
    return Section(TITLE, ANCHOR, [render_template("summary.html.j2", **ctx)])
