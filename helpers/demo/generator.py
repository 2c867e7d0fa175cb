"""The bundled demo engagements and the seeded generator behind their numbers.

Each demo lives in ``templates/demo/<slug>/``. The words (``engagement.yaml``, the interviews,
``journey.yaml``, ``plan.yaml``) are written by hand and committed as they are. The numbers
(``survey.csv`` and ``funnel.csv``) come from :func:`generate`, driven by one entry per demo in
``templates/demo/generator.yaml`` and a fixed seed, so regenerating gives byte-identical files::

    python -m helpers.demo            # rewrite every demo's survey.csv and funnel.csv

Survey ratings are drawn around a target index (HBR 20-100 scale) with a gap between sales and
marketing, a gap between leaders and staff within each team and a per-dimension profile, on the
instrument version each demo names (an earlier wave may have been surveyed on version 1). People
differ as in real staff surveys (about 10-15 index points between respondents), and each person
leans their own way on each dimension, so a dimension's statements hang together (Cronbach's alpha
mostly 0.6-0.85). Reverse-keyed statements are answered the other way round, so the scored answers
still land where the spec says; staff answer "don't know" to some statements the instrument marks as
hard to judge from their own work. Funnel
rows follow a lead from creation through MQL, SAL, SQL and opportunity to won or lost with given
conversion rates, stage durations and a lognormal speed to first response; leads called late are
accepted less often, as the lead-response research in ``DOMAIN.md`` reports. Sales actions fall
in working hours. A demo may write its funnel as a CRM export (e.g. HubSpot) instead of our columns;
the CSV writing lives in :mod:`helpers.demo.export`. The survey and the funnel draw from separate
random streams of the demo's seed, so changing one leaves the other's file unchanged.
"""

from __future__ import annotations
import io
import sys
import zlib
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


#: What the generated ``survey.csv`` holds for a "Don't know / can't judge" answer (the reader knows it).
DONT_KNOW_CELL = "dk"


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
        Sales minus marketing, and leaders minus staff within each team, in index points.
    dimensions : dict
        Index points added to every statement of a dimension.
    instrument : int
        Version of the instrument the survey was answered on (1 or 2).
    spread : float
        Standard deviation of the respondents' indexes within their team and level (index points):
        how far one person sits above or below the people in the same position.
    dimension_spread : float
        Standard deviation of a respondent's own view of each dimension (index points), shared by
        that dimension's statements, so a dimension's statements hang together.
    noise : float
        Standard deviation of a single answer around the respondent's view (rating points).
    blank_rate : float
        Share of answers left blank.
    dont_know_rate : float
        Share of staff answering "don't know" to a statement the instrument marks
        ``dont_know_likely``; leaders, who see more, at a quarter of that rate.
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
    instrument: int = 2
    spread: float = 11.0
    dimension_spread: float = 8.0
    noise: float = 0.5
    blank_rate: float = 0.02
    dont_know_rate: float = 0.0
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
class StreamStart:
    """Where a demo's funnel draws begin in the random stream of its seed.

    The survey draws from a stream of its own (see :func:`survey_stream`), so changing the survey
    leaves the funnel alone. The bundled demos' funnels were first drawn after an earlier survey
    generator, from the same stream; ``funnel_stream`` in ``generator.yaml`` records where that
    generator left the stream, so those ``funnel.csv`` files stay as they were.

    Attributes
    ----------
    draws : int
        64-bit outputs of the seed's PCG64 stream used before the funnel's first draw.
    half : int or None
        The unused upper 32 bits of an output a 32-bit draw had split (None when there was none).
    """

    draws: int
    half: int | None = None


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
    funnel_stream : StreamStart or None
        Where the funnel's draws begin in the seed's stream (None: at its start).
    activities : dict or None
        Write ``activities.csv`` too (a HubSpot calls export, :func:`activities_csv`): ``gap_days``
        (mean days between attempts). None: no activity export.
    """

    slug: str
    seed: int
    survey: SurveySpec
    funnel: FunnelSpec
    intended_stage: str
    current: bool = True
    funnel_stream: StreamStart | None = None
    activities: dict | None = None


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

    Raises
    ------
    RuntimeError
        When the file cannot be read or a survey asks for an instrument version that does not
        exist, or for "don't know" answers on version 1 (which had no such answer).
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
        survey = SurveySpec(**item["survey"])
        if survey.instrument not in (1, 2):
            raise RuntimeError(f"templates/demo/generator.yaml: {item['slug']}: survey.instrument is "
                               f"{survey.instrument}; write 1 or 2")
        if survey.instrument == 1 and survey.dont_know_rate:
            raise RuntimeError(f"templates/demo/generator.yaml: {item['slug']}: version 1 of the instrument had "
                               "no \"don't know\" answer; remove dont_know_rate or use instrument: 2")
        stream = item.get("funnel_stream")
        specs.append(DemoSpec(slug=item["slug"], seed=int(item["seed"]), survey=survey,
                              funnel=FunnelSpec(**f), intended_stage=item["stage"],
                              current=bool(item.get("current", True)),
                              funnel_stream=StreamStart(**stream) if stream else None,
                              activities=item.get("activities")))
    return specs


def read_statements(version: int = 2) -> list[dict]:
    """The statements of one version of the survey instrument, in order, as the generator needs them.

    Parameters
    ----------
    version : int
        2 reads ``templates/instrument.yaml``; 1 reads ``templates/instrument_v1.yaml``, which the
        workbook keeps reading and scoring as asked (an earlier demo wave was surveyed on it).

    Returns
    -------
    list of dict
        ``{"id", "dimension", "reverse", "dont_know_likely"}`` per statement.
    """
    from helpers.content.instrument import INSTRUMENT, INSTRUMENT_V1, load_instrument  # noqa: PLC0415  (keeps `import helpers.demo` light)

    instrument = load_instrument(INSTRUMENT_V1 if version == 1 else INSTRUMENT)
    return [{"id": s.id, "dimension": s.dimension, "reverse": bool(s.reverse),
             "dont_know_likely": bool(s.dont_know_likely)} for s in instrument.statements]


def survey_stream(seed: int) -> np.random.Generator:
    """The random stream a demo's survey is drawn from: its own, apart from the funnel's."""
    return np.random.default_rng([seed, 1])


def funnel_stream(seed: int, start: StreamStart | None = None) -> np.random.Generator:
    """The random stream a demo's funnel (and its CRM export) is drawn from.

    Parameters
    ----------
    seed : int
        The demo's seed.
    start : StreamStart, optional
        Where in the seed's stream the funnel's draws begin; default its start.
    """
    bits = np.random.PCG64(seed)
    if start is not None:
        bits.advance(start.draws)
        if start.half is not None:
            state = bits.state
            state["has_uint32"], state["uinteger"] = 1, int(start.half)
            bits.state = state
    return np.random.Generator(bits)


def _cells(team: np.ndarray, leader: np.ndarray, spec: SurveySpec) -> list[tuple[np.ndarray, float]]:
    """Each team-and-level group of respondents with the index it is aimed at.

    A team's leaders sit ``level_gap`` above its staff, placed so that the team's mean stays on
    its own target (the overall target plus or minus half the team gap).
    """
    out = []
    for name, sign in (("sales", 0.5), ("marketing", -0.5)):
        in_team = team == name
        target = spec.target_index + sign * spec.team_gap
        share = leader[in_team].mean() if in_team.any() else 0.0
        for is_leader, offset in ((True, (1.0 - share) * spec.level_gap), (False, -share * spec.level_gap)):
            mask = in_team & (leader == is_leader)
            if mask.any():
                out.append((mask, target + offset))
    return out


def _statement_pull(statement_id: str) -> float:
    """How far a statement's answers sit from its dimension's (rating points, sd 0.18).

    A property of the statement, not of a wave: drawn from the statement id, so a statement asked
    in two waves (or two versions of the instrument) pulls the same way in both.
    """
    return float(np.random.default_rng(zlib.crc32(statement_id.encode("utf-8"))).normal(0.0, 0.18))


def _pooled_sd(values: np.ndarray, cells: list[tuple[np.ndarray, float]]) -> float:
    """Standard deviation of ``values`` around their group's mean, pooled over the groups."""
    squares = sum(float(((values[mask] - values[mask].mean()) ** 2).sum()) for mask, _ in cells)
    free = sum(int(mask.sum()) - 1 for mask, _ in cells)
    return float(np.sqrt(squares / free)) if free > 0 else 0.0


def survey_frame(spec: SurveySpec, statements: list[dict], rng: np.random.Generator) -> pd.DataFrame:
    """Draw a canonical survey (respondent, team, level, one column per statement).

    An answer is a respondent's general view (their team and level's target plus a personal lean
    of ``spread``), plus their own lean on the statement's dimension (``dimension_spread``, shared
    by the dimension's statements, so they hang together), the dimension's profile shift, a small
    effect of the statement itself and the noise of a single answer, rounded and kept within 1-5.
    Reverse-keyed statements are answered the other way round. Each team-and-level group is then
    re-aimed, with the same draws, so its mean index lands on its target (rounding and clipping
    at 1 and 5 would pull it towards 3).

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
        Answers as objects: a rating 1-5 (int), :data:`DONT_KNOW_CELL` for "don't know", or
        ``None`` for a blank.
    """
    n = spec.sales + spec.marketing
    team = np.array(["sales"] * spec.sales + ["marketing"] * spec.marketing)
    leader = np.zeros(n, dtype=bool)
    leader[: spec.sales_leaders] = True
    leader[spec.sales: spec.sales + spec.marketing_leaders] = True
    order = rng.permutation(n)                      # rows in the order answers came in
    team, leader = team[order], leader[order]
    dims = list(dict.fromkeys(s["dimension"] for s in statements))
    dim_of = np.array([dims.index(s["dimension"]) for s in statements])
    reverse = np.array([s["reverse"] for s in statements])
    likely = np.array([s.get("dont_know_likely", False) for s in statements])
    dim_shift = np.array([spec.dimensions.get(d, 0.0) for d in dims])[dim_of] / 20.0
    item_effect = np.array([_statement_pull(s["id"]) for s in statements])
    person = rng.normal(0.0, spec.spread / 20.0, n)
    person_dim = rng.normal(0.0, spec.dimension_spread / 20.0, (n, len(dims)))[:, dim_of]
    answer_noise = rng.normal(0.0, spec.noise, (n, len(statements)))
    blank = rng.random((n, len(statements))) < spec.blank_rate
    unsure_rate = np.where(leader, spec.dont_know_rate / 4.0, spec.dont_know_rate)[:, None] * likely
    unsure = (rng.random((n, len(statements))) < unsure_rate) & ~blank
    cells = _cells(team, leader, spec)
    base = np.zeros(n)
    for mask, target in cells:
        base[mask] = target / 20.0
    scale = 1.0
    for _ in range(12):
        latent = (base + scale * person)[:, None] + person_dim + dim_shift + item_effect + answer_noise
        scored = np.clip(np.rint(latent), 1, 5)
        person_index = 20.0 * np.nanmean(np.where(blank | unsure, np.nan, scored), axis=1)
        # re-aim each group's mean, and stretch the personal leans until people differ by `spread`
        # within their group (clipping at 1 and 5 squeezes them, most near either end of the scale)
        spread_now = _pooled_sd(person_index, cells)
        for mask, target in cells:
            base[mask] += (target - person_index[mask].mean()) / 20.0
        if spread_now > 0:
            scale = float(np.clip(scale * spec.spread / spread_now, 0.25, 8.0))
    ratings = np.where(reverse, 6 - scored, scored).astype(int).astype(object)
    answers = np.where(unsure, DONT_KNOW_CELL, np.where(blank, None, ratings))
    frame = pd.DataFrame({
        "respondent": [f"{spec.prefix}{i + 1:02d}" for i in range(n)],
        "team": team,
        "level": np.where(leader, "leader", "staff"),
    })
    values = pd.DataFrame(answers, columns=[s["id"] for s in statements], dtype=object)
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
        Instrument statements; default those of the version the demo was surveyed on
        (``spec.survey.instrument``, see :func:`read_statements`).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = (root or DEMO_ROOT) / spec.slug
    statements = statements if statements is not None else read_statements(spec.survey.instrument)
    survey = survey_frame(spec.survey, statements, survey_stream(spec.seed))
    rng = funnel_stream(spec.seed, spec.funnel_stream)
    funnel = funnel_frame(spec.funnel, rng)
    written = [atomic_write_text(folder / "survey.csv", survey_csv(survey))]
    export = spec.funnel.export
    text = export_csv(funnel, export, rng) if export else funnel_csv(funnel)
    written.append(atomic_write_text(folder / "funnel.csv", text))
    if spec.activities is not None and export is not None:
        # a stream of its own, so the survey and funnel files stay as they were
        calls = activities_csv(text, export, float(spec.activities.get("gap_days", 3.0)),
                               np.random.default_rng([spec.seed, 3]))
        written.append(atomic_write_text(folder / "activities.csv", calls))
    return written


def activities_csv(funnel_text: str, export: ExportSpec, gap_days: float, rng: np.random.Generator) -> str:
    """The calls export behind a HubSpot contacts export: one row per contact attempt.

    Each contacted lead gets as many calls as its "Number of Sales Activities": the first at its
    first engagement, each other on a later day, ``gap_days`` apart on average, at a working hour
    (Monday-Friday, 08:00-17:00). Outcomes: completed, no answer or busy.

    Parameters
    ----------
    funnel_text : str
        The funnel export as written (its own lead ids and dates are used).
    export : ExportSpec
        The export's headers and date format.
    gap_days : float
        Mean days between two attempts on one lead.
    rng : numpy.random.Generator
        Its own stream.
    """
    theirs = {ours: their for their, ours in export.columns.items()}
    frame = pd.read_csv(io.StringIO(funnel_text), dtype=str, keep_default_na=False)
    first = pd.to_datetime(frame[theirs["first_response_at"]], format=export.date_format, errors="coerce")
    tries = pd.to_numeric(frame[theirs["attempts"]], errors="coerce").fillna(0).astype(int)
    rows = []
    for lead, start, count in zip(frame[theirs["lead_id"]], first, tries):
        if pd.isna(start) or count <= 0:
            continue
        at = start
        for k in range(count):
            if k:  # a later day (1 + exponential days), at a working hour
                days = 1 + int(rng.exponential(max(gap_days - 1.0, 0.1)))
                at = at.normalize() + pd.Timedelta(days=days, hours=8 + float(rng.uniform(0, 9)))
                while at.weekday() >= 5:
                    at += pd.Timedelta(days=1)
            outcome = ("COMPLETED", "NO_ANSWER", "BUSY")[int(rng.choice(3, p=[0.5, 0.4, 0.1]))] if k else "COMPLETED"
            rows.append((lead, at.floor("min"), outcome))
    calls = pd.DataFrame(rows, columns=["lead", "at", "status"]).sort_values(["at", "lead"], kind="stable")
    return pd.DataFrame({"Record ID": [str(9_000_001 + i) for i in range(len(calls))],
                         "Call Title": "Follow-up call",
                         "Activity date": calls["at"].dt.strftime(export.date_format).to_numpy(),
                         "Call status": calls["status"].to_numpy(),
                         "Associated Contact IDs": calls["lead"].to_numpy()}).to_csv(index=False, lineterminator="\n")


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
    statements = {version: read_statements(version) for version in (1, 2)}
    for spec in load_specs():
        for path in generate(spec, statements=statements[spec.survey.instrument]):
            print(f"wrote {path.relative_to(TEMPLATES.parent)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
