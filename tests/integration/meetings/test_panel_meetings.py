"""Panel meetings: scheduling, agendas, deferral, the panel's papers and who may open a pack."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.meetings.models import AgendaItem, PanelMeeting, ReportExtract
from ecdop.reporting_forms.queries import requests_of
from tests.factories import on_agenda, panel_meeting, ready_for_panel_case, user
from tests.helpers import audit_events, page_text


def ready_cases(count: int = 2):
    return [
        ready_for_panel_case(nhs_number=None, date_of_birth=date(2020, 1, 1 + n))
        for n in range(count)
    ]


def events(action: AuditAction) -> list[AuditEvent]:
    return audit_events(action)


def test_coordinator_schedules_a_meeting_with_panel_members(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    members = [str(user("panel@demo.test").id), str(user("chair@demo.test").id)]
    response = coordinator.submit(
        "/meetings/new",
        {"held_on": ["10", "12", "2026"], "starts_at": "2pm", "venue": "https://meet.example/cdop",
         "panel_type": "general", "members": members},
    )  # fmt: skip
    assert response.status_code == 302
    meeting = db.session.scalar(select(PanelMeeting))
    assert meeting.held_on == date(2026, 12, 10) and meeting.starts_at == time(14, 0)
    assert meeting.venue == "https://meet.example/cdop"
    page = page_text(coordinator.get(f"/meetings/{meeting.id}"))
    assert "When 10 December 2026 at 2pm" in page and "Where https://meet.example/cdop" in page
    assert {m.email for m in meeting.members} == {"panel@demo.test", "chair@demo.test"}
    assert events(AuditAction.PANEL_MEETING_SCHEDULED)


def test_a_meeting_needs_a_chair_a_date_and_no_outsiders(make_browser):
    coordinator = make_browser("coordinator@demo.test")
    panel = str(user("panel@demo.test").id)
    cases = [
        ({"held_on": ["", "", ""], "panel_type": "general", "members": [panel]},
         "Enter the date of the meeting"),
        ({"held_on": ["10", "12", "2026"], "starts_at": "", "panel_type": "general",
          "members": [panel]}, "Enter the time the meeting starts"),
        ({"held_on": ["10", "12", "2026"], "starts_at": "25:00", "panel_type": "general",
          "members": [panel]}, "Start time must be a time, like 10am, 2:30pm or 14:30"),
        ({"held_on": ["10", "12", "2026"], "starts_at": "10", "panel_type": "general",
          "members": [panel]}, "Start time must be a time"),
        ({"held_on": ["10", "12", "2026"], "venue": "  ", "panel_type": "general",
          "members": [panel]}, "Enter where the meeting is, or the link to the video call"),
        ({"held_on": ["1", "1", "2026"], "panel_type": "general", "members": [panel]},
         "must be today or in the future"),
        ({"held_on": ["10", "12", "2026"], "panel_type": "general", "members": [panel]},
         "Choose at least one panel chair"),
        ({"held_on": ["10", "12", "2026"], "panel_type": "general",
          "members": [str(user("gp@demo.test").id)]}, "Members must be panel members or chairs"),
    ]  # fmt: skip
    for data, message in cases:
        data = {"starts_at": "10am", "venue": "Committee Room 2", **data}
        response = coordinator.submit("/meetings/new", data)
        assert response.status_code == 400
        assert message in page_text(response)
    assert db.session.scalar(select(PanelMeeting)) is None


def test_assigning_cases_schedules_them_in_agenda_order(make_browser):
    first, second = ready_cases()
    meeting = panel_meeting()
    coordinator = make_browser("coordinator@demo.test")
    for case in (first, second):
        response = coordinator.submit(
            f"/meetings/{meeting.id}/agenda",
            {"case_id": str(case.id)},
            form_page=f"/meetings/{meeting.id}",
        )
        assert response.status_code == 302
    db.session.refresh(first)
    assert first.stage is Stage.SCHEDULED_FOR_PANEL
    items = db.session.scalars(select(AgendaItem).order_by(AgendaItem.position)).all()
    assert [item.case_id for item in items] == [first.id, second.id]
    # Second case moved earlier
    coordinator.submit(f"/agenda-items/{items[1].id}/move", {"direction": "up"},
                       form_page=f"/meetings/{meeting.id}")  # fmt: skip
    db.session.expire_all()
    ordered = db.session.scalars(select(AgendaItem).order_by(AgendaItem.position)).all()
    assert [item.case_id for item in ordered] == [second.id, first.id]


def test_the_picker_lists_ready_cases_in_reference_order_with_what_tells_them_apart(
    make_browser, clock
):
    # The first notified died later: the picker's order is the reference's, not the death's.
    first = ready_for_panel_case(nhs_number=None, date_of_birth=date(2020, 1, 1),
                                 date_of_death=date(2026, 11, 18))  # fmt: skip
    clock.shift(timedelta(days=2))
    second = ready_for_panel_case(nhs_number=None, date_of_birth=date(2020, 1, 2),
                                  date_of_death=date(2026, 11, 17))  # fmt: skip
    clock.shift(timedelta(days=1))
    meeting = panel_meeting(held_on=date(2026, 12, 20))
    page = make_browser("coordinator@demo.test").get(f"/meetings/{meeting.id}")
    options = re.findall(
        r'<option value="(\d+)"[^>]*>([^<]+)</option>', page.get_data(as_text=True)
    )
    assert [value for value, _text in options] == [str(first.id), str(second.id)]
    assert options[0][1] == f"{first.reference}: 5 to 9 years, {category(first)}, ready for 3 days"
    assert options[1][1] == f"{second.reference}: 5 to 9 years, {category(second)}, ready for 1 day"


def category(case) -> str:
    return case.provisional_category.label if case.provisional_category else "no category yet"


def test_a_case_not_ready_for_panel_cannot_be_assigned(make_browser):
    from tests.factories import triaged_case

    case = triaged_case()
    meeting = panel_meeting()
    response = make_browser("coordinator@demo.test").submit(
        f"/meetings/{meeting.id}/agenda", {"case_id": str(case.id)},
        form_page=f"/meetings/{meeting.id}",
    )  # fmt: skip
    assert response.status_code == 400
    assert db.session.scalar(select(AgendaItem)) is None


def test_deferring_keeps_the_case_scheduled_and_its_summary(make_browser):
    [case] = ready_cases(1)
    meeting = panel_meeting()
    later = panel_meeting(held_on=date(2027, 1, 14))
    item = on_agenda(meeting, case)
    coordinator = make_browser("coordinator@demo.test")
    coordinator.submit(
        f"/agenda-items/{item.id}/papers",
        {"panel_summary": "A child with asthma.", "version": item.version_id},
    )
    refused = coordinator.submit(
        f"/agenda-items/{item.id}/take-off", {"to_meeting": str(later.id), "reason": ""}
    )
    assert refused.status_code == 400 and "Give the reason" in page_text(refused)
    response = coordinator.submit(
        f"/agenda-items/{item.id}/take-off",
        {"to_meeting": str(later.id), "reason": "Post-mortem report awaited"},
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.SCHEDULED_FOR_PANEL
    moved = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == later.id))
    assert moved.panel_summary == "A child with asthma."
    [event] = events(AuditAction.CASE_DEFERRED)
    assert event.given_reason == "Post-mortem report awaited"
    assert "reason" not in event.details  # kept beside the sealed event, to go with the case


def test_taking_a_case_off_the_agenda_makes_it_ready_again(make_browser):
    [case] = ready_cases(1)
    item = on_agenda(panel_meeting(), case)
    response = make_browser("coordinator@demo.test").submit(
        f"/agenda-items/{item.id}/take-off", {"to_meeting": "off", "reason": "Added in error"}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.READY_FOR_PANEL


def test_a_summary_naming_the_child_is_refused_and_not_saved(make_browser):
    [case] = ready_cases(1)
    item = on_agenda(panel_meeting(), case)
    response = make_browser("coordinator@demo.test").submit(
        f"/agenda-items/{item.id}/papers",
        {"panel_summary": "Amelia was found by her mother.", "version": item.version_id},
    )
    assert response.status_code == 400
    assert "may identify the child: “Amelia” (a name) in line 1" in page_text(response)
    db.session.refresh(item)
    assert item.panel_summary == ""


def test_the_extract_draft_takes_out_identifiers_and_confirming_stores_it(make_browser):
    [case] = ready_cases(1)
    item = on_agenda(panel_meeting(), case)
    [report] = requests_of(case)
    coordinator = make_browser("coordinator@demo.test")
    page = page_text(coordinator.get(f"/agenda-items/{item.id}/extracts/{report.id}"))
    assert "About 8 months before the death" in page  # first contact, told relatively
    assert "2026-03-02" not in page
    draft = "Registered patient. No concerns."
    response = coordinator.submit(f"/agenda-items/{item.id}/extracts/{report.id}",
                                  {"text": draft, "version": ""})  # fmt: skip
    assert response.status_code == 302
    extract = db.session.scalar(select(ReportExtract))
    assert extract.confirmed and extract.text == draft


def test_panel_member_opens_only_their_meetings_pack_and_no_case(make_browser):
    first, second = ready_cases()
    theirs = panel_meeting()
    on_agenda(theirs, first)
    other = panel_meeting("chair@demo.test", held_on=date(2027, 1, 14))
    on_agenda(other, second)
    panel = make_browser("panel@demo.test")
    response = panel.get(f"/meetings/{theirs.id}/pack.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    assert panel.get(f"/meetings/{other.id}/pack.pdf").status_code == 404
    assert panel.get(f"/cases/{first.id}").status_code == 403
    assert panel.get(f"/meetings/{theirs.id}").status_code == 403
    listed = page_text(panel.get("/meetings"))
    assert "20 November 2026" in listed and "14 January 2027" not in listed


def test_every_pack_download_is_audited_against_each_case(make_browser):
    first, second = ready_cases()
    meeting = panel_meeting()
    on_agenda(meeting, first)
    on_agenda(meeting, second)
    make_browser("panel@demo.test").get(f"/meetings/{meeting.id}/pack.pdf")
    downloads = events(AuditAction.PANEL_PACK_DOWNLOADED)
    assert {event.case_id for event in downloads} == {first.id, second.id}
    assert {event.actor.email for event in downloads} == {"panel@demo.test"}


def test_a_coordinator_of_another_area_cannot_see_the_meeting(make_browser, demo):
    from ecdop.auth.models import Role
    from ecdop.auth.services import create_area, create_user
    from tests.factories import organisation

    elsewhere = create_area("ELSE", "Elsewhere")
    council = organisation("Demo Council")
    council.areas.append(elsewhere)
    create_user(email="other@demo.test", full_name="Other Coordinator", job_title="", phone="",
                role=Role.COORDINATOR, organisation=council,
                areas=[elsewhere], password="correct-horse-battery")  # fmt: skip
    db.session.commit()
    meeting = panel_meeting()
    other = make_browser("other@demo.test")
    assert other.get(f"/meetings/{meeting.id}").status_code == 404
    assert other.get(f"/meetings/{meeting.id}/pack.pdf").status_code == 404


def test_ids_no_record_could_have_are_refused_not_queried(make_browser):
    response = make_browser("coordinator@demo.test").submit(
        "/meetings/new",
        {"held_on": ["10", "12", "2026"], "starts_at": "10am", "venue": "Room 2",
         "panel_type": "general", "members": ["99999999999999999999", "-1", "x"]},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Choose the panel members" in page_text(response)


def test_a_case_that_left_the_agenda_cannot_be_moved_on_it(make_browser):
    first, second = ready_cases()
    meeting = panel_meeting()
    item = on_agenda(meeting, first)
    on_agenda(meeting, second)
    coordinator = make_browser("coordinator@demo.test")
    coordinator.submit(
        f"/agenda-items/{item.id}/take-off", {"to_meeting": "off", "reason": "Added in error"}
    )
    response = coordinator.submit(f"/agenda-items/{item.id}/move", {"direction": "down"},
                                  form_page=f"/meetings/{meeting.id}")  # fmt: skip
    assert response.status_code == 302
    page = page_text(coordinator.get(response.headers["Location"]))
    assert "This case has left this meeting's agenda" in page


def test_meetings_coming_up_come_soonest_first_and_past_ones_latest_first(make_browser, clock):
    for day in (date(2027, 1, 14), date(2026, 11, 20), date(2026, 12, 1)):
        panel_meeting(held_on=day)
    clock.move_to(datetime(2026, 12, 5, 10, tzinfo=UTC))
    page = page_text(make_browser("coordinator@demo.test").get("/meetings"))
    coming = page.index("Coming up, soonest first")
    past = page.index("Past meetings, latest first")
    assert page.index("1 December 2026", past) > past and page.index("20 November 2026") > past
    assert coming < page.index("14 January 2027 at 10am") < past
    assert page.index("1 December 2026", past) < page.index("20 November 2026", past)


def test_members_read_the_agenda_in_ecdop(make_browser):
    first, second = ready_cases()
    meeting = panel_meeting()
    on_agenda(meeting, first)
    on_agenda(meeting, second)
    panel = make_browser("panel@demo.test")
    response = panel.get(f"/meetings/{meeting.id}/papers")
    assert response.status_code == 200
    page = page_text(response)
    assert "When 20 November 2026 at 10am" in page
    assert "Where Committee Room 2, Demo Council House" in page
    assert page.index(first.reference) < page.index(second.reference)
    assert "Testchild" not in page and "Amelia" not in page  # anonymised, as the pack is
    assert {e.case_id for e in events(AuditAction.PANEL_MEETING_VIEWED)} == {first.id, second.id}
    assert make_browser("school@demo.test").get(f"/meetings/{meeting.id}/papers").status_code == 403


def test_the_coordinator_is_shown_what_is_missing_before_the_pack_goes_out(make_browser):
    [case] = ready_cases(1)
    meeting = panel_meeting()
    item = on_agenda(meeting, case)
    coordinator = make_browser("coordinator@demo.test")
    check = coordinator.get(f"/meetings/{meeting.id}/pack.pdf")
    assert check.headers["Content-Type"].startswith("text/html")
    text = page_text(check)
    assert f"Case {case.reference} : no panel summary, 1 agency extract not confirmed" in text
    assert not events(AuditAction.PANEL_PACK_DOWNLOADED)
    anyway = coordinator.get(f"/meetings/{meeting.id}/pack.pdf?anyway=1")
    assert anyway.headers["Content-Type"] == "application/pdf"
    # Members are not asked: they cannot fix the papers.
    member = make_browser("panel@demo.test").get(f"/meetings/{meeting.id}/pack.pdf")
    assert member.headers["Content-Type"] == "application/pdf"
    assert item.id
