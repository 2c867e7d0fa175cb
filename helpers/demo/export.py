"""Writing a demo's numbers as CSV text: the survey, and the funnel in our columns or shaped like a CRM export.

A demo spec may ask for its funnel as a CRM export (:class:`ExportSpec`: the CRM's headers, date
format, lead statuses, owners, contacts' companies and titles) instead of our columns, so the demo
exercises the same column mapping a consultant's real HubSpot or Salesforce export goes through.
:mod:`helpers.demo` generates the frames and re-exports everything here.
"""

from __future__ import annotations
from dataclasses import dataclass, field
import numpy as np
import pandas as pd


#: Canonical funnel columns, in the order of the contract.
FUNNEL_COLUMNS = ("lead_id", "source", "created_at", "mql_at", "sal_at", "sql_at", "opportunity_at",
                  "won_at", "lost_at", "first_response_at", "amount")


@dataclass(frozen=True)
class ExportSpec:
    """How a CRM export of the funnel looks.

    Attributes
    ----------
    columns : dict
        Export header -> one of :data:`FUNNEL_COLUMNS`, or a derived value: ``status`` (lead
        status), ``lifecycle`` (furthest lifecycle stage), ``owner`` (assigned salesperson),
        ``company`` and ``title`` (the contact's employer and job title), ``attempts`` (sales
        activities logged).
    date_format : str
        ``strftime`` format the CRM writes dates in.
    owners, companies, titles : list of str
        Salespeople leads are assigned to; employers and job titles of the contacts.
    stray_titles : list of str
        Job titles of contacts who were never buyers (students, competitors); only leads that
        never became MQLs get them, with probability ``stray_share``.
    stray_share : float
        Share of never-qualified leads with a stray title (their company is left blank).
    attempts_mean : float
        Mean number of follow-up attempts after the first one, for a derived ``attempts`` column.
    """

    columns: dict[str, str]
    date_format: str = "%Y-%m-%d %H:%M"
    owners: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    stray_titles: list[str] = field(default_factory=list)
    stray_share: float = 0.0
    attempts_mean: float = 1.0


def _as_text(frame: pd.DataFrame, date_format: str) -> pd.DataFrame:
    """Timestamps as text in ``date_format``, amounts as whole numbers, blanks as empty strings."""
    out = frame.copy()
    for col in FUNNEL_COLUMNS[2:-1]:
        out[col] = out[col].dt.strftime(date_format).fillna("")
    out["amount"] = out["amount"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    return out


def funnel_csv(frame: pd.DataFrame) -> str:
    """Render a canonical funnel frame as ``funnel.csv`` text (ISO timestamps, blanks empty)."""
    return _as_text(frame, "%Y-%m-%d %H:%M").loc[:, list(FUNNEL_COLUMNS)].to_csv(index=False, lineterminator="\n")


def export_csv(frame: pd.DataFrame, export: ExportSpec, rng: np.random.Generator) -> str:
    """Render a canonical funnel frame the way a CRM export looks.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`funnel_frame`.
    export : ExportSpec
        Header names, date format and sales owners of the export.
    rng : numpy.random.Generator
        Source of randomness (owners and the wording of lead statuses).

    Returns
    -------
    str
        CSV text with the export's headers, in the order given.
    """
    out = _as_text(frame, export.date_format)
    has = {c: frame[c].notna().to_numpy() for c in FUNNEL_COLUMNS[3:-1]}
    lost = has["lost_at"]
    coin = rng.random(len(frame)) < 0.7
    out["status"] = np.select(
        [has["won_at"], has["opportunity_at"] & lost, has["opportunity_at"], has["sql_at"],
         has["first_response_at"] & lost, has["first_response_at"], has["mql_at"]],
        ["Connected", "Bad Timing", "Open Deal", "Connected",
         np.where(coin, "Unqualified", "Bad Timing"), np.where(coin, "Attempted to Contact", "In Progress"), "New"],
        "")
    out["lifecycle"] = np.select(
        [has["won_at"], has["opportunity_at"], has["sql_at"], has["mql_at"]],
        ["Customer", "Opportunity", "Sales Qualified Lead", "Marketing Qualified Lead"], "Lead")
    n = len(frame)

    def pick(options: list[str]) -> np.ndarray:
        return np.array(options or [""])[rng.integers(0, max(len(options), 1), n)]

    out["owner"] = np.where(has["mql_at"], pick(export.owners), "")
    stray = ~has["mql_at"] & (rng.random(n) < export.stray_share) & bool(export.stray_titles)
    out["title"] = np.where(stray, pick(export.stray_titles), pick(export.titles))
    out["company"] = np.where(stray, "", pick(export.companies))
    tries = 1 + rng.poisson(export.attempts_mean, n)
    out["attempts"] = np.where(has["first_response_at"], tries, 0).astype(str)
    return pd.DataFrame({their: out[ours] for their, ours in export.columns.items()}).to_csv(
        index=False, lineterminator="\n")


def survey_csv(frame: pd.DataFrame) -> str:
    """Render a canonical survey frame as CSV text (blank answers empty)."""
    return frame.to_csv(index=False, lineterminator="\n", na_rep="")
