"""Instrument version 2 end to end: "don't know" answers, stage anchors, the HBR 2006 scale note,
version-1 surveys still read as asked, and a v1 wave compared with a v2 wave on shared statements.

The surveys are written here with expectations worked out by hand:

* sales (7 people) agree with every statement: each answer scores 4 after reversal (a reverse-keyed
  statement is answered 2, and 6 - 2 = 4), so the sales index is 20 x 4 = 80;
* marketing (6 people) is neutral: every answer scores 3, index 60;
* the overall index is (80 + 60) / 2 = 70: stage Aligned (60 to under 80), and every dimension
  too (sales 80, marketing 60, mean 70);
* two sales people and one marketer answer "Don't know / can't judge" to the first statement the
  instrument marks as hard to judge: it is rated by 5 sales people and 5 marketers (n = 10, each
  team at the minimum group of 5, so the statement is shown), its sales mean stays 4.0 (a "don't
  know" read as any rating would move it), 3 "don't know" of the 13 asked (23%).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest

from helpers.content.instrument import INSTRUMENT_V1, load_instrument, shared_statements
from helpers.engagement.load import load
from helpers.report.consultant import consultant
from helpers.report.progress import progress as progress_section
from helpers.report.scorecard import scorecard
from helpers.results import client_view, compute

DK = "Don't know / can't judge"


def _survey_csv(instrument_path: Path | None, unsure: str | None, sales: int = 4, marketing: int = 3) -> str:
    """Seven sales and six marketing respondents; answers given on the scored scale (see module doc)."""
    inst = load_instrument(instrument_path)
    rows = [["respondent", "team", "level", *inst.ids]]
    for team, scored, prefix, size in (("sales", sales, "s", 7), ("marketing", marketing, "m", 6)):
        for k in range(1, size + 1):
            answers = [str(6 - scored if s.reverse else scored) for s in inst.statements]
            if unsure is not None and (f"{prefix}{k}" in ("s1", "s2", "m1")):
                answers[inst.ids.index(unsure)] = DK
            rows.append([f"{prefix}{k}", team, "staff", *answers])
    return "\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n"


@pytest.fixture(scope="module")
def hard_to_judge() -> str:
    v2 = load_instrument()
    return next(s.id for s in v2.statements if s.dont_know_likely)


@pytest.fixture
def v2_results(make_engagement: Callable[..., Path], hard_to_judge: str) -> dict:
    folder = make_engagement({"survey.csv": _survey_csv(None, hard_to_judge)})
    engagement, problems = load(folder)
    assert engagement is not None, problems.errors
    assert engagement.instrument.version == 2
    return dict(compute(engagement))


def test_dont_know_is_not_scored_but_counted_per_statement(v2_results: dict, hard_to_judge: str) -> None:
    r = v2_results
    assert (r["teams"]["sales"]["index"], r["teams"]["marketing"]["index"], r["index"], r["stage"]) == \
        (80.0, 60.0, 70.0, "Aligned")
    row = next(s for s in r["statements"] if s["id"] == hard_to_judge)
    assert (row["n"], row["sales"], row["marketing"], row["suppressed"]) == (10, 4.0, 3.0, False)
    assert (row["dont_know"], row["dont_know_by_team"], row["dont_know_likely"]) == (3, {"sales": 2, "marketing": 1}, True)
    assert sum(s["dont_know"] for s in r["statements"]) == 3
    assert r["instrument"]["version"] == 2 and r["instrument"]["asked"] == len(load_instrument().ids)
    # the client's JSON keeps the counts (they reveal no rating)
    assert next(s for s in client_view(r)["statements"] if s["id"] == hard_to_judge)["dont_know"] == 3


def test_consultant_document_lists_the_dont_know_answers(v2_results: dict, hard_to_judge: str) -> None:
    html = consultant(v2_results).html()
    text = load_instrument().statement(hard_to_judge).text
    assert "Don&rsquo;t know&rdquo; answers" in html
    row = html.split(f"({hard_to_judge}")[1].split("</tr>")[0]
    assert "many staff are expected not to be able to judge it" in row
    assert "<td>3</td><td>sales 2, marketing 1</td><td>23%</td>" in row  # 3 of the 13 asked
    assert text.replace("'", "&#39;") in html or text in html


def test_handout_places_each_dimension_on_the_hbr_2006_scale(v2_results: dict) -> None:
    html = scorecard(v2_results).html()
    v2 = load_instrument()
    assert "The stage is on the HBR 2006 scale." in html
    assert "self-assessments tend to run high" in html and "not point for point" in html
    table = html.split('class="scorecard-stages"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len(v2.dimensions)
    for dim, label in v2.dimensions.items():
        anchors = v2.stages[dim]
        row = table.split(f"<td>{_esc(label)}</td>")[1].split("</tr>")[0]
        assert row.startswith("<td>Aligned</td>")  # every dimension scores 70
        assert _esc(anchors.aligned) in row and "<strong>Integrated:</strong> " + _esc(anchors.integrated) in row
    assert "Not every company needs to reach the next stage" in html


def test_a_version_1_export_is_read_and_scored_on_version_1(make_engagement: Callable[..., Path]) -> None:
    folder = make_engagement({"survey.csv": _survey_csv(INSTRUMENT_V1, None)})
    engagement, problems = load(folder)
    assert engagement is not None and engagement.instrument.version == 1
    assert len(engagement.instrument.ids) == 24 and list(engagement.survey.columns[3:]) == engagement.instrument.ids
    assert any("read and scored on version 1" in p.message for p in problems.warnings)
    r = compute(engagement)
    assert (r["index"], r["instrument"]["version"], r["instrument"]["asked"]) == (70.0, 1, 24)
    html = scorecard(r).html()
    # v1 has no scale note and no anchors of its own: the handout says what v1 is and borrows v2's anchors
    assert "The stage is on the HBR 2006 scale." in html and "first version of our statements" in html
    assert 'class="scorecard-stages"' in html


def test_a_v1_wave_and_a_v2_wave_are_compared_on_shared_statements_only(
        make_engagement: Callable[..., Path], hard_to_judge: str) -> None:
    make_engagement({"survey.csv": _survey_csv(INSTRUMENT_V1, None, sales=3, marketing=3)}, name="wave1")  # the earlier wave
    after = make_engagement({"survey.csv": _survey_csv(None, hard_to_judge),
                             "engagement.yaml": "client: Brightwater Analytics\nconsultant: Priya Raman\n"
                                                "date: 2027-01-10\nindustry: B2B software\nprevious: ../wave1\n"},
                            name="wave2")
    engagement, problems = load(after)
    assert engagement is not None, problems.errors
    shared = shared_statements(engagement.instrument, load_instrument(INSTRUMENT_V1))
    assert len(shared) == 13 and all(a == b for a, b in shared)  # a shared statement keeps its v1 id
    r = compute(engagement)
    p = r["progress"]
    assert p["basis"] == {"versions": [1, 2], "statements": 13, "dimensions_compared": False}
    # before: 60 on every statement; now, on the 13 shared statements only: (80 + 60) / 2 = 70
    assert (p["index"]["before"], p["index"]["after"], p["dimensions"]) == (60.0, 70.0, [])
    assert any("compares the 13 statements both ask" in w for w in r["warnings"])
    html = re.sub(r"\s+", " ", progress_section(r).html())
    assert "compared only on the 13 statements both versions ask" in html
    assert "The dimensions are not compared" in html and "progress-dimensions" not in html


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")


def test_the_v2_questionnaire_offers_dont_know_on_every_statement(tmp_path: Path) -> None:
    from helpers.engagement.scaffold import write_collection_kit

    v2 = load_instrument()
    write_collection_kit(tmp_path, v2)
    html = (tmp_path / "questionnaire.html").read_text(encoding="utf-8")
    assert html.count(f'<span class="box" title="{_esc(DK)}"></span>') == len(v2.statements)
    assert "Leave a statement blank" not in html and f"Tick &ldquo;{_esc(DK)}&rdquo;" in html
