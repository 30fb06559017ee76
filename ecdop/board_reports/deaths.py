"""The report's sections on deaths: who died, where, how deprived their home area was, and
the death rates."""

from __future__ import annotations

from dataclasses import replace

from ecdop.analytics import aggregates
from ecdop.analytics.disclosure import SUPPRESSED, protect
from ecdop.analytics.statistics import rate_per_100k
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
    interval_text,
    percent,
    published_rate,
    rate_text,
    shown,
)
from ecdop.cases.models import Case
from ecdop.foundation.vocabulary import AgeBand, Ethnicity, Expectation, PlaceOfDeath, Sex

# -- Deaths notified ----------------------------------------------------------------------------

ETHNIC_GROUPS = (
    ("Asian or Asian British", "asian_"),
    ("Black, Black British, Caribbean or African", "black_"),
    ("Mixed or multiple ethnic groups", "mixed_"),
    ("White", "white_"),
    ("Other ethnic group", "other_"),
    ("Not known", "not_known"),
)
PLACE_GROUPS = (
    ("Home or another private residence", (PlaceOfDeath.HOME, PlaceOfDeath.OTHER_RESIDENCE)),
    (
        "Hospital",
        (
            PlaceOfDeath.HOSPITAL_EMERGENCY,
            PlaceOfDeath.HOSPITAL_WARD,
            PlaceOfDeath.NEONATAL_UNIT,
            PlaceOfDeath.PAEDIATRIC_INTENSIVE_CARE,
        ),
    ),
    ("Hospice", (PlaceOfDeath.HOSPICE,)),
    ("Public place", (PlaceOfDeath.PUBLIC_PLACE,)),
    (
        "Elsewhere or not known",
        (PlaceOfDeath.IN_TRANSIT, PlaceOfDeath.ABROAD, PlaceOfDeath.OTHER, PlaceOfDeath.NOT_KNOWN),
    ),
)


def _grouped(counts: dict, groups) -> list[int]:
    return [sum(counts.get(member, 0) for member in members) for _label, members in groups]


def _ethnic_group_counts(scope: Scope) -> list[int]:
    counts = aggregates.deaths_by(Case.ethnicity, scope.area_ids, scope.period)
    return [
        sum(n for ethnicity, n in counts.items() if Ethnicity(ethnicity).value.startswith(prefix))
        for _label, prefix in ETHNIC_GROUPS
    ]


def deaths_by_age_band(scope: Scope) -> list[int]:
    return in_order(aggregates.deaths_by(Case.age_band, scope.area_ids, scope.period), AgeBand)


def deaths_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    age_labels = [band.label for band in AgeBand]
    age_table, age_cells, total = breakdown(
        "Deaths by age at death", "Age at death", age_labels, deaths_by_age_band(scope)
    )
    published = replace(
        published, deaths=total, deaths_by_age=dict(zip(AgeBand, age_cells, strict=True))
    )
    figures = [figure(age_table, "deaths by age at death", age_labels, age_cells, "Deaths")]
    sexes = aggregates.deaths_by(Case.sex, scope.area_ids, scope.period)
    sex_table, *_ = breakdown("Deaths by sex", "Sex", [s.label for s in Sex], in_order(sexes, Sex))
    figures.append(Figure(sex_table))
    ethnic_labels = [label for label, _prefix in ETHNIC_GROUPS]
    ethnic_table, ethnic_cells, _ = breakdown(
        "Deaths by ethnic group (ONS 2021 high-level groups)",
        "Ethnic group",
        ethnic_labels,
        _ethnic_group_counts(scope),
    )
    figures.append(
        figure(ethnic_table, "deaths by ethnic group", ethnic_labels, ethnic_cells, "Deaths")
    )
    places = aggregates.deaths_by(Case.place_of_death, scope.area_ids, scope.period)
    place_labels = [label for label, _members in PLACE_GROUPS]
    place_table, place_cells, _ = breakdown(
        "Deaths by place of death", "Place of death", place_labels, _grouped(places, PLACE_GROUPS)
    )
    figures.append(
        figure(place_table, "deaths by place of death", place_labels, place_cells, "Deaths")
    )
    expected = aggregates.deaths_by(Case.expectation, scope.area_ids, scope.period)
    expectation_table, expectation_cells, _ = breakdown(
        "Deaths by whether they were expected",
        "Expected or unexpected",
        [e.label for e in Expectation],
        in_order(expected, Expectation),
    )
    published = replace(published, unexpected=expectation_cells[1])
    figures.append(Figure(expectation_table))
    paragraphs = (
        "Deaths are counted in the period the child died in, for children who lived in the "
        "area (transferred cases count where the child lived). Notifications found to be out "
        "of scope are left out.",
    )
    return published, Section("deaths", "Deaths notified", paragraphs, tuple(figures))


# -- Deprivation --------------------------------------------------------------------------------


def deprivation_section(
    scope: Scope, published: PublishedFigures
) -> tuple[PublishedFigures, Section]:
    """Deciles and quintiles protected as one table (a quintile is two deciles), so that no
    decile can be worked out by taking its partner from the quintile."""
    counts = aggregates.deaths_by_deprivation(scope.area_ids, scope.period)
    grid = [[counts.get(2 * q - 1, 0), counts.get(2 * q, 0)] for q in range(1, 6)]
    grid.append([counts.get(None, 0), 0])
    table = protect(grid, column_totals=False)
    deciles = [cell for row in table.cells[:5] for cell in row]
    decile_labels = [_decile_label(decile) for decile in range(1, 11)] + ["Not known"]
    decile_cells = [*deciles, table.cells[5][0]]
    rows = tuple(
        (label, shown(cell), percent(cell, table.total))
        for label, cell in zip(decile_labels, decile_cells, strict=True)
    )
    total_row = ("Total", shown(table.total), "100%" if table.total not in (0, SUPPRESSED) else "-")
    decile_table = PublishedTable(
        "Deaths by deprivation decile of the home postcode (1 = most deprived 10%)",
        ("IMD decile", "Deaths", "Share"),
        rows,
        total_row,
    )
    quintile_labels = ["1 (most deprived)", "2", "3", "4", "5 (least deprived)", "Not known"]
    quintile_rows = tuple(
        (label, shown(cell), percent(cell, table.total))
        for label, cell in zip(quintile_labels, table.row_totals, strict=True)
    )
    quintile_table = PublishedTable(
        "Deaths by deprivation quintile",
        ("IMD quintile", "Deaths", "Share"),
        quintile_rows,
        total_row,
    )
    published = replace(published, most_deprived_quintile=table.row_totals[0])
    published = replace(published, least_deprived_quintile=table.row_totals[4])
    paragraphs = (
        "Deprivation is the Index of Multiple Deprivation (IMD) decile of the small area (LSOA) "
        "of the child's home postcode. Postcodes not in the lookup count as not known.",
    )
    return published, Section(
        "deprivation",
        "Deprivation",
        paragraphs,
        (
            figure(
                quintile_table,
                "deaths by deprivation quintile",
                quintile_labels,
                list(table.row_totals),
                "Deaths",
            ),
            Figure(decile_table),
        ),
    )


def _decile_label(decile: int) -> str:
    return {1: "1 (most deprived)", 10: "10 (least deprived)"}.get(decile, str(decile))


# -- Rates --------------------------------------------------------------------------------------


# Deaths of babies are given per 1,000 live births, as the national reports give them; a rate
# per 100,000 children of their age would mislead.
UNDER_ONE = (AgeBand.NEONATAL, AgeBand.POST_NEONATAL)
PER_LIVE_BIRTHS = 1_000


def rates_section(scope: Scope, published: PublishedFigures) -> tuple[PublishedFigures, Section]:
    population_year = scope.period.starts_on.year
    population = aggregates.child_population(scope.area_ids, population_year)
    years = scope.period.days / 365.25
    deaths_by_age = published.deaths_by_age
    rows = []
    for band in AgeBand:
        if band in UNDER_ONE:
            rows.append(_per_live_births_row(band.label, deaths_by_age[band], population.get(band)))
            continue
        rate = published_rate(deaths_by_age[band], population.get(band, 0), years)
        rows.append(_rate_row(band.label, deaths_by_age[band], population.get(band, 0), rate))
    deaths = published.deaths if published.deaths is not None else 0
    overall = published_rate(deaths, sum(population.values()), years)
    published = replace(published, rate=overall)
    total_row = _rate_row("All children (0 to 17)", deaths, sum(population.values()), overall)
    table = PublishedTable(
        f"Deaths per 100,000 children a year, by age, from the mid-{population_year} "
        "population estimates",
        ("Age", "Deaths", "Children living in the area", "Rate per 100,000", "95% interval"),
        tuple(rows),
        total_row,
        note="* Fewer than 20 deaths: the rate is unreliable and should be read with care.",
    )
    paragraphs: tuple[str, ...] = (
        "Rates divide the deaths by the number of children living in the area, from the "
        f"population estimates for {population_year}"
        + (", and are scaled to a full year." if scope.period.quarter else ".")
        + " The 95% intervals are exact Poisson intervals. Deaths under one year are given "
        "per 1,000 live births, as national reports give them.",
    )
    if not population:
        paragraphs += (
            f"No population estimates are loaded for {population_year}, so rates cannot be given.",
        )
    babies, births_paragraph = _babies_table(scope, deaths_by_age, years)
    return published, Section(
        "rates",
        "Rates of death",
        paragraphs + births_paragraph,
        (Figure(table), Figure(babies)),
    )


def _per_live_births_row(label: str, deaths: Shown, population: int | None) -> tuple[str, ...]:
    children = f"{population:,}" if population else "-"
    return (label, shown(deaths), children, "see below, per 1,000 live births", "-")


def _babies_table(scope: Scope, deaths_by_age, years: float):
    births_year = scope.period.starts_on.year
    births = aggregates.live_births(scope.area_ids, births_year)
    neonatal = deaths_by_age[AgeBand.NEONATAL]
    parts = [deaths_by_age[band] for band in UNDER_ONE]
    # Shown only when both its parts are: a total would give away a hidden part.
    under_one = SUPPRESSED if SUPPRESSED in parts else sum(parts)
    rows = tuple(
        _live_births_row(label, deaths, births, years)
        for label, deaths in (("Under 28 days", neonatal), ("Under 1 year", under_one))
    )
    table = PublishedTable(
        f"Deaths of babies per 1,000 live births a year, from the live births of {births_year}",
        ("Age at death", "Deaths", "Live births", "Rate per 1,000 live births", "95% interval"),
        rows,
        note="* Fewer than 20 deaths: the rate is unreliable and should be read with care.",
    )
    if births is None:
        missing = (
            f"Live births for {births_year} are not loaded for every area of this report, so "
            "rates per 1,000 live births are not available.",
        )
        return table, missing
    return table, ()


def _live_births_row(label: str, deaths: Shown, births: int | None, years: float):
    if births is None:
        return (label, shown(deaths), "not available", "not available", "not available")
    rate = (
        None
        if deaths == SUPPRESSED or births <= 0
        else rate_per_100k(int(deaths), round(births * years), per=PER_LIVE_BIRTHS)
    )
    return (label, shown(deaths), f"{births:,}", rate_text(rate), interval_text(rate))


def _rate_row(label: str, deaths: Shown, population: int, rate) -> tuple[str, ...]:
    return (
        label,
        shown(deaths),
        f"{population:,}" if population else "-",
        rate_text(rate) if population else "-",
        interval_text(rate) if population else "-",
    )
