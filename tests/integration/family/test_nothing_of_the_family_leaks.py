"""Nothing of the family leaves the family's pages: not in a CSV export, the national return
(beyond whether bereavement support was offered), a log line or an address. A parent's name,
telephone number and address are seeded everywhere the key worker writes, then searched for."""

from __future__ import annotations

import json
import logging
import re

import pytest
from sqlalchemy import select

from ecdop.foundation.extensions import db
from ecdop.foundation.periods import DateSpan
from ecdop.jobs import run_job
from ecdop.meetings.models import PanelAnalysis
from ecdop.meetings.national_return import export_national_return
from ecdop.meetings.services import sign_off
from tests.factories import on_agenda, panel_meeting, ready_for_panel_case, user
from tests.helpers import form_values
from tests.panel_helpers import analysis_form

pytestmark = pytest.mark.slow

KEY_WORKER = "keyworker@demo.test"
NAME, PHONE, ADDRESS = "Morgan Delacroix-Finch", "07700 900461", "14 Larkspur Row"
SEEDED = ("Morgan", "Delacroix", "900461", "07700900461", "Larkspur")
PARENT = {
    "full_name": NAME, "relationship_to_child": "mother", "phone": PHONE,
    "email": "morgan.df@example.org", "address": f"{ADDRESS}\nDemoton DM1 4QX",
    "preferred_method": "telephone", "interpreter_needed": "no", "do_not_contact": "no",
}  # fmt: skip


def leaks(text: str) -> list[str]:
    return [seeded for seeded in SEEDED if seeded.casefold() in text.casefold()]


class Seen:
    """Every address a browser was sent to or offered, as the family's pages were used."""

    def __init__(self):
        self.urls: list[str] = []

    def note(self, response) -> None:
        self.urls.append(response.request.url if response.request else "")
        if location := response.headers.get("Location"):
            self.urls.append(location)
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            self.urls += re.findall(r'(?:href|action|src)="([^"]*)"', html)


class Kept(logging.Handler):
    """Every log record of every logger, at every level, while the family's pages are used."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture
def kept_log():
    root, handler = logging.getLogger(), Kept()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def a_family_worked_with(app, demo, make_browser, kept_log, smtp_sink):
    """A review signed off, whose family the key worker recorded, wrote to and heard from, and
    whose mail has gone out."""
    seen = Seen()
    case = ready_for_panel_case()
    coordinator, key_worker = make_browser("coordinator@demo.test"), make_browser(KEY_WORKER)
    coordinator.submit(f"/cases/{case.id}/key-worker", {"key_worker_id": str(user(KEY_WORKER).id)})
    family = f"/cases/{case.id}/family"
    steps = [
        (f"{family}/contacts/new", PARENT),
        (f"{family}/contact-log/new", {
            "contact_id": "family", "contacted_on": ["19", "11", "2026"], "method": "telephone",
            "made_by": "Robin Ahmed", "summary": f"Spoke to {NAME} on {PHONE} at {ADDRESS}.",
            "milestones": ["told_about_review", "leaflet_given"]}),
        (f"{family}/questions/new", {
            "asked_on": ["19", "11", "2026"], "goes_to": "cdrm",
            "question": f"{NAME} asks why nobody rang {PHONE}."}),
        (f"{family}/support", {"support_offered": "yes", "support_taken_up": "yes",
                               "support_offered_by": "Child Bereavement UK"}),
    ]  # fmt: skip
    for path, data in steps:
        response = key_worker.submit(path, data)
        assert response.status_code == 302, path
        seen.note(response)
    contact_id = re.search(r"/contacts/(\d+)\"", key_worker.get(family).get_data(as_text=True))
    letter = f"{family}/contacts/{contact_id.group(1)}/letters/introduction"
    seen.note(response := key_worker.post(letter, data=form_values(key_worker.get(letter))
                                          | {"make": "Make the letter (PDF)"}))  # fmt: skip
    assert response.status_code == 302
    item = on_agenda(panel_meeting(), case)
    analysed = analysis_form(family_questions_answered="some",
                             family_learning=f"{NAME} asked about the GP.")  # fmt: skip
    coordinator.submit(f"/agenda-items/{item.id}/analysis", analysed)
    analysis = db.session.scalar(select(PanelAnalysis).where(PanelAnalysis.case_id == case.id))
    sign_off(analysis, actor=user("chair@demo.test"), expected_version=analysis.version_id)
    db.session.commit()
    for path in (family, f"/cases/{case.id}", f"/cases/{case.id}/timeline", "/families"):
        for browser in (coordinator, key_worker):
            seen.note(browser.get(path))
    run_job(app, "sweep-deadlines")
    run_job(app, "deliver-outbox")
    return case, coordinator, seen, kept_log


def test_no_csv_export_carries_the_family(a_family_worked_with):
    _case, coordinator, _seen, _log = a_family_worked_with
    for path in (
        "/cases/export.csv?show=all",
        "/actions/export.csv",
        "/agency-timeliness/export.csv",
    ):
        response = coordinator.get(path)
        assert response.status_code == 200, path
        assert leaks(response.get_data(as_text=True)) == [], path


def test_the_national_return_carries_only_whether_support_was_offered(
    a_family_worked_with, tmp_path
):
    case, *_rest = a_family_worked_with
    period = DateSpan(case.date_of_death, case.date_of_death.replace(year=2027))
    for output_format in ("json", "csv"):
        path = tmp_path / f"return.{output_format}"
        assert export_national_return(period, str(path), output_format=output_format) == 1
        text = path.read_text()
        assert leaks(text) == [], output_format
    document = json.loads((tmp_path / "return.json").read_text())
    assert document["schema_version"] == "1.2"
    assert document["cases"][0]["family"] == {"bereavement_support_offered": "yes"}
    assert "bereavement_support_offered" in (tmp_path / "return.csv").read_text().splitlines()[0]


def test_no_log_line_or_address_carries_the_family(a_family_worked_with):
    _case, _coordinator, seen, log = a_family_worked_with
    assert len(log.lines) > 10, "the journey should have logged something to search"
    assert leaks("\n".join(log.lines)) == []
    assert len(seen.urls) > 20
    assert [url for url in seen.urls if leaks(url)] == []


def test_the_audit_trail_carries_nothing_of_the_family(a_family_worked_with):
    """The trail outlives every retention period: its events say what happened, never the
    family's names, contact details or words."""
    from ecdop.audit.models import AuditEvent

    events = db.session.scalars(select(AuditEvent)).all()
    assert len(events) > 20
    trail = "\n".join(json.dumps(event.details, ensure_ascii=False) for event in events)
    assert leaks(trail) == []
