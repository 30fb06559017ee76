"""Lists are work queues: a page at a time with "Showing 26 to 50 of N", filters that fit the
work, an order people choose, and what is still to do first."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from ecdop.cases.models import Case
from ecdop.cases.states import UNDER_WAY_STAGES, Stage
from ecdop.foundation.extensions import db
from ecdop.reporting_forms.models import OPEN_STATUSES, ReportingRequest
from ecdop.reporting_forms.services import request_reports
from ecdop.synthetic import seed_synthetic
from tests.factories import demo_area, notify, organisation, triaged_case, user
from tests.helpers import page_text

GP = "gp@demo.test"
ASKED_ON = date(2026, 11, 20)
TODAY = date(2026, 11, 26)


@pytest.fixture
def history(demo, clock):
    """Past deaths (their requests long since answered) and 32 open requests to the GP, asked
    for 6 days ago: due from 5 days ago to 26 days ahead."""
    seed_synthetic(demo_area(), cases=60, seed=5, today=ASKED_ON)
    for number in range(32):
        case = triaged_case(nhs_number=None, family_name=f"Queue{chr(65 + number % 26)}",
                            date_of_birth=date(2026, 1 + number % 10, 1 + number % 28))  # fmt: skip
        request_reports(case, organisations=[organisation("Demo Surgery")],
                        supplementary_forms=[], due_on=ASKED_ON + timedelta(days=number + 1),
                        actor=user("coordinator@demo.test"))  # fmt: skip
    db.session.commit()
    clock.move_to(datetime(2026, 11, 26, 10, 30, tzinfo=UTC))
    return demo


def gp_requests(*conditions) -> int:
    surgery = organisation("Demo Surgery")
    return db.session.scalar(
        select(func.count()).where(ReportingRequest.organisation_id == surgery.id, *conditions)
    )


def due_dates(text: str) -> list[date]:
    found = re.findall(r"(\d{1,2} [A-Z][a-z]+ \d{4}) (?:Not started|Draft saved|Returned)", text)
    return [datetime.strptime(value, "%d %B %Y").date() for value in found]


def test_the_gp_lands_on_what_is_still_to_do_25_to_a_page_soonest_due_first(history, make_browser):
    gp = make_browser(GP)
    still_open = gp_requests(ReportingRequest.status.in_(OPEN_STATUSES))
    assert still_open > 25
    first = page_text(gp.get("/requests"))
    assert f"Showing 1 to 25 of {still_open:,} requests" in first
    dates = due_dates(first)
    assert len(dates) == 25 and dates == sorted(dates)
    assert "Submitted" not in first.split("Showing", 1)[1].replace("Submitted or will not come", "")

    second = page_text(gp.get("/requests?show=open&sort=due&page=2"))
    assert f"Showing 26 to {min(50, still_open)} of {still_open:,} requests" in second
    assert min(due_dates(second)) >= max(dates)


def test_the_filter_shows_the_submitted_ones(history, make_browser):
    gp = make_browser(GP)
    done = gp_requests(ReportingRequest.status.not_in(OPEN_STATUSES))
    text = page_text(gp.get("/requests?show=done"))
    assert f"of {done:,} requests" in text or f"Showing 1 to {done} of {done} requests" in text
    assert "Not started" not in text and "Draft saved" not in text


def test_overdue_and_due_soon_show_only_those(history, make_browser):
    gp = make_browser(GP)
    overdue = page_text(gp.get("/requests?show=overdue"))
    assert all(day < TODAY for day in due_dates(overdue))
    soon = page_text(gp.get("/requests?show=due_soon"))
    assert all(TODAY <= day <= date(2026, 12, 3) for day in due_dates(soon))
    assert len(due_dates(overdue)) == 5 and len(due_dates(soon)) == 8


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999999999", "2.5"])
def test_a_page_number_that_is_not_one_shows_the_first_or_last_page(history, make_browser, page):
    response = make_browser(GP).get(f"/requests?page={page}&show=nonsense&sort=%3Cscript%3E")
    assert response.status_code == 200
    assert "Showing " in page_text(response)


def test_a_page_past_the_end_shows_the_last_page(history, make_browser):
    still_open = gp_requests(ReportingRequest.status.in_(OPEN_STATUSES))
    last = -(-still_open // 25)
    text = page_text(make_browser(GP).get("/requests?page=500"))
    assert f"Showing {(last - 1) * 25 + 1} to {still_open} of {still_open:,} requests" in text


def test_the_notifier_reaches_every_notification_through_the_pages(demo, make_browser):
    sent = {
        notify(nhs_number=None, family_name=f"Paging{chr(65 + n % 26)}",
               date_of_birth=date(2025, 1 + n % 12, 1 + n % 28))[0].id
        for n in range(31)
    }  # fmt: skip
    police = make_browser("police@demo.test")
    first = police.get("/notifications/")
    assert "Showing 1 to 25 of 31 notifications" in page_text(first)
    second = police.get("/notifications/?show=all&sort=newest&page=2")
    assert "Showing 26 to 31 of 31 notifications" in page_text(second)
    reached = {
        int(number)
        for response in (first, second)
        for number in re.findall(r"/notifications/(\d+)", response.get_data(as_text=True))
    }
    assert reached == sent
    oldest = police.get("/notifications/?sort=oldest").get_data(as_text=True)
    assert int(re.findall(r"/notifications/(\d+)", oldest)[0]) == min(sent)


def task_due_dates(response) -> list[date]:
    cells = re.findall(
        r'<td class="govuk-table__cell">(\d{1,2} [A-Z][a-z]+ \d{4})</td>',
        response.get_data(as_text=True),
    )
    return [datetime.strptime(value, "%d %B %Y").date() for value in cells]


def test_the_coordinators_tasks_filter_to_the_overdue_a_page_at_a_time(history, make_browser):
    coordinator = make_browser("coordinator@demo.test")
    everything = coordinator.get("/tasks")
    total = int(re.search(r"of ([\d,]+) tasks", page_text(everything)).group(1).replace(",", ""))
    shown = task_due_dates(everything)
    assert len(shown) == min(25, total) and shown == sorted(shown)

    overdue = coordinator.get("/tasks?show=overdue")
    due = task_due_dates(overdue)
    assert due and all(day < TODAY for day in due)
    assert "Overdue" in page_text(overdue)
    latest_first = task_due_dates(coordinator.get("/tasks?show=open&sort=-due"))
    assert latest_first == sorted(latest_first, reverse=True)


def table_rows(html: str, table_id: str) -> int:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return table.count('<tr class="govuk-table__row">') - 1  # less the heading row


def test_the_dashboard_shows_the_first_few_of_each_list_with_a_link_to_all(history, make_browser):
    for number in range(7):  # notified, not yet triaged: waiting on the coordinator
        notify(nhs_number=None, family_name=f"Waiting{chr(65 + number)}",
               date_of_birth=date(2025, 2, 1 + number))  # fmt: skip
    coordinator = make_browser("coordinator@demo.test")
    response = coordinator.get("/dashboard")
    text, dashboard = page_text(response), response.get_data(as_text=True)
    waiting_total = int(re.search(r"Waiting on you \(([\d,]+)\)", text).group(1))
    assert waiting_total >= 7
    assert table_rows(dashboard, "waiting-on-you") == 5
    assert table_rows(dashboard, "overdue-items") <= 5
    assert table_rows(dashboard, "days-in-stage") == 5
    assert f"See all {waiting_total} cases waiting on you" in page_text(
        coordinator.get("/dashboard")
    )
    assert 'href="/overdue"' in dashboard

    waiting = coordinator.get("/cases/waiting")
    assert f"{waiting_total} cases." in page_text(waiting)
    assert "Triage" in page_text(waiting)


def listed_total(browser, address: str) -> int:
    """The N of a list's "Showing 1 to 25 of N …", "N things." or "1 thing."; 0 for "No …"."""
    html = browser.get(address).get_data(as_text=True)
    showing = html.split('id="showing">', 1)[1].split("</p>", 1)[0]
    found = re.search(r"of ([\d,]+) |^([\d,]+) ", showing)
    return int((found.group(1) or found.group(2)).replace(",", "")) if found else 0


def test_each_count_on_the_dashboard_links_to_the_list_it_counts(history, make_browser):
    coordinator = make_browser("coordinator@demo.test")
    dashboard = coordinator.get("/dashboard").get_data(as_text=True)

    by_agency = re.findall(
        r'<a class="govuk-link" href="(/outstanding-requests\?agency=\d+(?:&amp;show=overdue)?)">'
        r"([\d,]+)<", dashboard
    )  # fmt: skip
    assert any("show=overdue" in address for address, _count in by_agency)
    by_kind = re.findall(r'<a class="govuk-link" href="(/overdue\?show=\w+)">([\d,]+)<', dashboard)
    assert by_kind
    for address, count in by_agency + by_kind:
        assert listed_total(coordinator, address.replace("&amp;", "&")) == int(count), address

    surgery = organisation("Demo Surgery")
    late = page_text(coordinator.get(f"/outstanding-requests?agency={surgery.id}&show=overdue"))
    assert "Demo Surgery" in late and "Overdue" in late
    assert listed_total(coordinator, f"/outstanding-requests?agency={surgery.id}&show=overdue") == (
        gp_requests(ReportingRequest.status.in_(OPEN_STATUSES), ReportingRequest.due_on < TODAY)
    )


def test_the_lists_behind_the_dashboard_are_the_coordinators_alone(history, make_browser):
    for address in ("/outstanding-requests", "/overdue"):
        assert make_browser(GP).get(address).status_code == 403


def test_the_case_list_sorts_by_date_notified_and_finds_part_of_a_reference(history, make_browser):
    coordinator = make_browser("coordinator@demo.test")
    newest = coordinator.get("/cases").get_data(as_text=True)
    oldest = coordinator.get("/cases?sort=-notified").get_data(as_text=True)
    references = re.compile(r">(DEMO-\d{4}-\d{4})</a>")
    assert references.findall(newest)[0] != references.findall(oldest)[0]
    listing = page_text(coordinator.get("/cases?sort=-notified"))
    for heading in ("Reference", "Notified", "Age", "Stage", "Days in stage"):
        assert heading in listing
    assert "Overdue" in page_text(coordinator.get("/cases"))  # the GP's late reports

    found = coordinator.submit("/cases", {"query": "0001", "stage": ""}, form_page="/cases")
    results = page_text(coordinator.get(found.headers["Location"]))
    assert "-0001" in results and "matching your search" in results


def test_the_case_list_starts_at_the_cases_under_way_and_finds_finished_ones_too(
    history, make_browser
):
    coordinator = make_browser("coordinator@demo.test")
    oldest_closed = db.session.scalar(
        select(Case.reference).where(Case.stage == Stage.CLOSED).order_by(Case.created_at)
    )

    def listed(address: str) -> tuple[int, str]:
        text = page_text(coordinator.get(address))
        return int(re.search(r"of ([\d,]+) cases", text).group(1).replace(",", "")), text

    def count(*conditions) -> int:
        return db.session.scalar(select(func.count()).select_from(Case).where(*conditions))

    total, first_page = listed("/cases?sort=-notified")
    assert total == count(Case.stage.in_(UNDER_WAY_STAGES))
    assert oldest_closed not in first_page
    total, first_page = listed("/cases?stage=&sort=-notified")  # "All stages"
    assert total == count() and oldest_closed in first_page
    total, first_page = listed("/cases?stage=closed&sort=-notified")
    assert total == count(Case.stage == Stage.CLOSED) and oldest_closed in first_page

    # Searching from the list as it first appears ("Under way") looks at every stage.
    found = coordinator.submit("/cases", {"query": oldest_closed, "stage": "under_way"},
                               form_page="/cases")  # fmt: skip
    assert oldest_closed in page_text(coordinator.get(found.headers["Location"]))


def test_the_action_tracker_filters_open_overdue_and_finished(demo, make_browser):
    from tests.factories import on_agenda, panel_meeting, ready_for_panel_case
    from tests.panel_helpers import analysis_form, with_action

    item = on_agenda(panel_meeting(), ready_for_panel_case())
    data = with_action(analysis_form(), organisation("Demo Surgery").id,
                       "Recall children who miss asthma reviews", (10, 3, 2027))  # fmt: skip
    assert make_browser("chair@demo.test").submit(
        f"/agenda-items/{item.id}/analysis", data
    ).status_code == 302  # fmt: skip
    coordinator = make_browser("coordinator@demo.test")
    assert "1 action." in page_text(coordinator.get("/actions"))
    assert "Recall children" in page_text(coordinator.get("/actions?show=open"))
    assert "No actions." in page_text(coordinator.get("/actions?show=overdue"))
    assert "No actions." in page_text(coordinator.get("/actions?show=finished"))


def test_the_administrators_lists_of_people_organisations_and_tokens_page(demo, make_browser):
    from ecdop.auth.models import Role
    from ecdop.auth.services import create_user

    for number in range(30):
        create_user(email=f"reporter{number:02d}@demo.test", full_name=f"Reporter {number:02d}",
                    role=Role.AGENCY_REPORTER, organisation=organisation("Demo Surgery"),
                    areas=[demo_area()], password="Wintergreen-Lantern-Harbour-58")  # fmt: skip
    db.session.commit()
    admin = make_browser("admin@demo.test")
    first = page_text(admin.get("/admin/users?sort=email"))
    total = int(re.search(r"of ([\d,]+) people", first).group(1))
    assert total >= 30 and "Showing 1 to 25" in first
    assert f"Showing 26 to {total} of {total} people" in page_text(
        admin.get("/admin/users?show=active&sort=email&page=2")
    )  # fmt: skip
    assert "No people." in page_text(admin.get("/admin/users?show=deactivated"))
    assert "organisations" in page_text(admin.get("/admin/organisations"))
    assert "No tokens." in page_text(admin.get("/admin/api-tokens?show=ended"))
