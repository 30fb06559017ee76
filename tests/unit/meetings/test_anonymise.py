"""Taking identifiers out of text for the panel, and telling ages and dates without them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecdop.meetings.anonymise import (
    Identifiers,
    _date_patterns,
    age_at_death,
    identifying_details_in,
    redact,
    relative_to_death,
)

CHILD = Identifiers(
    phrases=(("mary-jane o'neill", "[name]"), ("mary-jane", "[name]"), ("o'neill", "[name]"),
             ("mary", "[name]"), ("jane", "[name]"), ("4 acacia avenue", "[address]"),
             ("9434765919", "[NHS number]")),
    dates=((date(2015, 3, 7), "[date of birth]"), (date(2026, 11, 1), "[date of death]")),
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mary-Jane O'Neill was seen.", "[name] was seen."),
        ("MARY was seen; Jane's sister too.", "[name] was seen; [name]'s sister too."),
        ("NHS 943 476 5919 and 943-476-5919", "NHS [NHS number] and [NHS number]"),
        ("Lives at 4  Acacia Avenue.", "Lives at [address]."),
        ("Born 07/03/2015, 7.3.15, 2015-03-07.", "Born [date of birth], [date of birth], "
                                                 "[date of birth]."),
        ("Born 7th March 2015; died 1 Nov 2026.", "Born [date of birth]; died [date of death]."),
        ("Born March 7, 2015.", "Born [date of birth]."),
        ("Postcode ls1 4ap; e-mail a.b@nhs.net", "Postcode [postcode]; e-mail [e-mail address]"),
        ("Call 0113 496 0000 or +44 7700 900123", "Call [phone number] or [phone number]"),
        ("Another child, NHS 4010232137", "Another child, NHS [NHS number]"),
    ],
)  # fmt: skip
def test_identifiers_are_replaced_wherever_and_however_written(text, expected):
    assert redact(text, CHILD)[0] == expected


def test_words_that_merely_contain_a_name_are_left_alone():
    assert redact("Maryland and Janet", CHILD)[0] == "Maryland and Janet"


def test_other_dates_stay():
    assert redact("Seen on 8 March 2015 and 07/03/2016", CHILD)[0] == (
        "Seen on 8 March 2015 and 07/03/2016"
    )


def test_what_was_found_is_said_in_words():
    assert identifying_details_in("Mary, LS1 4AP", CHILD) == ["a name", "a postcode"]
    assert identifying_details_in("The child was well.", CHILD) == []


filler = st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), max_size=40)


@given(filler, filler)
def test_the_nhs_number_never_survives_whatever_surrounds_it(before, after):
    text, _found = redact(f"{before} 943 476 5919 {after}", CHILD)
    assert "943 476 5919" not in text


@given(filler, filler)
def test_redacting_twice_changes_nothing_more(before, after):
    once = redact(f"{before} Mary O'Neill {after}", CHILD)[0]
    assert redact(once, CHILD)[0] == once


def test_date_patterns_match_each_written_form():
    day = date(2015, 3, 7)
    forms = ["7/3/2015", "07-03-15", "2015-03-07", "7th of March 2015", "Mar. 7", "7 March"]
    for written in forms:
        assert any(p.search(written) for p in _date_patterns(day)), written


@pytest.mark.parametrize(
    ("born", "died", "age"),
    [
        (date(2026, 11, 1), date(2026, 11, 1), "0 days"),
        (date(2026, 11, 1), date(2026, 11, 2), "1 day"),
        (date(2026, 10, 1), date(2026, 10, 28), "27 days"),
        (date(2026, 10, 1), date(2026, 10, 29), "1 month"),
        (date(2025, 1, 15), date(2026, 12, 14), "22 months"),
        (date(2024, 11, 1), date(2026, 11, 1), "2 years"),
        (date(2009, 6, 1), date(2026, 5, 31), "16 years"),
    ],
)
def test_age_at_death_is_told_as_paediatricians_tell_it(born, died, age):
    assert age_at_death(born, died) == age


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(2026, 11, 1), "The day of the death"),
        (date(2026, 10, 31), "1 day before the death"),
        (date(2026, 9, 10), "52 days before the death"),
        (date(2026, 3, 1), "About 8 months before the death"),
        (date(2020, 11, 1), "About 6 years before the death"),
        (date(2026, 11, 3), "2 days after the death"),
    ],
)
def test_dates_in_reports_are_told_relative_to_the_death(day, words):
    assert relative_to_death(day, date(2026, 11, 1)) == words
