"""Every page of every role's journey, and each form in its error state, checked in Chromium:
axe-core finds no violation of WCAG 2.2 AA or best practice; the Nu HTML Checker finds no
error in the page's HTML; no page is wider than a 375 px screen or than 320 CSS px (a 1280 px
screen at 400% zoom), where only a table may scroll; and no two different pages share a title.

axe-core and the Nu HTML Checker (vnu-jar, run on Java) come from npm at set-up (node_modules,
never committed)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import current_app
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from ecdop.analytics.models import EmergingPattern
from ecdop.board_reports.models import ReportOrigin
from ecdop.board_reports.services import generate_report
from ecdop.cases.models import Case
from ecdop.deadlines.models import Deadline
from ecdop.demo import seed_demo_case, seed_demo_reference_data
from ecdop.documents.choices import DocumentKind
from ecdop.documents.services import upload_document
from ecdop.family.models import FamilyContact
from ecdop.foundation.extensions import db
from ecdop.foundation.periods import PeriodKind, last_closed
from ecdop.foundation.vocabulary import CircumstancesType
from ecdop.jobs import run_job
from ecdop.reporting_forms.models import ReportingRequest
from ecdop.reporting_forms.services import save_answers_to_check
from tests.accounts import INITIAL_PASSWORD, OWN_PASSWORD, code_now, real_account
from tests.conftest import DEMO_PASSWORD
from tests.e2e.notifying import fill_the_form
from tests.factories import (
    CORE_ANSWERS,
    demo_area,
    notify,
    on_agenda,
    organisation,
    panel_meeting,
    submitted,
    user,
)
from tests.unit.documents.test_content_checks import pdf_with_active_content

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
NARROW_WIDTHS = (375, 320)


@dataclass(frozen=True)
class Visit:
    path: str
    press: str | None = None  # a button to press first, to see the form in its error state
    fill: tuple[tuple[str, str], ...] = ()  # labelled fields to fill before pressing


@dataclass
class Findings:
    problems: list[str]
    titles: dict[str, set[str]]
    pages: dict[str, str] = field(default_factory=dict)  # each page's HTML kept, by where

    def add(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")


def check(page: Page, where: str, findings: Findings) -> None:
    findings.pages[where] = page.content()  # before axe adds its script
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    for violation in result["violations"]:
        targets = [node["target"] for node in violation["nodes"][:3]]
        findings.add(where, f"axe {violation['id']} ({violation['impact']}) at {targets}")
    title = page.title()
    findings.titles[title.removeprefix("Error: ")].add(urlsplit(page.url).path)
    size = page.viewport_size
    for width in NARROW_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        wider = page.evaluate("document.documentElement.scrollWidth")
        if wider > width:
            culprits = page.evaluate(WIDE_ELEMENTS, width)
            findings.add(where, f"{wider} px wide at {width} px: {culprits}")
    page.set_viewport_size(size)


# The outermost elements that reach past the screen's right edge, outside any table's scroller.
WIDE_ELEMENTS = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.ecdop-table-scroll'))
  .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= width + 1)
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)"""


def press(button: Locator) -> None:
    """Press a form's button and wait for the answer to load before axe goes in: on a busy
    machine a click returns before navigation starts, and waiting for "load" alone then passes
    on the old page, leaving axe to read a document still empty."""
    with button.page.expect_navigation(wait_until="load"):
        button.click()


def walk(page: Page, visits: list[Visit], who: str, findings: Findings) -> None:
    for visit in visits:
        response = page.goto(visit.path)
        where = f"{who} {visit.path}"
        if response is None or response.status >= 400:
            findings.add(where, f"answered {response.status if response else 'nothing'}")
            continue
        for label, value in visit.fill:
            page.get_by_label(label, exact=True).fill(value)
        if visit.press:
            button = page.get_by_role("button", name=visit.press, exact=True)
            if not button.count():
                findings.add(where, f"has no button {visit.press!r}")
                continue
            press(button.first)
            where += f" after pressing {visit.press!r}"
        check(page, where, findings)


def html_errors(findings: Findings, folder: Path) -> None:
    """The Nu HTML Checker over every page kept, in one run of the JVM: each error, by page."""
    files = {}
    for number, (where, html) in enumerate(findings.pages.items()):
        path = folder / f"page-{number}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = where
    checked = subprocess.run(  # noqa: S603 - Java and the checker from node_modules
        [shutil.which("java") or "java", "-jar", str(VNU), "--format", "json",
         "--exit-zero-always", "--stdout", *(str(folder / name) for name in files)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    for message in json.loads(checked.stdout)["messages"]:
        if message["type"] == "error":
            name = Path(urlsplit(message.get("url", "")).path).name
            where = files.get(name, name)
            findings.add(where, f"HTML line {message.get('lastLine')}: {message['message']}")


@pytest.fixture
def journeys(app, demo, live_server):
    """Records at every stage the pages need, made as the services make them."""
    seed_demo_reference_data()
    demo_case = seed_demo_case()
    db.session.commit()
    first = db.session.scalar(select(Case).where(Case.reference == demo_case.reference))
    gp_request = db.session.scalar(
        select(ReportingRequest).where(
            ReportingRequest.case_id == first.id,
            ReportingRequest.organisation_id == organisation("Demo Surgery").id,
        )
    )
    school_request = db.session.scalar(
        select(ReportingRequest).where(
            ReportingRequest.case_id == first.id, ReportingRequest.id != gp_request.id
        )
    )
    submitted(school_request, reporter="school@demo.test")
    ready = [
        db.session.scalar(select(Case).where(Case.reference == reference))
        for reference in demo_case.ready_references
    ]
    meeting = panel_meeting()
    items = [on_agenda(meeting, case) for case in ready]
    notification, police_outcome = notify(
        nhs_number=None, date_of_birth=first.date_of_birth, date_of_death=first.date_of_death,
        sex=first.sex,
    )  # fmt: skip
    for days in (40, 10):  # two suicides within 60 days: an emerging pattern
        notify(nhs_number=None, circumstances_type=CircumstancesType.SUICIDE,
               given_names=f"Child{days}", date_of_birth=first.date_of_birth.replace(year=2012),
               date_of_death=first.date_of_death.replace(day=1 + days % 28))  # fmt: skip
    late = db.session.scalar(select(Case).where(Case.reference == demo_case.late_reference))
    late_request = db.session.scalar(
        select(ReportingRequest).where(ReportingRequest.case_id == late.id)
    )
    contacts = {
        "first_contact_on": (late.date_of_death - timedelta(days=200)).isoformat(),
        "last_contact_on": (late.date_of_death - timedelta(days=10)).isoformat(),
    }
    save_answers_to_check(late_request, answers=CORE_ANSWERS | contacts, not_known=[],
                          expected_version=late_request.version_id,
                          actor=user("gp@demo.test"))  # fmt: skip
    ready_report = db.session.scalar(
        select(ReportingRequest).where(ReportingRequest.case_id == ready[0].id)
    )
    document = upload_document(first, DocumentKind.FINAL_POST_MORTEM, first.date_of_death,
                               pdf_with_active_content(), "report.pdf",
                               actor=user("coordinator@demo.test"), largest=2**20)  # fmt: skip
    db.session.commit()
    run_job(current_app._get_current_object(), "watch-new-deaths")  # as within the minute
    pattern = db.session.scalar(select(EmergingPattern))
    quarter = last_closed(PeriodKind.QUARTERLY, first.date_of_death, start_month=4)
    report = generate_report(quarter, [demo_area()], origin=ReportOrigin.ON_DEMAND,
                             actor=user("coordinator@demo.test"))  # fmt: skip
    db.session.commit()
    deidentified, review, erasure = a_case_de_identified_and_a_retention_list()
    return {
        "deidentified": deidentified, "review": review, "erasure": erasure,
        "case": first, "gp_request": gp_request, "school_request": school_request,
        "ready": ready, "meeting": meeting, "items": items, "flagged": police_outcome.case,
        "notification": notification, "report": report, "late_request": late_request,
        "ready_report": ready_report, "pattern": pattern, "document": document,
    }  # fmt: skip


def a_case_de_identified_and_a_retention_list():
    from ecdop.retention.deidentify import deidentify_case_data
    from ecdop.retention.models import ErasureReason, RetentionReview, RetentionReviewItem
    from ecdop.retention.rules import RetainedData
    from ecdop.retention.services import ask_to_erase

    _notification, outcome = notify(nhs_number=None, given_names="Forgotten",
                                    date_of_birth=date(2014, 5, 9))  # fmt: skip
    deidentify_case_data(outcome.case)
    review = RetentionReview(area_id=demo_area().id, listed_on=date(2026, 11, 1), items=[
        RetentionReviewItem(case_id=outcome.case.id, kind=RetainedData.CASE,
                            rule="10 years after the review was closed, then de-identified",
                            due_on=date(2026, 10, 30)),
    ])  # fmt: skip
    db.session.add(review)
    mistake, _outcome = notify(nhs_number=None, given_names="Mistaken",
                               date_of_birth=date(2015, 6, 2))  # fmt: skip
    erasure = ask_to_erase(mistake, ErasureReason.TEST, actor=user("coordinator@demo.test"))
    db.session.commit()
    return outcome.case, review, erasure


def test_every_page_of_every_role(open_session, journeys, app, chromium, live_server, tmp_path):
    findings = Findings([], defaultdict(set))
    j = journeys
    case, item = j["case"], j["items"][0]
    deadline = db.session.scalar(select(Deadline).where(Deadline.case_id == case.id))
    family = f"/cases/{case.id}/family"
    parent = db.session.scalar(select(FamilyContact).where(FamilyContact.case_id == case.id))

    public = chromium.new_context(base_url=live_server, bypass_csp=True).new_page()
    walk(public, [Visit("/login"), Visit("/login", "Sign in"), Visit("/forgotten-password"),
                  Visit("/accessibility"), Visit("/privacy"), Visit("/cookies"), Visit("/help")],
         "signed out", findings)  # fmt: skip

    # A sensitive account action's page comes after "Confirm it is you".
    confirm_its_you = Visit(
        "/account/confirm-its-you", "Continue", (("Your password", DEMO_PASSWORD),)
    )
    journeys_by_role = {
        "police@demo.test": [
            Visit("/notifications/new"),
            Visit("/notifications/new", "Continue"),
            Visit("/notifications/"),
            Visit(f"/notifications/{j['notification'].id}"),
            Visit("/account"),
            Visit("/account/confirm-its-you"),
            Visit("/account/confirm-its-you", "Continue"),
            confirm_its_you,
            Visit("/account/password"),
            Visit("/account/password", "Change password"),
            Visit("/account/sessions"),
        ],
        "coordinator@demo.test": [
            Visit("/dashboard"),
            Visit("/cases"),
            Visit("/cases?stage=notified"),
            Visit(f"/cases/{case.id}"),
            Visit(f"/cases/{case.id}/timeline"),
            Visit(f"/cases/{case.id}/national-database"),
            Visit(f"/cases/{case.id}/key-worker"),
            Visit(f"/cases/{case.id}/key-worker", "Save key worker"),
            Visit(f"/cases/{case.id}/post-mortem"),
            Visit(f"/cases/{case.id}/post-mortem", "Save post-mortem"),
            Visit(f"/cases/{case.id}/inquest"),
            Visit(f"/cases/{case.id}/inquest", "Save inquest"),
            Visit(f"/cases/{case.id}/legal-hold"),
            Visit(f"/cases/{j['deidentified'].id}"),
            Visit("/retention-reviews"),
            Visit(f"/cases/{case.id}/erasure"),
            Visit(f"/cases/{case.id}/erasure", "Ask for it to be erased"),
            Visit(f"/erasures/{j['erasure'].id}"),
            Visit(f"/cases/{case.id}/legal-hold", "Put the case on legal hold"),
            Visit(f"/cases/{case.id}/documents/new"),
            Visit(f"/cases/{case.id}/documents/new", "Keep the document"),
            Visit(f"/cases/{case.id}/documents/{j['document'].id}/extract"),
            Visit(f"/cases/{case.id}/documents/{j['document'].id}/extract", "Confirm extract"),
            Visit(f"/cases/{case.id}/documents/{j['document'].id}/withdraw"),
            Visit(f"/cases/{j['flagged'].id}"),
            Visit(f"/cases/{j['flagged'].id}/merge"),
            Visit(f"/cases/{j['flagged'].id}/triage"),
            Visit(f"/cases/{j['flagged'].id}/triage", "Save triage"),
            Visit(f"/cases/{case.id}/reports/new"),
            Visit(f"/cases/{case.id}/reports/new", "Send requests"),
            Visit(f"/cases/{case.id}/joint-agency-response"),
            Visit(f"/cases/{case.id}/joint-agency-response", "Save"),
            Visit(f"/cases/{case.id}/child-death-review-meeting"),
            Visit(f"/cases/{case.id}/child-death-review-meeting", "Save"),
            Visit(f"/reports/{j['school_request'].id}"),
            Visit(f"/deadlines/{deadline.id}/due-date"),
            Visit(f"/deadlines/{deadline.id}/due-date", "Change due date"),
            Visit("/tasks"),
            Visit("/overdue"),
            Visit("/outstanding-requests?show=overdue"),
            Visit("/agency-timeliness"),
            Visit("/meetings"),
            Visit("/meetings/new"),
            Visit("/meetings/new", "Schedule meeting"),
            Visit(f"/meetings/{j['meeting'].id}"),
            Visit(f"/meetings/{j['meeting'].id}/pack.pdf"),  # what is missing, first
            Visit(f"/agenda-items/{item.id}/papers"),
            Visit(f"/agenda-items/{item.id}/extracts/{j['ready_report'].id}"),
            Visit(f"/agenda-items/{item.id}/take-off"),
            Visit(f"/agenda-items/{item.id}/take-off", "Confirm"),
            Visit("/actions"),
            Visit("/patterns"),
            Visit(f"/patterns/{j['pattern'].id}"),
            Visit("/board-reports"),
            Visit(f"/board-reports/{j['report'].id}"),
            Visit("/board-reports/new"),
        ],
        "keyworker@demo.test": [
            Visit("/families"),
            Visit(f"{family}"),
            Visit(f"{family}/contacts/new"),
            Visit(f"{family}/contacts/new", "Save"),
            Visit(f"{family}/contacts/{parent.id}"),
            Visit(f"{family}/contact-log/new"),
            Visit(f"{family}/contact-log/new", "Save contact"),
            Visit(f"{family}/support"),
            Visit(f"{family}/support", "Save"),
            Visit(f"{family}/questions/new"),
            Visit(f"{family}/questions/new", "Save question"),
            Visit(f"{family}/contacts/{parent.id}/letters/introduction"),
            Visit(f"{family}/contacts/{parent.id}/letters/outcome", "Make the letter (PDF)"),
            Visit("/tasks"),
        ],
        "gp@demo.test": [
            Visit("/requests"),
            Visit(f"/requests/{j['gp_request'].id}"),
            Visit(f"/requests/{j['gp_request'].id}", "Continue to check your answers"),
            Visit(f"/requests/{j['gp_request'].id}/documents/new"),
            Visit(f"/requests/{j['gp_request'].id}/documents/new", "Send the document"),
            Visit(f"/requests/{j['late_request'].id}/check"),
            Visit("/tasks"),
            Visit("/actions"),
        ],
        "panel@demo.test": [Visit("/meetings"), Visit(f"/meetings/{j['meeting'].id}/papers")],
        "chair@demo.test": [
            Visit(f"/meetings/{j['meeting'].id}/reviews"),
            Visit(f"/agenda-items/{item.id}/analysis"),
            Visit(f"/agenda-items/{item.id}/analysis", "Save analysis"),
        ],
        "board@demo.test": [Visit("/board-reports"), Visit(f"/board-reports/{j['report'].id}")],
        "admin@demo.test": [
            Visit("/admin/users"),
            Visit("/admin/users/new"),
            Visit("/admin/users/new", "Create user"),
            Visit(f"/admin/users/{user('gp@demo.test').id}"),
            Visit(f"/admin/users/{user('gp@demo.test').id}/active"),
            Visit(f"/admin/users/{user('gp@demo.test').id}/change"),
            Visit(f"/admin/areas/{demo_area().id}/retention"),
            Visit(f"/admin/areas/{demo_area().id}/retention/case"),
            Visit(f"/admin/areas/{demo_area().id}/retention/case", "Save rule"),
            Visit("/admin/record-of-processing"),
            Visit("/retention-reviews"),
            Visit(f"/retention-reviews/{j['review'].id}"),
            Visit(f"/erasures/{j['erasure'].id}"),
            Visit("/admin/organisations"),
            Visit("/admin/organisations/new"),
            Visit("/admin/organisations/new", "Add organisation"),
            Visit("/admin/api-tokens"),
            confirm_its_you,
            Visit("/admin/api-tokens/new"),
            Visit("/admin/api-tokens/new", "Create token"),
            Visit("/admin/areas"),
            Visit(f"/admin/areas/{demo_area().id}"),
            Visit(f"/admin/areas/{demo_area().id}/deadlines/cdrm"),
            Visit(f"/admin/areas/{demo_area().id}/warning-rules"),
            Visit("/admin/outbox"),
            Visit("/admin/pages"),
            Visit("/admin/pages/privacy"),
            Visit("/admin/pages/privacy", "Save the page"),
        ],
    }
    for email, visits in journeys_by_role.items():
        page = open_session(email, DEMO_PASSWORD, bypass_csp=True)
        walk(page, visits, email, findings)
        if email == "police@demo.test":  # the notification's "Check your answers"
            fill_the_form(page)
            # "Continue" navigates: read the page once it has arrived, not half-way there.
            expect(page.locator("h1")).to_contain_text("Check your answers")
            check(page, f"{email} checking a notification's answers", findings)

    first_sign_in_of_a_real_account(chromium, live_server, findings)

    html_errors(findings, tmp_path)
    for title, paths in findings.titles.items():
        if len(paths) > 1 and not all(p.startswith("/cases/") for p in paths):
            findings.add(f"title {title!r}", f"shared by different pages: {sorted(paths)}")
    assert findings.problems == [], "\n".join(findings.problems)


def first_sign_in_of_a_real_account(chromium, live_server, findings: Findings) -> None:
    """The pages only a real account meets: its own password, the authenticator set up from
    the page, each with its errors, and the recovery codes."""
    email = "real.account@council.example"
    real_account(email)
    page = chromium.new_context(base_url=live_server, bypass_csp=True).new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(INITIAL_PASSWORD)
    press(page.get_by_role("button", name="Sign in"))
    check(page, "first sign-in: own password", findings)
    press(page.get_by_role("button", name="Save password"))
    check(page, "first sign-in: own password, with errors", findings)
    page.get_by_label("Choose a new password").fill(OWN_PASSWORD)
    page.get_by_label("Type the password again").fill(OWN_PASSWORD)
    press(page.get_by_role("button", name="Save password"))
    check(page, "first sign-in: authenticator", findings)
    secret = "".join(page.locator("#authenticator-key").inner_text().split())
    page.get_by_label("Security code from the app").fill("000000")
    press(page.get_by_role("button", name="Confirm and continue"))
    check(page, "first sign-in: authenticator, with errors", findings)
    page.get_by_label("Security code from the app").fill(code_now(secret))
    press(page.get_by_role("button", name="Confirm and continue"))
    check(page, "first sign-in: recovery codes", findings)
