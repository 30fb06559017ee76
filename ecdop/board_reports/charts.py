"""Charts for the board's reports: matplotlib SVG, drawn only from figures already through
disclosure control, the same bytes every time for the same figures, each with a text
alternative that says what it shows.

Suppressed values are drawn as an empty bar labelled "c", never estimated.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

from ecdop.analytics.disclosure import SUPPRESSED

# The GOV.UK palette's dark blue, and its mid grey for gridlines.
BAR_COLOUR = "#1d70b8"
LINE_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
STYLE: dict[RcKeyType, object] = {
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


# The report's charts are as wide as its text column: 6.3 inches of an A4 page's margins.
CHART_WIDTH = 6.3
# A category label is wrapped at this many characters, so that the longest ("Chromosomal,
# genetic and congenital anomalies") takes two lines rather than half the chart.
LABEL_WIDTH = 26
# Room to the right of the longest bar for its value, as a share of the axis.
VALUE_ROOM = 0.18
# No more ticks than this: four-digit ticks at 30, 60, 90… ran together.
MOST_TICKS = 6


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


def wrapped(label: str, width: int = LABEL_WIDTH) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _titled(figure: Figure, title: str) -> None:
    """The chart's title at the figure's left edge, wrapped to its width: an axes title starts
    where the axes does, and was cut off past the right edge."""
    figure.suptitle(wrapped(_heading(title), 70), x=0.01, ha="left", fontweight="bold",
                    fontsize=STYLE["axes.titlesize"])  # fmt: skip


def bar_figure(
    title: str, labels: Sequence[str], values: Sequence[int | float | str], unit: str
) -> Figure:
    """Horizontal bars, one per label, in the order given; the figure grows with the labels'
    lines so that none is squeezed."""
    # A suppressed count ("c", the only text among them) draws no bar.
    numbers = [0 if isinstance(value, str) else value for value in values]
    lines = [wrapped(label) for label in labels]
    height = 0.9 + sum(0.26 + 0.19 * line.count("\n") for line in lines)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(CHART_WIDTH, height), layout="constrained")
        _titled(figure, title)
        axes = figure.add_subplot()
        integers = all(isinstance(number, int) for number in numbers)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=MOST_TICKS, integer=integers))
        positions = range(len(labels))
        axes.barh(positions, numbers, color=BAR_COLOUR)
        axes.set_yticks(positions, lines)
        axes.invert_yaxis()
        axes.set_xlim(0, max([*numbers, 1]) * (1 + VALUE_ROOM))
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
    return figure


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[int | float | str], unit: str
) -> Chart:
    with matplotlib.rc_context(STYLE):
        uri = _svg_data_uri(bar_figure(title, labels, values, unit))
    described = "; ".join(
        f"{label}: {_shown(value)}" for label, value in zip(labels, values, strict=True)
    )
    return Chart(uri, f"Bar chart of {title}. {described}.")


def trend_figure(
    title: str, periods: Sequence[str], values: Sequence[int | float | str | None], unit: str
) -> Figure:
    """A line over the years; a suppressed or missing year is a gap, not a guess."""
    points = [None if value in (SUPPRESSED, None) else value for value in values]
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(CHART_WIDTH, 2.7), layout="constrained")
        _titled(figure, title)
        axes = figure.add_subplot()
        positions = list(range(len(periods)))
        axes.plot(
            positions,
            [float("nan") if point is None else point for point in points],
            color=LINE_COLOUR,
            marker="o",
        )
        axes.set_xticks(positions, periods)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=MOST_TICKS))
        axes.set_ylabel(wrapped(unit, 24))
        axes.set_ylim(bottom=0)
        axes.yaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
    return figure


def trend_chart(
    title: str, periods: Sequence[str], values: Sequence[int | float | str | None], unit: str
) -> Chart:
    with matplotlib.rc_context(STYLE):
        uri = _svg_data_uri(trend_figure(title, periods, values, unit))
    described = "; ".join(
        f"{period}: {'not shown' if value is None else _shown(value)}"
        for period, value in zip(periods, values, strict=True)
    )
    return Chart(uri, f"Line chart of {title}. {described}.")
