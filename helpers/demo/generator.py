"""The bundled demo engagements and the seeded generator behind their numbers.

Each demo lives in ``templates/demo/<slug>/``. The words (``engagement.yaml``, the interviews,
``journey.yaml``, ``plan.yaml``) are written by hand and committed as they are. The numbers
(``survey.csv`` and ``funnel.csv``) come from :func:`generate`, driven by one entry per demo in
``templates/demo/generator.yaml`` and a fixed seed, so regenerating gives byte-identical files::

    python -m helpers.demo            # rewrite every demo's survey.csv and funnel.csv

Survey ratings are drawn around a target index (HBR 20-100 scale) with a gap between sales and
marketing, a gap between leaders and staff and a per-dimension profile; reverse-keyed statements
are answered the other way round, so the scored answers still land where the spec says. Funnel
rows follow a lead from creation through MQL, SAL, SQL and opportunity to won or lost with given
conversion rates, stage durations and a lognormal speed to first response; leads called late are
accepted less often, as the lead-response research in ``DOMAIN.md`` reports. Sales actions fall
in working hours. A demo may write its funnel as a CRM export (e.g. HubSpot) instead of our columns;
the CSV writing lives in :mod:`helpers.demo_export` (re-exported here).
"""

from __future__ import annotations
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
import numpy as np
import pandas as pd
from helpers import TEMPLATES
from helpers.demo.export import ExportSpec, export_csv, funnel_csv, survey_csv
from helpers.fileio import atomic_write_text, read_yaml


#: Folder holding the demo engagements and ``generator.yaml``.
DEMO_ROOT = TEMPLATES / "demo"


@dataclass(frozen=True)
class SurveySpec:
    """Shape of a demo survey (the fields are explained in ``templates/demo/generator.yaml``).

    Attributes
    ----------
    target_index : float
        Overall index aimed for (mean of the sales and marketing indexes, 20-100).
    sales, marketing, sales_leaders, marketing_leaders : int
        Respondents per team, and how many of them are leaders (the rest are staff).
    team_gap, level_gap : float
        Sales minus marketing, and leaders minus staff, in index points.
    dimensions : dict
        Index points added to every statement of a dimension.
    spread, noise, blank_rate : float
        Spread between respondents (index points), of single answers (rating points), and the
        share of answers left blank.
    prefix : str
        Start of every respondent id.
    """

    target_index: float
    sales: int
    marketing: int
    sales_leaders: int
    marketing_leaders: int
    team_gap: float = 0.0
    level_gap: float = 0.0
    dimensions: dict[str, float] = field(default_factory=dict)
    spread: float = 5.0
    noise: float = 0.55
    blank_rate: float = 0.02
    prefix: str = "R"


@dataclass(frozen=True)
class SourceSpec:
    """A lead source and how its leads convert.

    Attributes
    ----------
    name : str
        Source label as the CRM shows it.
    share : float
        Share of all leads (shares are normalised).
    mql, sal, sql, opportunity, won : float
        Conversion into each stage from the one before (won is from opportunity).
    nurture_days, deal : float
        Median days from creation to MQL (0 for hand-raisers), median deal amount.
    """

    name: str
    share: float
    mql: float
    sal: float
    sql: float
    opportunity: float
    won: float
    nurture_days: float = 0.0
    deal: float = 20000.0


@dataclass(frozen=True)
class FunnelSpec:
    """Shape of a demo funnel.

    Attributes
    ----------
    leads : int
        Number of rows.
    start, end : date
        Leads are created between these dates; nothing happens after ``end`` (the export date).
    sources : tuple of SourceSpec
        Lead sources with their conversion rates.
    response_median_hours, response_sigma, never_contacted : float
        Median hours from MQL to the first sales touch, its log-scale spread, and the share of
        MQLs nobody ever follows up.
    stage_days : dict
        Median days SAL->SQL (``sql``), SQL->opportunity (``opportunity``), opportunity->close.
    prefix : str
        Start of every lead id.
    export : ExportSpec or None
        Write the funnel as this CRM export instead of our columns.
    """

    leads: int
    start: date
    end: date
    sources: tuple[SourceSpec, ...]
    response_median_hours: float
    response_sigma: float
    never_contacted: float
    stage_days: dict[str, float] = field(default_factory=lambda: {"sql": 6.0, "opportunity": 10.0, "close": 35.0})
    prefix: str = "L"
    export: ExportSpec | None = None


@dataclass(frozen=True)
class DemoSpec:
    """One demo engagement.

    Attributes
    ----------
    slug : str
        Folder name under ``templates/demo/``.
    seed : int
        Seed of the random generator; the same seed gives the same files.
    survey : SurveySpec
    funnel : FunnelSpec
    intended_stage : str
        The HBR stage the survey is meant to land in (checked by the tests).
    current : bool
        False for an earlier wave that another demo points at with ``previous``.
    """

    slug: str
    seed: int
    survey: SurveySpec
    funnel: FunnelSpec
    intended_stage: str
    current: bool = True


def load_specs(path: Path | None = None) -> list[DemoSpec]:
    """Read the per-demo specs from ``templates/demo/generator.yaml``.

    Parameters
    ----------
    path : Path, optional
        Spec file; default ``templates/demo/generator.yaml``.

    Returns
    -------
    list of DemoSpec
        In file order (earlier waves before the demos that point at them).
    """
    data, problems = read_yaml(path or DEMO_ROOT / "generator.yaml", "templates/demo/generator.yaml")
    if problems:
        raise RuntimeError("; ".join(str(p) for p in problems))
    specs = []
    for item in data["demos"]:
        f = dict(item["funnel"])
        f["sources"] = tuple(SourceSpec(**s) for s in f["sources"])
        f["export"] = ExportSpec(**f["export"]) if f.get("export") else None
        f["start"], f["end"] = (date.fromisoformat(str(f[k])) for k in ("start", "end"))
        specs.append(DemoSpec(slug=item["slug"], seed=int(item["seed"]), survey=SurveySpec(**item["survey"]),
                              funnel=FunnelSpec(**f), intended_stage=item["stage"],
                              current=bool(item.get("current", True))))
    return specs


def read_statements(path: Path | None = None) -> list[dict]:
    """The statements of the survey instrument, in order, as the generator needs them.

    Parameters
    ----------
    path : Path, optional
        Instrument YAML; default ``templates/instrument_v1.yaml``: the demo engagements were
        surveyed on version 1 of the instrument, which the workbook keeps reading and scoring as
        asked (a new engagement uses ``templates/instrument.yaml``, version 2).

    Returns
    -------
    list of dict
        ``{"id", "dimension", "reverse"}`` per statement.
    """
    from helpers.content.instrument import INSTRUMENT_V1, load_instrument  # noqa: PLC0415  (keeps `import helpers.demo` light)

    return [{"id": s.id, "dimension": s.dimension, "reverse": bool(s.reverse)}
            for s in load_instrument(path if path is not None else INSTRUMENT_V1).statements]


def survey_frame(spec: SurveySpec, statements: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    """Draw a canonical survey (respondent, team, level, one column per statement).

    Parameters
    ----------
    spec : SurveySpec
        Target shape.
    statements : list of dict
        From :func:`read_statements`.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        Ratings as nullable integers (blank answers are ``<NA>``).
    """
    n = spec.sales + spec.marketing
    team = np.array(["sales"] * spec.sales + ["marketing"] * spec.marketing)
    leader = np.zeros(n, dtype=bool)
    leader[: spec.sales_leaders] = True
    leader[spec.sales: spec.sales + spec.marketing_leaders] = True
    order = rng.permutation(n)                      # rows in the order answers came in
    team, leader = team[order], leader[order]
    is_sales = team == "sales"
    dims = np.array([s["dimension"] for s in statements])
    reverse = np.array([s["reverse"] for s in statements])
    dim_shift = np.array([spec.dimensions.get(d, 0.0) for d in dims]) / 20.0
    item_effect = rng.normal(0.0, 0.18, len(statements))
    person = rng.normal(0.0, spec.spread / 20.0, n)
    answer_noise = rng.normal(0.0, spec.noise, (n, len(statements)))
    blank = rng.random((n, len(statements))) < spec.blank_rate
    level_shift = np.where(leader, 1.0, 0.0) * spec.level_gap / 20.0
    targets = {"sales": spec.target_index + spec.team_gap / 2, "marketing": spec.target_index - spec.team_gap / 2}
    base = {t: v / 20.0 for t, v in targets.items()}
    # Rounding and clipping at 1 and 5 pull the mean towards 3; re-aim each team with the same draws.
    for _ in range(6):
        team_base = np.where(is_sales, base["sales"], base["marketing"])
        # Centre the level shift inside each team so the team mean stays on target.
        for t, mask in (("sales", is_sales), ("marketing", ~is_sales)):
            team_base[mask] -= level_shift[mask].mean()
        latent = (team_base + person + level_shift)[:, None] + dim_shift + item_effect + answer_noise
        scored = np.clip(np.rint(latent), 1, 5)
        person_index = 20.0 * np.nanmean(np.where(blank, np.nan, scored), axis=1)
        for t, mask in (("sales", is_sales), ("marketing", ~is_sales)):
            base[t] += (targets[t] - person_index[mask].mean()) / 20.0
    ratings = np.where(reverse, 6 - scored, scored)
    frame = pd.DataFrame({
        "respondent": [f"{spec.prefix}{i + 1:02d}" for i in range(n)],
        "team": team,
        "level": np.where(leader, "leader", "staff"),
    })
    values = pd.DataFrame(np.where(blank, np.nan, ratings), columns=[s["id"] for s in statements]).astype("Int64")
    return pd.concat([frame, values], axis=1)


def _lognormal_days(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    """Durations in days, lognormal around ``median``."""
    return np.exp(np.log(np.maximum(median, 1e-3)) + rng.normal(0.0, sigma, n))


def _working_time(t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Move sales actions that fall at night or on a weekend to the next working morning."""
    day = t.astype("datetime64[D]")
    minutes = (t - day).astype("int64")
    late, early = minutes >= 18 * 60, minutes < 8 * 60
    day = np.where(late, day + np.timedelta64(1, "D"), day)
    weekday = (day.astype("int64") + 3) % 7          # 1970-01-01 was a Thursday; Monday = 0
    day = day + np.select([weekday == 5, weekday == 6], [2, 1], 0).astype("timedelta64[D]")
    moved = late | early | (weekday >= 5)
    morning = 8 * 60 + rng.integers(0, 150, len(t))
    return day.astype("datetime64[m]") + np.where(moved, morning, minutes).astype("timedelta64[m]")


def funnel_frame(spec: FunnelSpec, rng: np.random.Generator) -> pd.DataFrame:
    """Draw a canonical funnel: one row per lead, timestamps blank where a stage was never reached.

    Parameters
    ----------
    spec : FunnelSpec
        Target shape.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`FUNNEL_COLUMNS`; timestamps as ``datetime64`` (``NaT`` for blank),
        ``amount`` as float (``NaN`` for blank).
    """
    n = spec.leads
    shares = np.array([s.share for s in spec.sources], dtype=float)
    src = rng.choice(len(spec.sources), size=n, p=shares / shares.sum())
    rate = {k: np.array([getattr(s, k) for s in spec.sources])[src]
            for k in ("mql", "sal", "sql", "opportunity", "won", "nurture_days", "deal")}
    span = (spec.end - spec.start).days
    day = rng.integers(0, span, n)
    start = np.datetime64(spec.start.isoformat(), "m")
    days = start + day.astype("timedelta64[D]")
    weekend = ((day + spec.start.weekday()) % 7) >= 5
    days = days + np.where(weekend & (rng.random(n) < 0.7), 2, 0).astype("timedelta64[D]")  # most form fills land on weekdays
    minute = np.clip(rng.normal(13.0 * 60, 170.0, n), 6 * 60, 23 * 60).astype(int)
    created = days + minute.astype("timedelta64[m]")

    def after(t: np.ndarray, d: np.ndarray) -> np.ndarray:
        return t + np.maximum(np.rint(d * 24 * 60), 1).astype("int64").astype("timedelta64[m]")

    mql_ok = rng.random(n) < rate["mql"]
    nurture = np.where(rate["nurture_days"] > 0, _lognormal_days(rng, rate["nurture_days"], 0.8, n),
                       rng.uniform(0.002, 0.05, n))
    mql = after(created, nurture)
    contacted = mql_ok & (rng.random(n) >= spec.never_contacted)
    hours = _lognormal_days(rng, spec.response_median_hours, spec.response_sigma, n)
    first = _working_time(after(mql, hours / 24.0), rng)
    # Late calls qualify less often (Oldroyd et al. 2011): within an hour helps, after a day hurts.
    speed = np.select([hours <= 1, hours <= 24, hours <= 72], [1.35, 1.0, 0.75], 0.55)
    sal_ok = contacted & (rng.random(n) < np.minimum(rate["sal"] * speed, 0.97))
    sal = _working_time(after(first, _lognormal_days(rng, 0.8, 0.9, n)), rng)
    sql_ok = sal_ok & (rng.random(n) < rate["sql"])
    sql = _working_time(after(sal, _lognormal_days(rng, spec.stage_days["sql"], 0.7, n)), rng)
    opp_ok = sql_ok & (rng.random(n) < rate["opportunity"])
    opp = _working_time(after(sql, _lognormal_days(rng, spec.stage_days["opportunity"], 0.7, n)), rng)
    won_ok = opp_ok & (rng.random(n) < rate["won"])
    close = _working_time(after(opp, _lognormal_days(rng, spec.stage_days["close"], 0.6, n)), rng)
    amount = np.round(_lognormal_days(rng, rate["deal"], 0.4, n), -2)
    # Sales disqualifies some of the leads it talked to but did not take further (closed lost).
    dq_draw = rng.random(n)
    dq_mql = contacted & ~sal_ok & (dq_draw < 0.6)
    dq_sal = sal_ok & ~opp_ok & (dq_draw < 0.5)
    dq_at = _working_time(np.where(dq_mql, after(first, _lognormal_days(rng, 2.0, 0.8, n)),
                                   after(np.where(sql_ok, sql, sal), _lognormal_days(rng, 8.0, 0.7, n))), rng)

    end = np.datetime64(spec.end.isoformat(), "m") + np.timedelta64(1, "D")
    nat = np.datetime64("NaT", "m")

    def keep(t: np.ndarray, ok: np.ndarray) -> np.ndarray:
        return np.where(ok & (t < end), t, nat)

    out = pd.DataFrame({
        "lead_id": [f"{spec.prefix}{i:05d}" for i in range(1, n + 1)],
        "source": np.array([s.name for s in spec.sources])[src],
        "created_at": created,
        "mql_at": keep(mql, mql_ok),
        "sal_at": keep(sal, sal_ok),
        "sql_at": keep(sql, sql_ok),
        "opportunity_at": keep(opp, opp_ok),
        "won_at": keep(close, won_ok),
        "lost_at": np.where(opp_ok, keep(close, opp_ok & ~won_ok), keep(dq_at, dq_mql | dq_sal)),
        "first_response_at": keep(first, contacted),
        "amount": np.where(opp_ok & (opp < end), amount, np.nan),
    })
    return out.sort_values("created_at", kind="stable").reset_index(drop=True).assign(
        lead_id=[f"{spec.prefix}{i:05d}" for i in range(1, n + 1)])


def generate(spec: DemoSpec, root: Path | None = None, statements: list[dict] | None = None) -> list[Path]:
    """Write one demo's ``survey.csv`` and funnel file.

    Parameters
    ----------
    spec : DemoSpec
        The demo to generate.
    root : Path, optional
        Folder holding the demo folders; default ``templates/demo``.
    statements : list of dict, optional
        Instrument statements; default read from ``templates/instrument_v1.yaml`` (see :func:`read_statements`).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = (root or DEMO_ROOT) / spec.slug
    statements = statements if statements is not None else read_statements()
    rng = np.random.default_rng(spec.seed)
    survey = survey_frame(spec.survey, statements, rng)
    funnel = funnel_frame(spec.funnel, rng)
    written = [atomic_write_text(folder / "survey.csv", survey_csv(survey))]
    export = spec.funnel.export
    text = export_csv(funnel, export, rng) if export else funnel_csv(funnel)
    written.append(atomic_write_text(folder / "funnel.csv", text))
    return written


def demo_folders(include_earlier_waves: bool = False) -> list[Path]:
    """The bundled demo engagements, in a stable order.

    Parameters
    ----------
    include_earlier_waves : bool
        Also list earlier waves that a current demo compares against through ``previous``.

    Returns
    -------
    list of Path
        Absolute folder paths under ``templates/demo``.
    """
    return [DEMO_ROOT / s.slug for s in load_specs() if s.current or include_earlier_waves]


def main() -> int:
    """Regenerate every demo's ``survey.csv`` and ``funnel.csv`` (``python -m helpers.demo``)."""
    statements = read_statements()
    for spec in load_specs():
        for path in generate(spec, statements=statements):
            print(f"wrote {path.relative_to(TEMPLATES.parent)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
