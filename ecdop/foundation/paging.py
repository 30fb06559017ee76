"""Lists a page at a time: no page grows with the history of an area."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from ecdop.foundation.extensions import db

PER_PAGE = 25


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the first item shown, counting from 1."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)

    @property
    def links(self) -> list[int | None]:
        """The page numbers to link to: the first and last, and two either side of this one;
        None where pages are left out. Never a walk over every page: a list can have
        tens of thousands."""
        near = range(max(1, self.number - 2), min(self.pages, self.number + 2) + 1)
        numbers = sorted({1, self.pages, *near})
        links: list[int | None] = []
        for number in numbers:
            if links and number - links[-1] > 1:
                links.append(None)
            links.append(number)
        return links


def requested_page() -> int:
    """The page asked for in the address; 1 for anything that is not a page number."""
    value = request.args.get("page", "")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


def paginate(statement: Select, number: int, per_page: int = PER_PAGE, *, rows=False) -> Page:
    """One page of ``statement`` (already ordered) and the total. A page past the end shows
    the last page. ``rows`` keeps whole rows rather than their first column."""
    total = db.session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ) or 0  # fmt: skip
    number = min(max(number, 1), max(1, -(-total // per_page)))
    window = statement.limit(per_page).offset((number - 1) * per_page)
    items = db.session.execute(window).all() if rows else db.session.scalars(window).all()
    return Page(list(items), total, number, per_page)


def page_of_list(items: list, number: int, per_page: int = PER_PAGE) -> Page:
    """A page of a list already in memory (one bounded by the work in hand, not history)."""
    number = min(max(number, 1), max(1, -(-len(items) // per_page)))
    start = (number - 1) * per_page
    return Page(items[start : start + per_page], len(items), number, per_page)
