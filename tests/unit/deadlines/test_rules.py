"""The notification rules shared by the web form and the API."""

from __future__ import annotations

from datetime import date, time

import pytest

from ecdop.notifications import rules


class TestNhsNumber:
    @pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", " 943-476-5919 "])
    def test_valid_numbers_are_kept_as_ten_digits(self, typed):
        assert rules.clean_nhs_number(typed) == "9434765919"

    def test_blank_means_not_known(self):
        assert rules.clean_nhs_number("  ") is None

    def test_a_number_failing_modulus_11_is_refused(self):
        with pytest.raises(rules.RuleBroken, match="NHS number is not valid"):
            rules.clean_nhs_number("9434765918")

    @pytest.mark.parametrize("typed", ["12345", "94347659190", "94347A5919"])
    def test_wrong_shape_is_refused(self, typed):
        with pytest.raises(rules.RuleBroken, match="NHS number must be 10 digits"):
            rules.clean_nhs_number(typed)


class TestPostcode:
    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("sw1a2aa", "SW1A 2AA"),
            ("M1 1AE", "M1 1AE"),
            (" b33 8th ", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("EC1A 1BB", "EC1A 1BB"),
        ],
    )
    def test_uk_shapes_are_accepted_and_formatted(self, typed, stored):
        assert rules.clean_postcode(typed) == stored

    @pytest.mark.parametrize("typed", ["12345", "SW1A", "QQ1 1AA", "SW1A 2AAA", "90210-1234"])
    def test_other_shapes_are_refused(self, typed):
        with pytest.raises(rules.RuleBroken, match="real UK postcode"):
            rules.clean_postcode(typed)


class TestTimeOfDeath:
    def test_24_hour_times(self):
        assert rules.clean_time_of_death("14:30") == time(14, 30)
        assert rules.clean_time_of_death("7.05") == time(7, 5)
        assert rules.clean_time_of_death("") is None

    @pytest.mark.parametrize("typed", ["25:00", "2pm", "12:60", "noon"])
    def test_other_text_is_refused(self, typed):
        with pytest.raises(rules.RuleBroken):
            rules.clean_time_of_death(typed)


TODAY = date(2026, 11, 20)


class TestDates:
    def test_a_consistent_child_death_has_no_problems(self):
        assert rules.date_problems(date(2020, 1, 1), date(2026, 11, 1), today=TODAY) == {}

    def test_death_before_birth(self):
        problems = rules.date_problems(date(2026, 5, 1), date(2026, 4, 30), today=TODAY)
        assert problems == {
            "date_of_death": "Date of death must be the same as or after the date of birth"
        }

    def test_death_on_the_day_of_birth_is_allowed(self):
        assert rules.date_problems(TODAY, TODAY, today=TODAY) == {}

    def test_dates_in_the_future(self):
        problems = rules.date_problems(date(2026, 11, 21), date(2026, 11, 22), today=TODAY)
        assert set(problems) == {"date_of_birth", "date_of_death"}

    def test_death_on_the_18th_birthday_is_out_of_scope(self):
        problems = rules.date_problems(date(2008, 11, 20), date(2026, 11, 20), today=TODAY)
        assert "18th birthday" in problems["date_of_death"]

    def test_death_the_day_before_the_18th_birthday_is_in_scope(self):
        assert rules.date_problems(date(2008, 11, 21), date(2026, 11, 20), today=TODAY) == {}

    def test_leap_day_birthdays_turn_18_on_1_march(self):
        assert rules.eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)
