"""The few statistics the board's reports use, each as the standard method names it."""

from __future__ import annotations

import math
import statistics as stats
from dataclasses import dataclass

from scipy.stats import chi2

Z_95 = 1.959963984540054
PER = 100_000
# Rates on fewer deaths than this move too much by chance to compare (the ONS convention).
UNRELIABLE_BELOW = 20


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, trials: int) -> Interval | None:
    """The Wilson score 95% interval for a proportion (better than the normal one near 0 or 1,
    and on small samples)."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + Z_95**2 / trials
    centre = (p + Z_95**2 / (2 * trials)) / denominator
    spread = Z_95 * math.sqrt(p * (1 - p) / trials + Z_95**2 / (4 * trials**2)) / denominator
    return Interval(max(0.0, centre - spread), min(1.0, centre + spread))


def poisson_interval(count: int) -> Interval:
    """The exact (Garwood) 95% interval for a Poisson count, from the chi-squared quantiles."""
    low = 0.0 if count == 0 else chi2.ppf(0.025, 2 * count) / 2
    high = chi2.ppf(0.975, 2 * (count + 1)) / 2
    return Interval(float(low), float(high))


@dataclass(frozen=True)
class Rate:
    deaths: int
    population: int
    per_100k: float
    interval: Interval

    @property
    def unreliable(self) -> bool:
        return self.deaths < UNRELIABLE_BELOW


def rate_per_100k(deaths: int, population: int, per: int = PER) -> Rate | None:
    """Deaths per 100,000 children (or per ``per`` of any denominator, such as 1,000 live
    births), with the exact Poisson interval scaled to the rate."""
    if population <= 0:
        return None
    scale = per / population
    counted = poisson_interval(deaths)
    return Rate(
        deaths, population, deaths * scale, Interval(counted.low * scale, counted.high * scale)
    )


@dataclass(frozen=True)
class Spread:
    median: float
    lower_quartile: float
    upper_quartile: float


def median_and_quartiles(values: list[float]) -> Spread | None:
    if not values:
        return None
    if len(values) == 1:
        return Spread(values[0], values[0], values[0])
    lower, middle, upper = stats.quantiles(values, n=4, method="inclusive")
    return Spread(middle, lower, upper)
