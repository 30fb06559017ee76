"""Synthetic history: the same number of deaths over more years is a longer past with the
same work under way, which is how the page benchmark grows the history alone."""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from ecdop.cases.states import Stage
from ecdop.synthetic import SyntheticDataRefused, seed_synthetic, synthetic_deaths

TODAY = date(2026, 11, 20)
POSTCODES = {decile: ["SW1A 2AA"] for decile in range(1, 11)}


def deaths_over(years: int, count: int = 3_000) -> list:
    return list(synthetic_deaths(3, count, TODAY, POSTCODES, years))


def test_the_deaths_are_spread_over_the_years_asked_for():
    deaths = deaths_over(30)
    assert min(death.died for death in deaths) >= TODAY - relativedelta(years=30)
    assert max(death.died for death in deaths) < TODAY
    assert min(death.died for death in deaths) < TODAY - relativedelta(years=25)


def test_a_longer_history_at_the_same_yearly_rate_has_the_same_work_under_way():
    def under_way(deaths) -> int:
        return sum(death.stage is not Stage.CLOSED for death in deaths)

    three_years, thirty_years = deaths_over(3, 3_000), deaths_over(30, 30_000)
    assert under_way(thirty_years) == pytest.approx(under_way(three_years), rel=0.15)


@pytest.mark.parametrize("years", [0, 401])
def test_a_span_of_years_out_of_range_is_refused(years):
    with pytest.raises(SyntheticDataRefused, match="Choose from 1 to 400 years"):
        seed_synthetic(None, cases=10, seed=1, today=TODAY, years=years)
