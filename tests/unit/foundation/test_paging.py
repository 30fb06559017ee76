"""The pagination's links: the first and last pages, two either side of this one, and a gap
marker where pages are left out, however many pages there are."""

import pytest

from ecdop.foundation.paging import Page


def links(number: int, total_pages: int) -> list[int | None]:
    return Page(items=[object()], total=total_pages * 25, number=number, per_page=25).links


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, [1, 2, 3, None, 20]),
        (4, [1, 2, 3, 4, 5, 6, None, 20]),
        (10, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (20, [1, None, 18, 19, 20]),
    ],
)
def test_the_links_are_the_ends_and_two_either_side(number, expected):
    assert links(number, 20) == expected


def test_a_list_of_forty_thousand_pages_still_has_a_handful_of_links():
    assert links(20_000, 40_000) == [1, None, 19_998, 19_999, 20_000, 20_001, 20_002, None, 40_000]


def test_one_page_has_one_link():
    assert links(1, 1) == [1]


def test_the_under_way_indexes_cover_the_stages_the_case_list_asks_for():
    """A partial index serves only a query whose condition it covers: the migration's copy of
    the condition must name the same stages as the model (alembic does not compare them)."""
    import importlib.util
    from pathlib import Path

    from ecdop.cases.models import UNDER_WAY_CONDITION

    path = next(Path("migrations/versions").glob("0023_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0023", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.UNDER_WAY == UNDER_WAY_CONDITION
