"""Rules the coverage report found untried: what a coordinator is refused when asking agencies
for reports and when putting a case on a panel's agenda, with the words at the field and
nothing stored."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused
from ecdop.meetings.models import AgendaItem
from ecdop.meetings.services import add_to_agenda
from ecdop.reporting_forms.models import ReportingRequest
from ecdop.reporting_forms.services import request_reports
from tests.factories import organisation, panel_meeting, ready_for_panel_case, triaged_case, user

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("asked", "field", "words"),
    [
        ({"agencies": ()}, "organisation_ids", "Choose at least one agency"),
        ({"due_on": TODAY - timedelta(days=1)}, "due_on", "must be today or in the future"),
        ({"forms": ("no_such_form",)}, "supplementary_forms", "Unknown form: no_such_form"),
    ],
)
def test_a_request_for_reports_is_refused_at_its_field(demo, asked, field, words):
    case = triaged_case()
    with pytest.raises(ChangeRefused) as refused:
        request_reports(
            case,
            organisations=[organisation(name) for name in asked.get("agencies", ["Demo Surgery"])],
            supplementary_forms=list(asked.get("forms", ())),
            due_on=asked.get("due_on", TODAY + timedelta(days=20)),
            actor=user("coordinator@demo.test"),
        )
    assert refused.value.field == field and words in str(refused.value)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReportingRequest)) == 0


def test_a_meeting_that_has_taken_place_takes_no_more_cases(demo, clock):
    meeting = panel_meeting(held_on=TODAY + timedelta(days=7))
    case = ready_for_panel_case()
    clock.move_to(TODAY + timedelta(days=8))
    with pytest.raises(ChangeRefused) as refused:
        add_to_agenda(meeting, case, actor=user("coordinator@demo.test"))
    assert refused.value.field == "case_id"
    assert str(refused.value) == "This meeting has already taken place"
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0
    assert case.stage is Stage.READY_FOR_PANEL


def test_only_a_case_ready_for_panel_goes_on_the_agenda(demo):
    meeting = panel_meeting(held_on=TODAY + timedelta(days=7))
    case = triaged_case()
    with pytest.raises(ChangeRefused) as refused:
        add_to_agenda(meeting, case, actor=user("coordinator@demo.test"))
    assert str(refused.value) == (
        "A case can be added to a meeting's agenda only while the case is at Ready for panel; "
        "it is Information gathering"
    )
