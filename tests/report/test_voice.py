"""The "Voice of the teams" handout section (helpers.report.voice)."""

from __future__ import annotations

import html as html_lib
from pathlib import Path

import yaml

from helpers.engagement.interviews import read_interviews
from helpers.analysis.discovery import synthesize
from helpers.report.consultant import consultant
from helpers.report.voice import voice
from helpers.results import Results, results_with
from tests.conftest import FIXTURES

GOOD = FIXTURES / "interviews/good"
DEMO = Path(__file__).resolve().parents[2] / "templates" / "demo"


def results_for(folder: Path) -> Results:
    interviews, problems = read_interviews(folder)
    assert not [p for p in problems if p.is_error]
    meta = yaml.safe_load((folder / "engagement.yaml").read_text(encoding="utf-8"))
    return results_with(discovery=synthesize(interviews, meta.get("stakeholders") or []))


def test_shared_quotes_reach_the_handout_and_nothing_else() -> None:
    html = voice(results_for(GOOD)).html()
    assert '<h2 id="voice" class="section-title">Voice of the teams</h2>' in html
    assert "Half the leads marketing sends us are students downloading a white paper." in html
    assert "We hand leads over and never hear what happened to them." in html
    assert "UNSHARED-MARKER-7731" not in html
    assert "NOTE-MARKER-4412" not in html
    assert "Seemed guarded" not in html and "I doubt sales opens" not in html


def test_every_shared_answer_is_shown_once() -> None:
    html = voice(results_for(GOOD)).html()
    for text in ("students downloading a white paper", "the events coordinator", "asks what buyers say",
                 "never hear what happened", "raises our cost per customer", "stop ignoring the queue"):
        assert html.count(text) == 1, text


def test_client_text_is_escaped() -> None:
    html = voice(results_for(GOOD)).html()
    assert "Marketing &lt;b&gt;never&lt;/b&gt; asks" in html
    assert "<b>never</b>" not in html


def test_section_parts() -> None:
    html = voice(results_for(GOOD)).html()
    for heading in ("Voice of sales", "Voice of marketing", "Pains raised most often", "What misalignment costs",
                    "What would help", "Where the conversations went"):
        assert f"<h3>{heading}</h3>" in html, heading
    for consultant_only in ("Stakeholder map", "Red flags", "Economic buyer", "Helen Brandt", "not interviewed"):
        assert consultant_only not in html, consultant_only
    assert "3 interviews: 2 from sales, 1 from marketing." in html
    assert "<tr><td>Lead hand-off</td><td>3 of 3</td><td>3</td><td>2</td><td>0</td></tr>" in html
    assert "Every unanswered lead raises our cost per customer" in html  # implication
    assert "my reps would stop ignoring the queue" in html  # need
    working = consultant(results_for(GOOD)).html()
    assert "<td>Helen Brandt</td><td>CEO</td>" in working and "Economic buyer" in working


def test_missing_section_says_what_to_collect() -> None:
    section = voice({**results_with(), "missing": [{"section": "discovery", "message": "Interview both heads."}]})
    assert section.present is False
    assert "Interview both heads." in section.html()
    assert "No interviews recorded yet" in voice(results_with()).html()


def test_stakeholders_without_interviews() -> None:
    people = [{"name": "Walter <K>", "role": "CEO", "team": "executive", "influence": "economic", "interviewed": False}]
    html = voice(results_with(discovery=synthesize([], people))).html()
    assert "No interviews recorded yet" in html
    assert "Walter" not in html and "Economic buyer" not in html
    working = consultant(results_with(discovery=synthesize([], people))).html()
    assert "<td>Walter &lt;K&gt;</td><td>CEO</td>" in working
    assert "The economic buyer" in working or "economic buyer" in working


def test_the_coach_and_bookkeeping_flags_reach_only_the_consultant() -> None:
    people = [{"name": "Sofia Insider", "role": "Sales Ops Lead", "team": "sales", "influence": "coach",
               "interviewed": True},
              {"name": "Ann Other", "role": "", "team": "marketing", "influence": None, "interviewed": False}]
    discovery = synthesize([], people)
    codes = {f["code"] for f in discovery["red_flags"]}
    assert "influence_unknown" in codes  # the consultant still sees it in the results
    html = voice(results_with(discovery=discovery)).html()
    assert "Sofia" not in html and "Sales Ops Lead" not in html
    assert "is not recorded" not in html and "Ann Other" not in html
    working = consultant(results_with(discovery=discovery)).html()
    assert "<td>Sofia Insider</td><td>Sales Ops Lead</td>" in working and "Ann Other" in working


def test_demo_internal_notes_and_unshared_answers_stay_out() -> None:
    for folder in sorted(p for p in DEMO.iterdir() if (p / "interviews").is_dir() and any((p / "interviews").iterdir())):
        html = html_lib.unescape(voice(results_for(folder)).html())
        for path in (folder / "interviews").glob("*.yaml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            notes = (data.get("internal_notes") or "").strip()
            if notes:
                assert notes[:40] not in html, path
            for item in data.get("answers") or []:
                text = " ".join(str(item.get("answer") or "").split())
                if text and not item.get("share"):
                    assert text[:60] not in html, (path, text[:60])


def test_a_fragment_is_shown_under_its_question_a_full_answer_is_not():
    from helpers.report.voice import needs_question, with_questions

    assert needs_question("Not much, honestly. We fixed the big things last year: there's an SLA and a definition.")
    assert needs_question("Weekly.")
    assert not needs_question("Marketing sends us a spreadsheet every Monday and half the names have already "
                              "been called by someone else.")
    quotes = [{"text": "Not much, honestly.", "question": "What changed since the SLA?"},
              {"text": "Marketing sends us a spreadsheet every Monday and half the names were already called.",
               "question": "How do leads reach you?"}]
    assert [q["asked"] for q in with_questions(quotes)] == ["What changed since the SLA?", None]


def test_the_handout_prints_the_question_above_a_fragment_quote():
    from helpers.engagement.load import load
    from helpers.report.voice import voice
    from helpers.results import client_view, compute
    from helpers.demo.generator import DEMO_ROOT

    engagement, _ = load(DEMO_ROOT / "quillstack")
    html = voice(client_view(compute(engagement))).html()
    at = html.index("&ldquo;Not much, honestly.")
    block = html[html.rindex("<blockquote", 0, at):at]
    assert 'class="quote-asked"' in block and "Asked:" in block
