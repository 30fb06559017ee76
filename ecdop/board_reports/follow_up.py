"""The report's sections on change and follow-up: the five-year trend, learning themes, how
quickly reviews and agencies worked, the panel's actions, and emerging patterns."""

from __future__ import annotations

from dataclasses import replace

from ecdop.analytics import aggregates
from ecdop.analytics.disclosure import SUPPRESSED, is_small, protect
from ecdop.analytics.statistics import median_and_quartiles
from ecdop.auth.models import OrganisationKind
from ecdop.board_reports.charts import trend_chart
from ecdop.board_reports.tables import (
    Figure,
    PublishedFigures,
    PublishedTable,
    Scope,
    Section,
    percent,
    protect_pair,
    published_rate,
    rate_text,
    share,
    shown,
    suppress_alone,
)
from ecdop.deadlines.rules import DeadlineKind
from ecdop.foundation.periods import trend_years

# -- Five-year trend ----------------------------------------------------------------------------


def trend_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    years = trend_years(scope.period, scope.start_month)
    labels = [_year_label(year) for year in years]
    deaths = [suppress_alone(n) for n in aggregates.deaths_by_year(scope.area_ids, years)]
    populations = aggregates.populations_by_year(scope.area_ids, [y.year for y in years])
    rates = [
        published_rate(d, populations.get(y.year, 0)) for d, y in zip(deaths, years, strict=True)
    ]
    reviews = aggregates.reviews_by_year(scope.area_ids, years)
    shares, share_values, medians, counts = [], [], [], []
    for year in reviews:
        part, _rest, whole = protect_pair(year.with_modifiable_factors, year.reviews)
        counts.append(whole)
        shares.append(percent(part, whole))
        share_values.append(_plotted(share(part, whole)))
        medians.append(_median_days(year.reviews, year.median_days_to_closure))
    rows = tuple(
        (label, shown(d), rate_text(r) if populations.get(y.year) else "-", shown(n), s, m)
        for label, d, r, y, n, s, m in zip(
            labels, deaths, rates, years, counts, shares, medians, strict=True
        )
    )
    table = PublishedTable(
        "Five-year trend, by reporting year",
        (
            "Year",
            "Deaths",
            "Rate per 100,000",
            "Reviews completed",
            "With modifiable factors",
            "Median days from death to closure",
        ),
        rows,
        note="* Fewer than 20 deaths: the rate is unreliable.",
    )
    rate_values = [r.per_100k if r is not None else SUPPRESSED for r in rates]
    return published, Section(
        "trend",
        "Five-year trend",
        (
            "Each whole reporting year up to the period of this report. A gap in a line is a year "
            "whose figure is suppressed or not known.",
        ),
        (
            Figure(
                table,
                trend_chart(
                    "deaths per 100,000 children by year", labels, rate_values, "Rate per 100,000"
                ),
            ),
            Figure(
                _share_table(labels, shares),
                trend_chart(
                    "the share of completed reviews with modifiable factors, by year",
                    labels,
                    share_values,
                    "Per cent",
                ),
            ),
        ),
    )


def _share_table(labels, shares) -> PublishedTable:
    rows = tuple((label, share) for label, share in zip(labels, shares, strict=True))
    return PublishedTable(
        "Share of completed reviews with modifiable factors",
        ("Year", "Share"),
        rows,
    )


def _year_label(year) -> str:
    if year.starts_on.month == 1:
        return str(year.year)
    return f"{year.year}-{(year.year + 1) % 100:02d}"


def _median_days(reviews: int, median: float | None) -> str:
    """A median of a handful of reviews describes each of them: suppressed below 6."""
    if not reviews or median is None:
        return "-"
    if is_small(reviews):
        return SUPPRESSED
    return f"{median:.0f}"


# -- Learning themes ----------------------------------------------------------------------------


def _plotted(value: float | str | None) -> float | str:
    """A share as the trend chart draws it: a gap for a suppressed or unknown year."""
    return SUPPRESSED if value is None else value


def themes_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    counts = aggregates.reviews_by_learning_theme(scope.area_ids, scope.period)
    reviews = published.reviews
    rows = []
    for title, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if reviews == SUPPRESSED or not reviews:
            rows.append((title, SUPPRESSED if reviews == SUPPRESSED else "0", "-"))
            continue
        part, _rest, whole = protect_pair(count, int(reviews))
        rows.append((title, shown(part), percent(part, whole)))
    top_theme = next((row[0] for row in rows if row[1] not in (SUPPRESSED, "0")), None)
    published = replace(published, top_theme=top_theme)
    table = PublishedTable(
        "Learning themes in completed reviews",
        ("Theme", "Reviews", "Share of reviews"),
        tuple(rows),
        note="A theme is counted where the panel named one of its factors, or its learning "
        "points or recommendations speak of it. A review can touch several themes.",
    )
    return published, Section(
        "themes",
        "Learning themes",
        (
            "Themes come from the factors the panel recorded and from the words of its learning "
            "points and recommendations. No free text from any review is printed in this report.",
        ),
        (Figure(table),),
    )


# -- Timeliness ---------------------------------------------------------------------------------


# Fewer than this many, and a median and quartiles describe the individual children.
FEWEST_FOR_A_SPREAD = 6


def _spread(days: list[int]):
    return (
        median_and_quartiles([float(d) for d in days]) if len(days) >= FEWEST_FOR_A_SPREAD else None
    )


def _time_taken(days: list[int], until: str, counted: str, too_few: str) -> str:
    """The median and quartiles of the days from death until something, or why not."""
    spread = _spread(days)
    if spread is None:
        return (
            f"{too_few} to give the time from death to {until} without describing individual "
            "children."
        )
    return (
        f"From death to {until} took a median of {spread.median:.0f} days (half took between "
        f"{spread.lower_quartile:.0f} and {spread.upper_quartile:.0f} days), over "
        f"{len(days):,} {counted}."
    )


def timeliness_section(
    scope: Scope, published: PublishedFigures
) -> tuple[PublishedFigures, Section]:
    days = aggregates.days_from_death_to_closure(scope.area_ids, scope.period)
    spread = _spread(days)
    published = replace(published, median_days=spread.median if spread else None)
    closure = _time_taken(days, "the review's closure", "reviews",
                          "Too few reviews were completed in the period")  # fmt: skip
    pathologist = _time_taken(
        aggregates.days_from_death_to_final_post_mortem_report(scope.area_ids, scope.period),
        "the final post-mortem report",
        "reports",
        "Too few final post-mortem reports came in the period",
    )
    coroner = _time_taken(
        aggregates.days_from_death_to_inquest_conclusion(scope.area_ids, scope.period),
        "the inquest's conclusion",
        "inquests",
        "Too few inquests concluded in the period",
    )
    deadlines = aggregates.deadlines_met_on_time(scope.area_ids, scope.period, scope.today)
    agencies = aggregates.agency_reports_on_time(scope.area_ids, scope.period, scope.today)
    return published, Section(
        "timeliness",
        "Timeliness",
        (closure, pathologist, coroner),
        (
            Figure(
                _on_time_table(
                    "Deadlines met on time, by kind",
                    "Deadline",
                    [(k.label, deadlines.get(k, (0, 0))) for k in DeadlineKind if not k.recurs],
                )
            ),
            Figure(
                _on_time_table(
                    "Agency reporting forms returned on time, by kind of agency",
                    "Agency",
                    [(k.label, agencies.get(k, (0, 0))) for k in OrganisationKind if k in agencies],
                )
            ),
        ),
    )


ON_TIME_HEADINGS = ("Fell due in the period", "Met by their due date", "Share on time")
ON_TIME_NOTE = (
    "Items that fell due in the period, before the report was made; a due date changed by "
    "agreement counts as the date in force."
)


def _on_time_table(caption: str, heading: str, rows_due_met) -> PublishedTable:
    """Rows of (fell due, on time); on time and late are protected as a two-column table
    with the numbers due as its row totals. A kind with nothing due in the period is named
    in the note, not shown as a row of noughts beside work that was done."""
    none_due = [label for label, (due, _met) in rows_due_met if not due]
    rows_due_met = [(label, counts) for label, counts in rows_due_met if counts[0]]
    note = ON_TIME_NOTE
    if none_due:
        note += f" Nothing fell due in the period for: {', '.join(none_due)}."
    if not rows_due_met:
        return PublishedTable(caption, (heading, *ON_TIME_HEADINGS), (), note=note)
    grid = [[met, due - met] for _label, (due, met) in rows_due_met]
    table = protect(grid)
    rows = tuple(
        (label, shown(due), shown(cells[0]), percent(cells[0], due))
        for (label, _counts), cells, due in zip(
            rows_due_met, table.cells, table.row_totals, strict=True
        )
    )
    return PublishedTable(caption, (heading, *ON_TIME_HEADINGS), rows, note=note)


# -- Actions and emerging patterns ------------------------------------------------------------


def actions_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    counts = aggregates.panel_actions(scope.area_ids, scope.period)
    rows = (
        ("Set by the panel in the period", shown(suppress_alone(counts.opened))),
        ("Done in the period, whenever they fell due", shown(suppress_alone(counts.done))),
        ("Not accepted in the period", shown(suppress_alone(counts.not_accepted))),
        ("Overdue at the end of the period", shown(suppress_alone(counts.overdue))),
    )
    published = replace(published, overdue_actions=suppress_alone(counts.overdue))
    table = PublishedTable("The panel's actions", ("Actions", "Number"), rows)
    return published, Section(
        "actions",
        "Actions",
        (
            "Actions are what the panel asked agencies to do after a review, each with an owner "
            "and a due date, followed up until done.",
        ),
        (Figure(table),),
    )


def patterns_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    patterns = aggregates.patterns_raised(scope.area_ids, scope.period)
    published = replace(published, patterns=len(patterns))
    rows = tuple(
        (
            f"{pattern.raised_on:%B %Y}",
            pattern.kind.label.split(":")[0],
            pattern.description,
            shown(suppress_alone(pattern.deaths)),
        )
        for pattern in patterns
    )
    table = PublishedTable(
        "Emerging patterns raised in the period",
        ("Raised", "Kind", "Pattern", "Deaths"),
        rows,
        text_columns=(1, 2),
    )
    words = (
        "ecdop checks each area's early-warning rules whenever a death is notified or "
        "triaged, and every morning, and tells the coordinators at once. Categories at "
        "notification are provisional."
    )
    if not patterns:
        words += " No patterns were raised in the period."
    return published, Section(
        "patterns", "Emerging patterns", (words,), (Figure(table),) if rows else ()
    )
