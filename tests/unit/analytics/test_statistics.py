"""The report's statistics against published reference values."""

from __future__ import annotations

import pytest

from ecdop.analytics.statistics import (
    median_and_quartiles,
    poisson_interval,
    rate_per_100k,
    wilson_interval,
)


def test_wilson_interval_matches_the_reference_values():
    # Newcombe (1998), table I: 81 of 263 gives 0.2553 to 0.3662.
    interval = wilson_interval(81, 263)
    assert interval.low == pytest.approx(0.2553, abs=1e-4)
    assert interval.high == pytest.approx(0.3662, abs=1e-4)
    assert wilson_interval(0, 10).low == 0.0
    assert wilson_interval(3, 0) is None


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.39), (20, 12.22, 30.89)],
)
def test_exact_poisson_interval_matches_the_tables(count, low, high):
    interval = poisson_interval(count)
    assert interval.low == pytest.approx(low, rel=1e-3, abs=1e-4)
    assert interval.high == pytest.approx(high, rel=1e-3)


def test_rates_per_100k_scale_the_interval_and_flag_small_counts():
    rate = rate_per_100k(30, 100_000)
    assert rate.per_100k == 30 and not rate.unreliable
    assert rate.interval.low == pytest.approx(20.24, rel=1e-3)
    assert rate_per_100k(19, 50_000).unreliable
    assert rate_per_100k(5, 0) is None


def test_median_and_quartiles():
    spread = median_and_quartiles([10, 20, 30, 40, 50])
    assert (spread.lower_quartile, spread.median, spread.upper_quartile) == (20, 30, 40)
    assert median_and_quartiles([]) is None
