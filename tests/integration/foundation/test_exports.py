"""CSV exports: what the person can see, with their filters; audited like a download; and no
cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.foundation.exports import spreadsheet_safe
from tests.factories import (
    notify,
    on_agenda,
    organisation,
    panel_meeting,
    ready_for_panel_case,
)
from tests.helpers import audit_events, page_text
from tests.panel_helpers import analysis_form, with_action

COORDINATOR = "coordinator@demo.test"


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def exported(action: AuditAction) -> list[AuditEvent]:
    return audit_events(action)


@pytest.mark.parametrize(
    ("typed", "cell"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+1", "'+1+1"),
     ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
     ("Plain words", "Plain words"), (-3, "-3"), (None, ""), (True, "Yes")],
)  # fmt: skip
def test_no_cell_can_start_a_formula(typed, cell):
    assert spreadsheet_safe(typed) == cell


def test_the_case_list_exports_with_its_filters_and_the_export_is_audited(make_browser):
    for number in range(3):
        notify(nhs_number=None, family_name=f"Export{chr(65 + number)}")
    coordinator = make_browser(COORDINATOR)
    assert "Download these 3 cases as a spreadsheet (CSV)" in page_text(coordinator.get("/cases"))
    everything = page_text(coordinator.get("/cases?stage="))
    assert "Download all 3 cases as a spreadsheet (CSV)" in everything
    rows = rows_of(coordinator.get("/cases/export.csv?stage=notified&sort=-notified"))
    assert rows[0] == ["Reference", "Stage", "Date notified", "Days in stage", "Age band",
                       "Overdue"]  # fmt: skip
    assert [row[0] for row in rows[1:]] == ["DEMO-2026-0001", "DEMO-2026-0002", "DEMO-2026-0003"]
    text = "\n".join(",".join(row) for row in rows)
    assert "Export" not in text and "943" not in text  # references, not names or NHS numbers
    assert rows_of(coordinator.get("/cases/export.csv?stage=closed")) == [rows[0]]
    [first, _second] = exported(AuditAction.CASE_LIST_EXPORTED)
    assert first.details == {"rows": 3, "stage": "notified", "searched": False}


def action_recorded_by_the_panel(make_browser, description: str) -> None:
    """An analysis with one action for the GP, due next March, recorded as the chair does."""
    item = on_agenda(panel_meeting(), ready_for_panel_case())
    data = with_action(analysis_form(), organisation("Demo Surgery").id, description,
                       (10, 3, 2027))  # fmt: skip
    recorded = make_browser("chair@demo.test").submit(f"/agenda-items/{item.id}/analysis", data)
    assert recorded.status_code == 302


def test_the_action_tracker_exports_without_running_a_formula_a_panel_wrote(make_browser, demo):
    action_recorded_by_the_panel(make_browser, "=1+1 chase the GP's report")
    rows = rows_of(make_browser(COORDINATOR).get("/actions/export.csv"))
    assert rows[0] == ["Case", "Action", "Agency", "Due", "Status", "Overdue"]
    assert rows[1][1] == "'=1+1 chase the GP's report"
    assert exported(AuditAction.PANEL_ACTIONS_EXPORTED)


def test_the_action_tracker_exports_what_its_filter_shows(make_browser, demo):
    action_recorded_by_the_panel(make_browser, "Recall children who miss asthma reviews")
    coordinator = make_browser(COORDINATOR)

    def exported_actions(show: str) -> list[str]:
        return [row[1] for row in rows_of(coordinator.get(f"/actions/export.csv?show={show}"))[1:]]

    assert exported_actions("open") == ["Recall children who miss asthma reviews"]
    assert exported_actions("all") == ["Recall children who miss asthma reviews"]
    assert exported_actions("overdue") == []  # due next March
    assert exported_actions("finished") == []
    listed = page_text(coordinator.get("/actions?show=overdue"))
    assert "Download these actions as a spreadsheet (CSV)" in listed
    last = exported(AuditAction.PANEL_ACTIONS_EXPORTED)[-1]
    assert last.details == {"show": "finished", "rows": 0}


def test_agency_timeliness_exports_and_is_audited(make_browser, demo):
    coordinator = make_browser(COORDINATOR)
    assert "Download this table" in page_text(coordinator.get("/agency-timeliness"))
    rows = rows_of(coordinator.get("/agency-timeliness/export.csv"))
    assert rows[0] == ["Agency", "Fell due", "On time", "Late", "Outstanding", "Share on time"]
    [event] = exported(AuditAction.TIMELINESS_EXPORTED)
    assert event.details["rows"] == len(rows) - 1


def test_an_export_of_a_search_that_has_ended_exports_nothing_and_says_so(make_browser):
    notify()
    coordinator = make_browser(COORDINATOR)
    response = coordinator.get("/cases/export.csv?search=no-such-search")
    assert response.status_code == 302
    assert "search=no-such-search" in response.headers["Location"]
    assert "That search has ended" in page_text(coordinator.get(response.headers["Location"]))
    assert exported(AuditAction.CASE_LIST_EXPORTED) == []
