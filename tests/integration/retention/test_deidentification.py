"""De-identification at the end of a case's retention period. A case is worked through every
stage with the child's and family's details written everywhere a person can write them: the
notification, an agency's report, the meetings, the post-mortem and inquest, a document, the
family's pages and a letter, the reasons given for a legal hold. Ten years after it closed,
the monthly job lists it, an administrator puts the list forward, a coordinator approves it,
and the purge takes it all away. Then a text search of the whole database dump finds none of
it, the board's report for that year is the same, and the audit trail still verifies."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, date, datetime

import pikepdf
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url

from ecdop.analytics.models import PostcodeDeprivation
from ecdop.audit.chain import verify_chain
from ecdop.auth.models import Role
from ecdop.board_reports.content import build_report
from ecdop.deadlines.models import DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.documents.choices import DocumentKind, InquestConclusion
from ecdop.documents.services import (
    InquestDetails,
    PostMortemDetails,
    confirm_document_extract,
    save_inquest,
    save_post_mortem,
    upload_document,
)
from ecdop.family.models import FamilyContact, FamilyLetter
from ecdop.foundation.extensions import db
from ecdop.foundation.periods import DateSpan, reporting_year
from ecdop.jobs import run_job
from ecdop.meetings.models import PanelAnalysis
from ecdop.meetings.national_return import export_national_return
from ecdop.meetings.services import sign_off
from ecdop.retention.models import RetentionReview, ReviewState
from ecdop.retention.rules import HoldReason
from ecdop.retention.services import approve, confirm_rules, lift_hold, place_hold, put_forward
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse
from tests.conftest import DEMO_PASSWORD
from tests.deadline_helpers import deadline, move_to
from tests.factories import (
    CORE_ANSWERS,
    OTHER_VALID_NHS_NUMBER,
    demo_area,
    on_agenda,
    panel_meeting,
    ready_for_panel_case,
    user,
)
from tests.helpers import form_values, page_text
from tests.integration.meetings.test_national_return import close
from tests.panel_helpers import analysis_form

pytestmark = pytest.mark.slow

COORDINATOR, ADMIN, KEY_WORKER = "coordinator@demo.test", "admin@demo.test", "keyworker@demo.test"
POSTCODE = "DM7 9QZ"
CHILD = dict(
    given_names="Zephyrine Ottoline", family_name="Quillfeather", nhs_number="9434765919",
    date_of_birth=date(2019, 3, 14), date_of_death=date(2026, 11, 12),
    address="7 Wistful Lane\nDemoton", postcode=POSTCODE,
    circumstances="Zephyrine was found unresponsive by Imelda at Wistful Lane.",
    place_of_death_detail="Bedroom at Wistful Lane",
    parental_responsibility="Imelda Quillfeather", other_children="Tobias Quillfeather, 3",
    agencies_detail="Zephyrine was known to Demo Surgery",
)  # fmt: skip
# Every value that must go, as it might be written anywhere: searched for in the dump.
REMOVED = (
    "Zephyrine", "Ottoline", "Quillfeather", "9434765919", "Wistful", "DM7 9QZ", "2019-03-14",
    "2026-11-12", "Imelda", "Tobias", "07700 900461", "imelda.q@example.org", "INQ-QF-0114",
)  # fmt: skip
PARENT = {
    "full_name": "Imelda Quillfeather", "relationship_to_child": "mother",
    "phone": "07700 900461", "email": "imelda.q@example.org",
    "address": "7 Wistful Lane\nDemoton DM7 9QZ", "preferred_method": "telephone",
    "interpreter_needed": "no", "do_not_contact": "no",
}  # fmt: skip


def pdf_naming_the_child() -> bytes:
    """A one-page PDF whose text, kept uncompressed, names the child."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))  # fmt: skip
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Zephyrine Quillfeather) Tj ET")
    output = io.BytesIO()
    pdf.save(output, compress_streams=False)
    return output.getvalue()


def database_dump() -> str:
    """The whole database as text, as an operator's dump of it would hold it; binary values
    as the dump writes them, in hexadecimal."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(engine.url.database) as connection:
            return "\n".join(connection.iterdump())
    url = make_url(engine.url).set(drivername="postgresql")
    command = [shutil.which("pg_dump") or "pg_dump", "--data-only", "--no-owner",
               url.render_as_string(hide_password=False)]  # fmt: skip
    dumped = subprocess.run(  # noqa: S603 - pg_dump of the suite's own database
        command, capture_output=True, text=True, check=True
    )
    return dumped.stdout


def found_in(dump: str) -> list[str]:
    """The removed values the dump holds, as text or as the hexadecimal of a binary value."""
    text = dump.casefold()
    return [value for value in REMOVED
            if value.casefold() in text or value.encode().hex() in text]  # fmt: skip


def boards_year_report() -> list:
    """The sections of the board's report for the reporting year of the death, as figures."""
    period = reporting_year(2026, 4)
    content = build_report(period, [demo_area()], start_month=4, today=date(2027, 6, 1),
                           generated_at=datetime(2027, 6, 1, tzinfo=UTC))  # fmt: skip
    return [repr(section) for section in content.sections]


@pytest.fixture
def case_worked_through(app, demo, make_browser, clock):
    """A case notified, reported on, met about, investigated, worked with the family, held,
    reviewed and closed, with the child's and family's details everywhere."""
    coordinator_user = user(COORDINATOR)
    db.session.add(PostcodeDeprivation(postcode=POSTCODE, lsoa_code="E01000001", imd_decile=2))
    db.session.commit()
    case = ready_for_panel_case(**CHILD)
    coordinator, key_worker = make_browser(COORDINATOR), make_browser(KEY_WORKER)

    # Words about the child in an agency's report and the meetings' records.
    [request] = case_requests(case)
    request.answers = CORE_ANSWERS | {"involvement_summary": "Saw Zephyrine with Imelda."}
    for record in db.session.scalars(select(JointAgencyResponse).where(
            JointAgencyResponse.case_id == case.id)):  # fmt: skip
        record.summary, record.decisions = "Visited Wistful Lane.", "Tell Imelda Quillfeather."
    cdrm = db.session.scalar(select(ChildDeathReviewMeeting)
                             .where(ChildDeathReviewMeeting.case_id == case.id))  # fmt: skip
    cdrm.summary = "Zephyrine's asthma plan was reviewed."
    db.session.commit()

    # The post-mortem, the inquest and a document naming the child.
    save_post_mortem(case, PostMortemDetails(*post_mortem_details()), actor=coordinator_user,
                     expected_version=None)  # fmt: skip
    save_inquest(case, InquestDetails(
        "Demo and District", date(2026, 11, 14), "INQ-QF-0114", None, date(2026, 11, 19),
        InquestConclusion.NATURAL_CAUSES, False, "",
    ), actor=coordinator_user, expected_version=None)  # fmt: skip
    document = upload_document(case, DocumentKind.FINAL_POST_MORTEM, date(2026, 11, 19),
                               pdf_naming_the_child(), "report.pdf", actor=coordinator_user,
                               largest=2**20)  # fmt: skip
    confirm_document_extract(document, case, "The cause was bronchopneumonia.",
                             actor=coordinator_user, expected_version=None)  # fmt: skip
    hold = place_hold(case, HoldReason.INQUEST, "Zephyrine's inquest", actor=coordinator_user)
    lift_hold(hold, case, "The Quillfeather inquest concluded", actor=coordinator_user)
    db.session.commit()

    # The family's part: a contact, a conversation, a question and a letter.
    coordinator.submit(f"/cases/{case.id}/key-worker", {"key_worker_id": str(user(KEY_WORKER).id)})
    family = f"/cases/{case.id}/family"
    for path, data in (
        (f"{family}/contacts/new", PARENT),
        (f"{family}/contact-log/new", {
            "contact_id": "family", "contacted_on": ["19", "11", "2026"], "method": "telephone",
            "made_by": "Robin Ahmed", "summary": "Spoke to Imelda about Zephyrine.",
            "milestones": ["told_about_review"]}),
        (f"{family}/questions/new", {"asked_on": ["19", "11", "2026"], "goes_to": "cdrm",
                                     "question": "Imelda asks why Tobias was not seen."}),
    ):  # fmt: skip
        assert key_worker.submit(path, data).status_code == 302, path
    contact = db.session.scalar(select(FamilyContact).where(FamilyContact.case_id == case.id))
    letter = f"{family}/contacts/{contact.id}/letters/introduction"
    made = key_worker.post(letter, data=form_values(key_worker.get(letter))
                           | {"make": "Make the letter (PDF)"})  # fmt: skip
    assert made.status_code == 302

    # The panel's review, its learning naming the child, signed off: the case closes.
    item = on_agenda(panel_meeting(), case)
    analysed = analysis_form(family_questions_answered="some",
                             learning_points="Zephyrine's asthma reviews were missed.",
                             family_learning="Imelda asked about the GP.")  # fmt: skip
    assert coordinator.submit(f"/agenda-items/{item.id}/analysis", analysed).status_code == 302
    analysis = db.session.scalar(select(PanelAnalysis).where(PanelAnalysis.case_id == case.id))
    sign_off(analysis, actor=user("chair@demo.test"), expected_version=analysis.version_id)
    db.session.commit()
    return case


def case_requests(case):
    from ecdop.reporting_forms.models import ReportingRequest

    return db.session.scalars(select(ReportingRequest)
                              .where(ReportingRequest.case_id == case.id)).all()  # fmt: skip


def post_mortem_details():
    from ecdop.documents.choices import OrderedBy, PostMortemNeeded, PostMortemType

    return (PostMortemNeeded.YES, OrderedBy.CORONER, PostMortemType.PAEDIATRIC,
            date(2026, 11, 13), date(2026, 11, 14), "Zephyrine: bronchopneumonia suspected",
            None)  # fmt: skip


def test_a_case_past_its_retention_is_de_identified_after_two_people_approve(
    app, case_worked_through, make_browser, clock, tmp_path
):
    case = case_worked_through
    assert sorted(found_in(database_dump())) == sorted(REMOVED), "the search must find them first"
    held = close(
        ready_for_panel_case(
            given_names="Held", family_name="Heldchild", nhs_number=OTHER_VALID_NHS_NUMBER
        )
    )
    place_hold(held, HoldReason.COMPLAINT, "", actor=user(COORDINATOR))
    confirm_rules(demo_area(), actor=user(ADMIN))
    db.session.commit()
    board_before = boards_year_report()

    # Not yet: ten years after the review was closed is 20 November 2036.
    move_to(clock, date(2036, 11, 19))
    assert run_job(app, "retention-review", today=date(2036, 11, 19)) == 0

    move_to(clock, date(2036, 12, 1))
    assert run_job(app, "retention-review", today=date(2036, 12, 1)) == 1
    review = db.session.scalar(select(RetentionReview))
    assert [(item.case_id, item.kind.value) for item in review.items] == [(case.id, "case")]

    admin = make_browser(ADMIN)
    listing = page_text(admin.get("/retention-reviews"))
    assert "Demo" in listing and "Listed" in listing
    page = page_text(admin.get(f"/retention-reviews/{review.id}"))
    assert case.reference in page and "10 years after the review was closed" in page
    assert held.reference not in page
    assert not re.search("Zephyrine|Quillfeather", page)
    put = admin.submit(f"/retention-reviews/{review.id}/put-forward",
                       {"version": str(review.version_id)},
                       form_page=f"/retention-reviews/{review.id}")  # fmt: skip
    assert put.status_code == 302
    db.session.refresh(review)
    assert review.state is ReviewState.PUT_FORWARD

    # The one who put it forward cannot approve it too.
    refused = admin.submit(f"/retention-reviews/{review.id}/approve",
                           {"version": str(review.version_id)},
                           form_page=f"/retention-reviews/{review.id}")  # fmt: skip
    db.session.refresh(review)
    assert review.state is ReviewState.PUT_FORWARD
    assert "must approve it" in page_text(admin.get(refused.headers["Location"]))
    run_job(app, "retention-purge")
    assert db.session.get(type(case), case.id).deidentified_at is None

    coordinator = make_browser(COORDINATOR)
    approved = coordinator.submit(f"/retention-reviews/{review.id}/approve",
                                  {"version": str(review.version_id)},
                                  form_page=f"/retention-reviews/{review.id}")  # fmt: skip
    assert approved.status_code == 302
    assert run_job(app, "retention-purge") == 1
    assert run_job(app, "retention-purge") == 0  # run again: nothing done twice
    db.session.expire_all()
    assert db.session.get(RetentionReview, review.id).state is ReviewState.DONE

    shown = page_text(coordinator.get(f"/cases/{case.id}"))
    assert "De-identified" in shown and "November 2026" in shown and "March 2019" in shown
    assert not [value for value in REMOVED if value in shown]
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert ("De-identified under the retention rule: 10 years after the review was closed, "
            "then de-identified") in timeline  # fmt: skip

    # The postcode lookup holds every postcode in England, of nobody: without it, the board
    # still counts the case in its decile, kept on the case.
    db.session.execute(delete(PostcodeDeprivation))
    db.session.commit()
    assert found_in(database_dump()) == []
    assert db.session.scalar(select(func.count(FamilyLetter.id))) == 0
    assert db.session.get(type(held), held.id).given_names == "Held"  # held: kept whole
    assert deadline(held, DeadlineKind.LEGAL_HOLD_REVIEW).state is DeadlineState.OPEN
    analysis = db.session.scalar(select(PanelAnalysis).where(PanelAnalysis.case_id == case.id))
    assert analysis.learning_points == "[name]'s asthma reviews were missed."
    assert boards_year_report() == board_before
    family = page_text(coordinator.get(f"/cases/{case.id}/family"))
    assert "were erased with it" in family and not [v for v in REMOVED if v in family]
    # The national return linked the case by what is now gone: it is not sent again.
    period = DateSpan(date(2026, 11, 1), date(2026, 11, 30))
    assert export_national_return(period, str(tmp_path / "r.json"), output_format="json") == 1
    returned = json.loads((tmp_path / "r.json").read_text())["cases"]
    assert [record["case_reference"] for record in returned] == [held.reference]
    assert verify_chain(db.session).intact


def test_run_job_lists_what_would_be_due_on_a_later_day(app, demo):
    """What an operator tries in development: `run-job retention-review --on DATE`."""
    case = close(ready_for_panel_case())
    confirm_rules(demo_area(), actor=user(ADMIN))
    db.session.commit()
    runner = app.test_cli_runner()
    early = runner.invoke(args=["run-job", "retention-review", "--on", "2036-11-19"])
    assert early.exit_code == 0 and "retention-review: 0" in early.output
    due = runner.invoke(args=["run-job", "retention-review", "--on", "2036-11-20"])
    assert due.exit_code == 0 and "retention-review: 1" in due.output
    [item] = db.session.scalar(select(RetentionReview)).items
    assert (item.case_id, str(item.due_on)) == (case.id, "2036-11-20")


def test_nothing_is_listed_for_an_area_whose_rules_are_not_confirmed(app, demo):
    close(ready_for_panel_case())
    assert run_job(app, "retention-review", today=date(2040, 1, 1)) == 0


def test_a_case_held_after_it_was_listed_is_skipped(app, demo, make_browser):
    case = close(ready_for_panel_case())
    confirm_rules(demo_area(), actor=user(ADMIN))
    db.session.commit()
    run_job(app, "retention-review", today=date(2037, 1, 1))
    review = db.session.scalar(select(RetentionReview))
    put_forward(review, actor=user(ADMIN), expected_version=review.version_id)
    approve(review, actor=user(COORDINATOR), expected_version=review.version_id)
    place_hold(case, HoldReason.SUBJECT_ACCESS, "", actor=user(COORDINATOR))
    db.session.commit()
    assert run_job(app, "retention-purge") == 1
    db.session.expire_all()
    [item] = db.session.get(RetentionReview, review.id).items
    assert item.skipped_because and item.done_at is None
    assert db.session.get(type(case), case.id).deidentified_at is None
    page = page_text(make_browser(ADMIN).get(f"/retention-reviews/{review.id}"))
    assert "Skipped: put on legal hold after it was listed" in page


def test_only_the_areas_own_people_see_its_lists(app, demo, make_browser):
    from ecdop.auth.services import create_area, create_user

    close(ready_for_panel_case())
    confirm_rules(demo_area(), actor=user(ADMIN))
    db.session.commit()
    run_job(app, "retention-review", today=date(2037, 1, 1))
    review = db.session.scalar(select(RetentionReview))
    other = create_area("OTHER", "Other Partnership")
    council = user(COORDINATOR).organisation
    council.areas.append(other)
    create_user(email="other.coordinator@demo.test", full_name="Other Coordinator",
                role=Role.COORDINATOR, organisation=council,
                areas=[other], password=DEMO_PASSWORD)  # fmt: skip
    db.session.commit()
    stranger = make_browser("other.coordinator@demo.test")
    assert stranger.get(f"/retention-reviews/{review.id}").status_code == 404
    assert "No list is waiting" in page_text(stranger.get("/retention-reviews"))
    for email in ("gp@demo.test", "police@demo.test", "board@demo.test", "keyworker@demo.test"):
        assert make_browser(email).get(f"/retention-reviews/{review.id}").status_code == 403


def test_documents_under_a_shorter_rule_are_erased_alone(app, demo, make_browser):
    from ecdop.retention.rules import (
        RetainedData,
        RetentionOutcome,
        RetentionRule,
        RetentionTrigger,
    )
    from ecdop.retention.services import change_rule

    case = ready_for_panel_case()
    document = upload_document(case, DocumentKind.OTHER, date(2026, 11, 19), pdf_naming_the_child(),
                               "notes.pdf", actor=user(COORDINATOR), largest=2**20)  # fmt: skip
    db.session.commit()
    close(case)
    one_year = RetentionRule(1, RetentionTrigger.REVIEW_CLOSED, RetentionOutcome.ERASE)
    change_rule(demo_area(), RetainedData.DOCUMENTS, one_year, actor=user(ADMIN))
    confirm_rules(demo_area(), actor=user(ADMIN))
    db.session.commit()
    assert run_job(app, "retention-review", today=date(2027, 11, 20)) == 1
    review = db.session.scalar(select(RetentionReview))
    assert [item.kind for item in review.items] == [RetainedData.DOCUMENTS]
    put_forward(review, actor=user(ADMIN), expected_version=review.version_id)
    approve(review, actor=user(COORDINATOR), expected_version=review.version_id)
    db.session.commit()
    assert run_job(app, "retention-purge") == 1

    coordinator = make_browser(COORDINATOR)
    shown = page_text(coordinator.get(f"/cases/{case.id}"))
    assert "its content erased under the retention rule" in shown
    assert "De-identified" not in shown
    assert coordinator.get(f"/cases/{case.id}/documents/{document.id}").status_code == 410
    assert "quillfeather" not in database_dump().casefold()
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert ("The documents' contents erased under the retention rule: 1 year after the review "
            "was closed, then erased") in timeline  # fmt: skip
    # Listed again next month? No: nothing of the kind is left.
    assert run_job(app, "retention-review", today=date(2027, 12, 1)) == 0
