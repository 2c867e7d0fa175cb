"""The progress charts show the waves' numbers: each dimension before and after, the index over time."""

from __future__ import annotations

import pytest

from helpers.charts.plan import before_after, wave_history
from helpers.charts.style import PALETTE
from tests.report.test_progress import three_waves, two_waves, weak_handoff

DIMENSIONS = ["Shared goals and revenue accountability", "Shared definitions and hand-off SLA",
              "Communication cadence", "Customer knowledge and feedback loop",
              "Joint planning and campaign execution", "Content and enablement", "Technology and data",
              "Leadership, culture and recognition"]


def _texts(fig) -> list[str]:
    return [t.get_text() for t in (fig.axes[0].texts if fig.axes else fig.texts)]  # a message: the figure's own text


def test_before_after_marks_each_dimension_and_the_change():
    fig = before_after(two_waves(weak_handoff()))
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Each dimension, before and after" and ax.get_xlabel() == "Score (20-100)"
    assert [" ".join(t.get_text().split()) for t in ax.get_yticklabels()] == DIMENSIONS
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Previous wave (30 September 2026)",
                                                                  "This wave (10 January 2027)"]
    changes = [t for t in _texts(fig) if t]  # the arrows are annotations without text
    assert changes == ["+0.0", "+21.5", "+0.0", "+0.0", "+0.0", "+0.0", "+0.0", "+0.0"]
    # the hand-off row (second from the top) has its hollow dot at 38.5 and its filled dot at 60.0
    dots = {line.get_markerfacecolor(): dict(zip(line.get_ydata(), line.get_xdata()))
            for line in ax.lines if line.get_marker() == "o" and len(line.get_xdata())}
    assert dots["white"][6] == 38.5 and dots[PALETTE["ink"]][6] == 60.0


def test_wave_history_plots_the_index_of_every_wave():
    fig = wave_history(three_waves(weak_handoff()))
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Alignment across the waves" and ax.get_ylabel() == "Alignment index"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2026-09-30", "2027-01-10", "2027-04-10"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Sales", "Marketing", "Overall index"]
    index = next(line for line in ax.lines if line.get_label() == "Overall index")
    assert [float(v) for v in index.get_ydata()] == [51.3, 61.0, 66.0]
    assert _texts(fig) == ["Undefined", "Defined", "Aligned", "Integrated", "51.3", "61.0", "66.0"]


@pytest.mark.parametrize("chart, message", [
    (before_after, "No dimension scores to compare between the waves."),
    (wave_history, "The history needs at least two waves with survey results."),
])
def test_first_wave_charts_are_messages(chart, message):
    fig = chart({"progress": None})  # the first wave has nothing to compare with
    assert _texts(fig) == [message] and not fig.axes and not fig.lines
