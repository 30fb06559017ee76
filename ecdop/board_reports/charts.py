"""Charts for the board's reports: matplotlib SVG, drawn only from figures already through
disclosure control, the same bytes every time for the same figures, each with a text
alternative that says what it shows.

Suppressed values are drawn as an empty bar labelled "c", never estimated.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ecdop.analytics.disclosure import SUPPRESSED

# The GOV.UK palette's dark blue, and its mid grey for gridlines.
BAR_COLOUR = "#1d70b8"
LINE_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
STYLE = {
    # Fixed ids and no timestamp: the same figures give the same SVG, so a report's fingerprint
    # changes only when its content does.
    "svg.hashsalt": "ecdop-board-report",
    "svg.fonttype": "none",  # text stays text: smaller, sharper and searchable in the PDF
    "font.family": "DejaVu Sans",
    # 10 pt as drawn: tick labels stay at 9 pt or more however the page scales the chart.
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Chart:
    data_uri: str  # an SVG image inlined in the report, so the renderer fetches nothing
    alt: str


def _svg_data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _shown(value: int | float | str) -> str:
    return (
        "suppressed"
        if value == SUPPRESSED
        else f"{value:,}"
        if isinstance(value, int)
        else (f"{value:,.1f}")
    )


def _heading(title: str) -> str:
    """The chart's own title, as a sentence: "Deaths by age at death"."""
    return title[:1].upper() + title[1:]


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[int | float | str], unit: str
) -> Chart:
    """Horizontal bars, one per label, largest category order kept as given."""
    numbers = [0 if value == SUPPRESSED else value for value in values]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.3, 0.8 + 0.32 * len(labels)))
        axes = figure.add_subplot()
        axes.set_title(_heading(title))
        if all(isinstance(number, int) for number in numbers):
            # A count has no half deaths: whole-number ticks only.
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        positions = range(len(labels))
        axes.barh(positions, numbers, color=BAR_COLOUR)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlabel(unit)
        axes.xaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        for position, value in zip(positions, values, strict=True):
            axes.annotate(
                "c" if value == SUPPRESSED else _shown(value),
                (numbers[position], position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
            )
        figure.tight_layout()
        uri = _svg_data_uri(figure)
    described = "; ".join(
        f"{label}: {_shown(value)}" for label, value in zip(labels, values, strict=True)
    )
    return Chart(uri, f"Bar chart of {title}. {described}.")


def trend_chart(
    title: str, periods: Sequence[str], values: Sequence[int | float | str | None], unit: str
) -> Chart:
    """A line over the years; a suppressed or missing year is a gap, not a guess."""
    points = [None if value in (SUPPRESSED, None) else value for value in values]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(6.3, 2.7))
        axes = figure.add_subplot()
        axes.set_title(_heading(title))
        positions = list(range(len(periods)))
        axes.plot(
            positions,
            [float("nan") if point is None else point for point in points],
            color=LINE_COLOUR,
            marker="o",
        )
        axes.set_xticks(positions, periods)
        axes.set_ylabel(unit)
        axes.set_ylim(bottom=0)
        axes.yaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        figure.tight_layout()
        uri = _svg_data_uri(figure)
    described = "; ".join(
        f"{period}: {'not shown' if value is None else _shown(value)}"
        for period, value in zip(periods, values, strict=True)
    )
    return Chart(uri, f"Line chart of {title}. {described}.")
