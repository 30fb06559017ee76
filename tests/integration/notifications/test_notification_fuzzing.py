"""Whatever is posted to the notification form, the answer is a page, never a 500, and a
refused notification stores nothing."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ecdop.foundation.extensions import db
from ecdop.notifications.models import Notification
from tests.factories import form_data

pytestmark = pytest.mark.slow

FIELDS = [
    "area_id",
    "given_names",
    "family_name",
    "nhs_number",
    "date_of_birth",
    "sex",
    "ethnicity",
    "address",
    "postcode",
    "date_of_death",
    "time_of_death",
    "place_of_death",
    "place_of_death_detail",
    "expectation",
    "circumstances",
    "parental_responsibility",
    "other_children",
    "agencies_involved",
    "agencies_detail",
    "notifier_name",
    "notifier_role",
    "notifier_phone",
]
values = st.one_of(
    st.text(max_size=60),
    st.lists(st.text(max_size=12), max_size=4),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@settings(
    max_examples=int(os.environ.get("ECDOP_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=5))
def test_any_posted_values_get_a_page_and_refusals_store_nothing(make_browser, changes):
    police = make_browser("police@demo.test")
    before = db.session.scalar(select(func.count()).select_from(Notification))
    response = police.submit("/notifications/new", form_data(**changes))
    # Stored and on to the receipt (302), or refused at the field with nothing stored (400).
    assert response.status_code in (400, 302)
    after = db.session.scalar(select(func.count()).select_from(Notification))
    if response.status_code == 400:
        assert "There is a problem" in response.get_data(as_text=True)
        assert after == before
    else:
        # A new notification; or, when an earlier example sent exactly the same form, the
        # first one's receipt, with nothing stored twice.
        receipt = db.session.get(Notification, int(response.headers["Location"].split("/")[-1]))
        assert after == before + 1 or (after == before and receipt is not None)
