"""Entry points: what every bulk insert of synthetic rows shares."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

CHUNK = 2_000


def in_chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def moment_on(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)
