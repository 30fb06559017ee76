"""The report's sections on completed reviews: categories, modifiable factors and the four
domains."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ecdop.analytics import aggregates
from ecdop.analytics.disclosure import SUPPRESSED
from ecdop.board_reports.tables import (
    Figure,
    PublishedFigures,
    PublishedTable,
    Scope,
    Section,
    Shown,
    breakdown,
    figure,
    in_order,
    percent,
    proportion_interval_text,
    protect_pair,
    shown,
)
from ecdop.foundation.vocabulary import CategoryOfDeath
from ecdop.meetings.choices import DOMAINS, ModifiableFactors
from ecdop.meetings.models import PanelAnalysis

# -- Reviews ------------------------------------------------------------------------------------


def reviews_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    categories = aggregates.reviews_by(PanelAnalysis.category, scope.area_ids, scope.period)
    labels = [c.label for c in CategoryOfDeath]
    category_table, category_cells, total = breakdown(
        "Reviews completed by category of death",
        "Category",
        labels,
        in_order(categories, list(CategoryOfDeath)),
        unit="Reviews",
    )
    published = replace(published, reviews=total)
    published = replace(published, top_category=_largest(labels, category_cells))
    modifiable_labels = list(MODIFIABLE_ROWS)
    modifiable_table, modifiable_cells, modifiable_total = breakdown(
        "Reviews by whether modifiable factors were identified",
        "Modifiable factors",
        modifiable_labels,
        reviews_by_modifiable_factors(scope),
        unit="Reviews",
    )
    modifiable_table = replace(
        modifiable_table,
        note="95% interval of the share with modifiable factors (Wilson): "
        + proportion_interval_text(modifiable_cells[0], modifiable_total)
        + ". Reviews with insufficient information are counted with those without "
        "modifiable factors.",
    )
    published = replace(published, modifiable=(modifiable_cells[0], modifiable_total))
    return published, Section(
        "reviews",
        "Reviews completed",
        (
            "A review is completed when the panel chair signs it off. Categories are those the "
            "panel recorded.",
        ),
        (
            figure(
                category_table, "reviews by category of death", labels, category_cells, "Reviews"
            ),
            figure(
                modifiable_table,
                "reviews by modifiable factors",
                modifiable_labels,
                modifiable_cells,
                "Reviews",
            ),
            Figure(_domain_table(scope, total)),
        ),
    )


def reviews_by_modifiable_factors(scope: Scope) -> list[int]:
    """[identified, not identified or insufficient information]: two rows, as the national
    measure has them. A third row for the few reviews with insufficient information would,
    suppressed, take the measure itself down with it."""
    modifiable = aggregates.reviews_by(PanelAnalysis.modifiable, scope.area_ids, scope.period)
    identified = modifiable.get(ModifiableFactors.IDENTIFIED, 0)
    return [identified, sum(modifiable.values()) - identified]


MODIFIABLE_ROWS = (
    ModifiableFactors.IDENTIFIED.label,
    "No modifiable factors identified, or insufficient information",
)


def _largest(labels: Sequence[str], cells: Sequence[Shown]) -> tuple[str, Shown] | None:
    published = [
        (cell, label)
        for label, cell in zip(labels, cells, strict=True)
        if cell != SUPPRESSED and cell
    ]
    return (max(published)[1], max(published)[0]) if published else None


def _domain_table(scope: Scope, total: Shown) -> PublishedTable:
    counts = aggregates.reviews_with_factors_by_domain(scope.area_ids, scope.period)
    reviews = 0 if total == SUPPRESSED else int(total)
    rows = []
    for domain in DOMAINS:
        part, _rest, whole = (
            protect_pair(counts[domain.key], reviews)
            if total != SUPPRESSED
            else (SUPPRESSED, SUPPRESSED, SUPPRESSED)
        )
        rows.append((domain.title, shown(part), percent(part, whole)))
    return PublishedTable(
        "Reviews with factors in each domain that may have contributed to the death",
        ("Domain", "Reviews", "Share of reviews"),
        tuple(rows),
        note="A review can have factors in more than one domain.",
    )
