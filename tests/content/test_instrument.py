"""The bundled survey instrument: 24 statements, 3 per dimension, 5 reverse-keyed; every mistake reported."""

from __future__ import annotations

import pandas as pd

from helpers.content.instrument import read_instrument


def test_instrument_has_24_statements_3_per_dimension_and_5_reverse(instrument):
    assert len(instrument.statements) >= 24
    dims = pd.Series([s.dimension for s in instrument.statements]).value_counts()
    assert set(dims.index) == {"goals", "handoff", "communication", "customer", "planning",
                               "enablement", "technology", "culture"}
    assert dims.min() >= 3
    assert sum(s.reverse for s in instrument.statements) >= 4
    assert all(s.id.startswith(s.dimension + "_") for s in instrument.statements)


def test_instrument_mistakes_are_all_reported(tmp_path):
    bad = tmp_path / "instrument.yaml"
    bad.write_text("dimensions: {goals: Goals, culture: Culture}\nstatements:\n"
                   "  - {id: goals_1, dimension: goals, text: A, reverse: false}\n"
                   "  - {id: goals_1, dimension: goals, text: B, reverse: maybe}\n"
                   "  - {id: Goals-2, dimension: nowhere, text: ''}\n")
    instrument, problems = read_instrument(bad)
    assert instrument is None
    text = "\n".join(str(p) for p in problems)
    for expected in ("used twice", "true or false", "<dimension>_<n>", "unknown", "no text",
                     "culture has no statement"):
        assert expected in text
