"""The survey instrument loader, versions 1 and 2 (helpers.content.instrument).

The real version-1 template and the version-2 draft (tests/fixtures/content/instrument_v2.yaml)
must both load cleanly; every validation rule is shown to fire on a small broken file with a
message a consultant can act on; and a reviewer's reading of version 2 against the twenty themes
of Kotler, Rackham & Krishnaswamy (HBR 2006) is written down as data.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from helpers import TEMPLATES
from helpers.content.errors import ContentInvalid
from helpers.content.instrument import Instrument, load_instrument, read_instrument, shared_statements
from helpers.vocabulary import DIMENSIONS, STAGES

V1 = TEMPLATES / "instrument_v1.yaml"  # the version-1 instrument kept to read v1 surveys
V2 = Path(__file__).resolve().parent.parent / "fixtures" / "content" / "instrument_v2.yaml"

#: The twenty themes of the HBR 2006 self-assessment as shared/DOMAIN.md lists them, with the
#: ``hbr_theme`` id the v2 instrument gives each.
HBR_2006_THEMES: list[tuple[str, str]] = [
    ("forecast accuracy", "forecast_accuracy"),
    ("no blame when results disappoint", "no_blame"),
    ("marketers meet customers during the sale", "marketers_meet_customers"),
    ("marketing asks sales for input to its plan", "marketing_asks_sales_input"),
    ("sales values marketing's collateral", "sales_values_collateral"),
    ("sales gives feedback", "sales_gives_feedback"),
    ("common language", "common_language"),
    ("heads confer on upstream issues", "heads_confer_upstream"),
    ("joint definition of segment buying behaviour", "segment_buying_behaviour"),
    ("little meeting time spent on disputes", "little_dispute_time"),
    ("joint long-range planning", "long_range_planning"),
    ("common metrics", "common_metrics"),
    ("marketing helps key-account strategy", "key_account_strategy"),
    ("jointly built funnel spanning the business chain", "joint_funnel"),
    ("marketing analyses funnel data", "marketing_analyses_funnel"),
    ('"rise or fall together" culture', "rise_or_fall_together"),
    ("a single revenue executive", "single_revenue_executive"),
    ("people move between the teams", "job_rotation"),
    ("joint training", "joint_training"),
    ("each presents the other's plans", "present_each_others_plans"),
]

#: The statements v1 and v2 share word for word (instrument_coverage.md, section 2).
SHARED_WITH_V1 = ["goals_1", "handoff_1", "communication_1", "communication_3", "customer_3", "planning_1",
                  "planning_3", "enablement_1", "enablement_2", "enablement_3", "technology_2", "culture_1",
                  "culture_2"]


@pytest.fixture(scope="module")
def v1() -> Instrument:
    instrument, problems = read_instrument(V1)
    assert problems == [] and instrument is not None
    return instrument


@pytest.fixture(scope="module")
def v2() -> Instrument:
    instrument, problems = read_instrument(V2)
    assert problems == [], [str(p) for p in problems]
    assert instrument is not None
    return instrument


# ------------------------------------------------------------------------------ the real files
def test_both_versions_load_without_a_single_problem(v1: Instrument, v2: Instrument) -> None:
    assert (v1.version, len(v1.statements)) == (1, 24)
    assert (v2.version, len(v2.statements)) == (2, 32)
    assert v1.dont_know == "" and v1.dont_know_labels == () and v1.stages == {} and v1.retired == ()
    assert v2.dont_know == "Don't know / can't judge"
    assert v2.scale == {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree",
                        5: "Strongly agree"}
    assert "HBR" in v2.scale_note or "Harvard Business Review" in v2.scale_note


def test_the_bundled_instrument_is_version_2_and_version_1_stays_readable(v1: Instrument, v2: Instrument) -> None:
    """New surveys use v2 (the reviewed fixture); the v1 copy is kept so v1 surveys are scored as asked."""
    bundled = load_instrument()
    assert bundled.version == 2 and bundled.ids == v2.ids and bundled.stages == v2.stages
    assert [s.text for s in bundled.statements] == [s.text for s in v2.statements]
    assert v1.version == 1 and len(v1.statements) == 24


def test_dont_know_is_recognised_only_where_the_instrument_offers_it(v1: Instrument, v2: Instrument) -> None:
    for typed in ("Don't know / can't judge", "DON\u2019T KNOW / CAN\u2019T JUDGE", "don't know", "DK",
                  "  Can't judge "):
        assert v2.is_dont_know(typed), typed
    for other in ("Disagree", "4", "", "Neither agree nor disagree", None):
        assert not v2.is_dont_know(other), other
    assert not v1.is_dont_know("Don't know")
    assert v2.dont_know_labels[0] == v2.dont_know


def test_every_dimension_of_v2_has_four_stage_anchors(v2: Instrument) -> None:
    assert list(v2.stages) == list(DIMENSIONS)
    for dim, anchors in v2.stages.items():
        texts = [anchors.at(stage) for stage in STAGES]
        assert all(len(t) > 40 for t in texts), dim
        assert len(set(texts)) == 4, dim
    assert v2.stages["handoff"].next_after("Defined") == ("Aligned", v2.stages["handoff"].aligned)
    assert v2.stages["handoff"].next_after("Integrated") is None


def test_shared_statements_pair_the_thirteen_unchanged_statements(v1: Instrument, v2: Instrument) -> None:
    pairs = shared_statements(v1, v2)
    assert pairs == [(i, i) for i in SHARED_WITH_V1]
    assert sorted(shared_statements(v2, v1)) == sorted((b, a) for a, b in pairs)
    for a, b in pairs:
        old, new = v1.statement(a), v2.statement(b)
        assert old is not None and new is not None
        assert (old.text, old.dimension, old.reverse) == (new.text, new.dimension, new.reverse)
    assert shared_statements(v1, v1) == [(i, i) for i in v1.ids]


def test_a_linked_statement_whose_v1_wording_was_edited_is_not_shared(tmp_path: Path, v2: Instrument) -> None:
    data = yaml.safe_load(V1.read_text(encoding="utf-8"))
    data["statements"][0]["text"] = "Sales and marketing share one revenue target."  # goals_1, edited
    edited = tmp_path / "instrument.yaml"
    edited.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    old, problems = read_instrument(edited)
    assert problems == [] and old is not None
    assert ("goals_1", "goals_1") not in shared_statements(old, v2)
    assert len(shared_statements(old, v2)) == 12


def test_split_halves_are_lineage_not_comparable(v1: Instrument, v2: Instrument) -> None:
    split = [s for s in v2.statements if s.split_from]
    assert split and all(s.v1 is None for s in split)
    shared_v2 = {b for _, b in shared_statements(v1, v2)}
    assert not shared_v2 & {s.id for s in split}


def test_retired_statements_are_the_v1_statements_with_their_v1_wording(v1: Instrument, v2: Instrument) -> None:
    shared = {a for a, _ in shared_statements(v1, v2)}
    retired = {r.id: r for r in v2.retired}
    assert set(v1.ids) == shared | set(retired)
    for rid, r in retired.items():
        old = v1.statement(rid)
        assert old is not None and r.text == old.text
        assert rid not in v2.ids
        assert v2.retired_statement(old.text.upper()) == r  # an old export's column header
    assert v2.retired_statement("goals_1") is None


# ------------------------------------------------------------------------------ reviewer checks on v2
def test_v2_covers_all_twenty_hbr_2006_themes(v2: Instrument) -> None:
    assert len(HBR_2006_THEMES) == 20
    assert list(v2.hbr_themes) == [theme_id for _, theme_id in HBR_2006_THEMES]
    used = Counter(s.hbr_theme for s in v2.statements)
    missing = [phrase for phrase, theme_id in HBR_2006_THEMES if used[theme_id] == 0]
    assert missing == [], f"HBR 2006 themes without a statement: {missing}"
    assert all(s.source for s in v2.statements if s.hbr_theme == "extra")


def test_v2_has_three_or_four_statements_and_a_reverse_keyed_one_per_dimension(v2: Instrument) -> None:
    for dim in DIMENSIONS:
        mine = [s for s in v2.statements if s.dimension == dim]
        assert 3 <= len(mine) <= 4, (dim, len(mine))
        assert any(s.reverse for s in mine), f"{dim} has no reverse-keyed statement"


def test_v2_flags_the_statements_staff_often_cannot_judge(v2: Instrument) -> None:
    likely = {s.id for s in v2.statements if s.dont_know_likely}
    assert {"communication_4", "communication_5", "planning_4"} <= likely
    assert all(s.dont_know_reason for s in v2.statements if s.dont_know_likely)


# ------------------------------------------------------------------------------ validation rules
def mini() -> dict[str, Any]:
    """A small valid version-2 instrument: one dimension, three statements, one HBR theme."""
    return {
        "version": 2,
        "scale_note": "On the HBR 2006 scale.",
        "scale": {1: "Strongly disagree", 5: "Strongly agree", "dont_know": "Don't know"},
        "stage_bands": {"undefined": 20, "defined": 40, "aligned": 60, "integrated": 80},
        "dimensions": {"goals": "Goals"},
        "hbr_themes": {"common_metrics": "Common metrics"},
        "stages": {"goals": {"undefined": "Apart.", "defined": "Rules.", "aligned": "Together.",
                             "integrated": "One team."}},
        "statements": [
            {"id": "goals_1", "dimension": "goals", "text": "Same target.", "reverse": False,
             "hbr_theme": "extra", "source": "Seed 001", "v1": "goals_1"},
            {"id": "goals_4", "dimension": "goals", "text": "Common measures.", "reverse": False,
             "hbr_theme": "common_metrics"},
            {"id": "goals_5", "dimension": "goals", "text": "Blame.", "reverse": True, "hbr_theme": "extra",
             "source": "Seed 002", "split_from": "goals_2", "dont_know_likely": True,
             "dont_know_reason": "Staff rarely see it."},
        ],
        "retired": [{"id": "goals_2", "text": "Old goals_2.", "reason": "double_barrelled", "note": "Two things.",
                     "replaced_by": ["goals_5"]}],
    }


def load(tmp_path: Path, data: dict[str, Any]) -> tuple[Instrument | None, list]:
    path = tmp_path / "instrument.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return read_instrument(path)


def test_the_small_v2_instrument_is_valid(tmp_path: Path) -> None:
    instrument, problems = load(tmp_path, mini())
    assert problems == [] and instrument is not None
    assert instrument.statement("goals_5").dont_know_likely  # type: ignore[union-attr]
    assert instrument.retired[0].replaced_by == ("goals_5",)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to the small instrument: set the value at a dotted path (list positions as numbers)."""

    def change(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = data
        for key in head:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if value is DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


DELETE = object()

ERRORS = [
    ("version", _set("version", 3), "version 3 is not one this workbook reads", "write version: 2"),
    ("stages.goals", _set("stages", {}), "dimension goals has no stage descriptions", "add `goals:` under `stages:`"),
    ("stages.goals.aligned", _set("stages.goals.aligned", ""), "has no description of the aligned stage",
     "describe what aligned looks like"),
    ("stages.goals.mature", _set("stages.goals.mature", "Wise."), "'mature' is not a stage", "use undefined"),
    ("stages.sales", _set("stages.sales", {"undefined": "x"}), "unknown dimension 'sales'", "use one of goals"),
    ("scale", _set("scale.6", "Very strongly agree"), "'scale' must map the ratings 1-5", "write e.g."),
    ("scale.dont_know", _set("scale.dont_know", ""), "the dont_know label must be text", "Don't know / can't judge"),
    ("stage_bands", _set("stage_bands.aligned", 65), "disagree with the bands the score uses",
     "undefined: 20, defined: 40, aligned: 60, integrated: 80"),
    ("statements[2].hbr_theme", _set("statements.1.hbr_theme", DELETE), "statement goals_4 has no hbr_theme",
     "a key of hbr_themes"),
    ("statements[2].hbr_theme", _set("statements.1.hbr_theme", "shared_metrics"),
     "hbr_theme 'shared_metrics' is not one of hbr_themes", "use one of common_metrics"),
    ("statements[1].source", _set("statements.0.source", DELETE), "goals_1 is an extra practice with no source",
     "write under `source:`"),
    ("statements[1].v1", _set("statements.0.v1", "goals_7"), "keeps its id", "give the statement the id goals_7"),
    ("statements[3].split_from", _set("statements.2.v1", "goals_5"), "has both v1 and split_from",
     "keep the one that is true"),
    ("statements.goals_5.split_from", _set("statements.2.split_from", "goals_9"), "split from 'goals_9', which is not retired",
     "list the v1 statement under `retired:`"),
    ("statements[3].dont_know_likely", _set("statements.2.dont_know_likely", "often"), "must be true or false",
     "dont_know_likely: true"),
    ("statements", _set("retired.0.id", "goals_4"), "statement id goals_4 is retired and must not be used again",
     "give the statement a new id"),
    ("retired[1].reason", _set("retired.0.reason", "vague"), "reason 'vague' is not known",
     "double_barrelled or meaning_changed"),
    ("retired.goals_2.replaced_by", _set("retired.0.replaced_by", ["goals_9"]), "replaced by 'goals_9', which is not a statement",
     "name ids from `statements:`"),
    ("hbr_themes.joint_training", _set("hbr_themes.joint_training", "Joint training"),
     "HBR theme joint_training (Joint training) has no statement", "add a statement with this hbr_theme"),
    ("statements[2].reverse", _set("statements.1.reverse", "no"), "reverse of goals_4 must be true or false",
     "reverse: true"),
]


@pytest.mark.parametrize("field, change, message, hint", ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_each_rule_names_the_field_and_the_fix(tmp_path: Path, field: str, change: Callable[[dict[str, Any]], None],
                                               message: str, hint: str) -> None:
    data = mini()
    change(data)
    instrument, problems = load(tmp_path, data)
    assert instrument is None
    hits = [p for p in problems if message in p.message]
    assert hits, [str(p) for p in problems]
    assert hits[0].file == "instrument.yaml" and hits[0].field == field and hits[0].is_error
    assert hint in hits[0].hint, hits[0].hint


def test_a_v1_file_needs_no_stages_or_themes(tmp_path: Path) -> None:
    data = mini()
    for key in ("version", "stages", "hbr_themes", "retired"):
        del data[key]
    for s in data["statements"]:
        for key in ("hbr_theme", "source", "split_from", "v1"):
            s.pop(key, None)
    instrument, problems = load(tmp_path, data)
    assert problems == [] and instrument is not None and instrument.version == 1


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = mini()
    data["stages"] = {}
    data["statements"][1]["hbr_theme"] = "nonsense"
    data["retired"][0]["reason"] = "vague"
    data["stage_bands"]["defined"] = 45
    instrument, problems = load(tmp_path, data)
    assert instrument is None
    text = "\n".join(map(str, problems))
    for expected in ("no stage descriptions", "'nonsense' is not one of hbr_themes", "reason 'vague'",
                     "disagree with the bands", "HBR theme common_metrics (Common metrics) has no statement"):
        assert expected in text
    with pytest.raises(ContentInvalid) as caught:
        load_instrument(tmp_path / "instrument.yaml")
    assert "no stage descriptions" in str(caught.value)


def test_unknown_keys_and_unbalanced_dimensions_are_warnings(tmp_path: Path) -> None:
    data = mini()
    data["scale_notes"] = "typo"
    data["statements"][0]["hbr_thme"] = "typo"
    data["statements"][2]["reverse"] = False  # no reverse-keyed statement left in goals
    data["statements"].append({"id": "goals_6", "dimension": "goals", "text": "Four.", "hbr_theme": "extra",
                               "source": "x"})
    data["statements"].append({"id": "goals_7", "dimension": "goals", "text": "Five.", "hbr_theme": "extra",
                               "source": "x"})
    instrument, problems = load(tmp_path, data)
    assert instrument is not None and len(instrument.statements) == 5
    assert all(not p.is_error for p in problems)
    shown = [str(p) for p in problems]
    assert "instrument.yaml: scale_notes: unknown key 'scale_notes' is ignored; check the spelling; keys are: " \
           "version, scale_note, " in shown[-1]
    assert any("statements[1].hbr_thme: unknown key 'hbr_thme' of goals_1 is ignored" in s for s in shown)
    assert any("dimension goals has 5 statements; the instrument is built for 3-4" in s for s in shown)
    assert any("dimension goals has no reverse-keyed statement" in s for s in shown)
