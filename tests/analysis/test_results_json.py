"""``<slug>.json``: the results written as plain JSON, the same text however they were made plain."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from helpers.demo.generator import DEMO_ROOT
from helpers.engagement.load import load
from helpers.results import client_view, compute, json_safe, to_json


def test_results_are_written_as_they_are_and_anything_else_is_made_plain_first() -> None:
    eng, problems = load(DEMO_ROOT / "kessler-fluid-systems")
    assert eng is not None, problems
    results = compute(eng)
    for value in (results, client_view(results)):  # the fast way gives the text the walk gave
        assert to_json(value) == json.dumps(json_safe(value), indent=2, ensure_ascii=False) + "\n"
    odd = {"n": np.int64(3), "share": float("nan"), "ok": np.bool_(True), "when": pd.Timestamp("2026-03-15"),
           "pair": (1, 2), 4: "four"}
    assert json.loads(to_json(odd)) == {"n": 3, "share": None, "ok": True, "when": "2026-03-15T00:00:00",
                                        "pair": [1, 2], "4": "four"}
    assert "NaN" not in to_json({"x": [float("inf")]})
