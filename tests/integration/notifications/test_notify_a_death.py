"""A police officer or clinician notifies a death in a browser and gets a receipt."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.cases.models import Case
from ecdop.foundation.extensions import db
from ecdop.mail.models import OutboxMessage
from ecdop.notifications.models import MatchResult, Notification
from ecdop.notifications.queries import notifications_of
from tests.factories import OTHER_VALID_NHS_NUMBER, form_data, notify
from tests.helpers import assert_error_summary_follows_the_page, form_values, page_text

NEW = "/notifications/new"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def submit(browser, **overrides):
    return browser.submit(NEW, form_data(**overrides))


def test_police_notify_a_death_and_get_a_case_reference(make_browser):
    police = make_browser("police@demo.test")
    response = submit(police)
    assert response.status_code == 302
    receipt = police.get(response.headers["Location"])
    text = page_text(receipt)
    assert "Notification received" in text
    assert "Case reference DEMO-2026-0001" in text
    assert "943 476 5919" in text and "SW1A 2AA" in text
    notification = db.session.scalar(select(Notification))
    assert notification.match_result is MatchResult.NEW
    assert notification.case.reference == "DEMO-2026-0001"
    assert notification.nhs_number == "9434765919"
    assert notification.circumstances == "Found unresponsive in cot in the morning."


def test_the_receipt_pdf_holds_exactly_what_was_submitted(make_browser):
    police = make_browser("police@demo.test")
    receipt_path = submit(police).headers["Location"]
    response = police.get(f"{receipt_path}/receipt.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "Testchild" not in response.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    for expected in (
        "DEMO-2026-0001",
        "Amelia Rose",
        "Testchild",
        "943 476 5919",
        "SW1A 2AA",
        "Found unresponsive in cot in the morning.",
        "Detective Sergeant",
        "OFFICIAL-SENSITIVE",
        "1 March 2026",
        "18 November 2026",
        "03:15",
    ):
        assert expected in text, expected
    downloads = select(AuditEvent).where(AuditEvent.action == AuditAction.RECEIPT_DOWNLOADED)
    assert db.session.scalar(downloads) is not None


def test_health_notifying_the_same_nhs_number_joins_the_same_case(make_browser):
    submit(make_browser("police@demo.test"))
    health = make_browser("health@demo.test")
    response = submit(health, notifier_name="Dr Alex Morgan")
    text = page_text(health.get(response.headers["Location"]))
    assert "Already notified" in text
    assert "DEMO-2026-0001" in text
    assert count(Case) == 1
    assert count(Notification) == 2
    case = db.session.scalar(select(Case))
    assert {n.organisation.name for n in notifications_of(case)} == {
        "Demo Constabulary",
        "Demo Hospitals NHS Trust",
    }


def test_coordinators_are_alerted_through_the_outbox_without_the_childs_name(make_browser):
    submit(make_browser("police@demo.test"))
    message = db.session.scalar(select(OutboxMessage))
    assert message.recipient_email == "coordinator@demo.test"
    assert "DEMO-2026-0001" in message.subject
    for identifying in ("Amelia", "Testchild", "9434765919", "SW1A", "Example Street"):
        assert identifying not in message.subject + message.body
    coordinator = make_browser("coordinator@demo.test")
    assert "New child death notification: DEMO-2026-0001" in page_text(
        coordinator.get("/dashboard")
    )


def test_same_dates_and_sex_without_nhs_number_is_flagged_as_a_possible_duplicate(make_browser):
    submit(make_browser("police@demo.test"))
    health = make_browser("health@demo.test")
    response = submit(health, nhs_number="", given_names="Amelia", family_name="Testchilde")
    assert "DEMO-2026-0002" in page_text(health.get(response.headers["Location"]))
    flagged = db.session.scalar(select(Case).where(Case.reference == "DEMO-2026-0002"))
    assert flagged.possible_duplicate_of.reference == "DEMO-2026-0001"
    assert notifications_of(flagged)[0].match_result is MatchResult.POSSIBLE_DUPLICATE


def test_two_different_nhs_numbers_are_never_flagged_as_duplicates(make_browser):
    submit(make_browser("police@demo.test"))
    submit(make_browser("health@demo.test"), nhs_number=OTHER_VALID_NHS_NUMBER)
    assert count(Case) == 2
    assert db.session.scalar(select(Case).where(Case.possible_duplicate_of_id.is_not(None))) is None


def test_control_characters_are_removed_before_storing(make_browser):
    response = submit(make_browser("police@demo.test"), circumstances="Found\x00 in\x07 cot\n.")
    assert response.status_code == 302
    assert db.session.scalar(select(Notification.circumstances)) == "Found in cot\n."


def test_the_form_is_prefilled_with_the_notifier_from_the_account(make_browser):
    page = make_browser("police@demo.test").get(NEW)
    assert "Demo Constabulary" in page_text(page)
    html = page.get_data(as_text=True)
    assert 'value="Sam Patel"' in html
    assert 'value="Detective Sergeant"' in html
    assert 'value="01632 960001"' in html


class TestBadInput:
    """Every bad input: a GOV.UK error summary, a message at the field, what was typed kept,
    and nothing stored."""

    def assert_refused(self, response, field_id: str, message: str):
        assert response.status_code == 400
        text = page_text(response)
        assert "There is a problem" in text
        targets = assert_error_summary_follows_the_page(response)
        assert field_id in targets or f"{field_id}-day" in targets, "the summary links to it"
        assert message in text
        assert count(Notification) == 0 and count(Case) == 0 and count(OutboxMessage) == 0

    def test_an_nhs_number_failing_the_check_names_the_field(self, police):
        response = submit(police, nhs_number="943 476 5918")
        self.assert_refused(response, "nhs_number", "NHS number is not valid")
        assert 'value="943 476 5918"' in response.get_data(as_text=True)
        assert 'value="Amelia Rose"' in response.get_data(as_text=True)

    def test_death_before_birth(self, police):
        response = submit(police, date_of_death=["28", "2", "2026"])
        self.assert_refused(response, "date_of_death", "Date of death must be the same as or after")

    def test_a_date_in_the_future(self, police):
        response = submit(police, date_of_death=["21", "11", "2026"])
        self.assert_refused(response, "date_of_death", "Date of death must be today or in the past")

    def test_a_child_aged_18_or_over(self, police):
        response = submit(police, date_of_birth=["18", "11", "2008"])
        self.assert_refused(response, "date_of_death", "before their 18th birthday")

    def test_a_postcode_that_is_not_a_uk_shape(self, police):
        response = submit(police, postcode="90210")
        self.assert_refused(response, "postcode", "Enter a real UK postcode")

    def test_text_over_the_limit(self, police):
        response = submit(police, circumstances="x" * 5001)
        self.assert_refused(
            response, "circumstances", "What happened must be 5,000 characters or fewer"
        )

    def test_an_impossible_date(self, police):
        response = submit(police, date_of_birth=["31", "2", "2026"])
        self.assert_refused(response, "date_of_birth", "Date of birth must be a real date")

    def test_a_date_missing_its_month(self, police):
        response = submit(police, date_of_birth=["1", "", "2026"])
        self.assert_refused(response, "date_of_birth", "Date of birth must include a month")

    def test_names_of_only_spaces_are_not_names(self, police):
        response = submit(police, given_names="   ", notifier_name="\t")
        self.assert_refused(response, "given_names", "Enter the child's given names")
        assert "Enter your name" in page_text(response)

    def test_an_empty_form_gives_every_fields_message(self, police):
        response = police.submit(NEW, {"area_id": form_data()["area_id"]})
        text = page_text(response)
        for message in (
            "Enter the child's given names",
            "Enter the child's family name",
            "Enter the child's date of birth",
            "Select the child's sex",
            "Choose the child's ethnic group",
            "Enter the child's home address",
            "Enter the postcode of the child's home address",
            "Enter the date of death",
            "Choose where the child died",
            "Select whether the death was expected",
            "Enter a summary of what happened",
        ):
            assert message in text, message
        assert count(Notification) == 0

    @pytest.mark.parametrize(
        "overrides",
        [
            {"date_of_birth": "1"},
            {"date_of_birth": ["1", "2", "3", "4"]},
            {"date_of_death": ["x", "y", "z"]},
            {"date_of_birth": ["1", "1", "99999999999999999999"]},
            {"sex": "alien"},
            {"ethnicity": "<script>"},
            {"agencies_involved": ["nonsense"]},
            {"area_id": "not-a-number"},
            {"area_id": "999"},
            {"time_of_death": "25:99"},
            {"nhs_number": "\x00943\x01"},
            {"given_names": "\u202e" * 200},
        ],
    )
    def test_malformed_input_never_gives_a_500(self, police, overrides):
        response = submit(police, **overrides)
        assert response.status_code == 400
        assert "There is a problem" in page_text(response)
        assert count(Notification) == 0

    def test_a_form_without_its_csrf_token_is_refused(self, police):
        response = police.post(NEW, data=form_data())
        assert response.status_code == 400
        assert count(Notification) == 0


def test_a_notifier_sees_only_their_own_organisations_receipts(make_browser):
    notification, _ = notify("police@demo.test")
    health = make_browser("health@demo.test")
    assert health.get(f"/notifications/{notification.id}").status_code == 404
    assert health.get(f"/notifications/{notification.id}/receipt.pdf").status_code == 404
    assert "Testchild" not in page_text(health.get("/notifications/"))
    police = make_browser("police@demo.test")
    assert "DEMO-2026-0001" in page_text(police.get("/notifications/"))


def test_notifiers_cannot_open_the_case_page(make_browser):
    _notification, outcome = notify("police@demo.test")
    police = make_browser("police@demo.test")
    assert police.get(f"/cases/{outcome.case.id}").status_code == 403
    assert police.get("/cases").status_code == 403


def test_submitting_is_audited_with_who_when_and_where(make_browser):
    submit(make_browser("police@demo.test"))
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.NOTIFICATION_SUBMITTED)
    )
    assert event.actor.email == "police@demo.test"
    assert event.ip_address == "127.0.0.1"
    assert event.details == {"match": "new", "case_reference": "DEMO-2026-0001"}
    assert event.occurred_at is not None


def test_nothing_identifying_reaches_the_application_log(make_browser, caplog):
    caplog.set_level("DEBUG")
    police = make_browser("police@demo.test")
    receipt = submit(police).headers["Location"]
    police.get(receipt)
    police.get(f"{receipt}/receipt.pdf")
    submit(police, nhs_number="943 476 5918")
    make_browser("coordinator@demo.test").get("/cases")
    logged = caplog.text
    for identifying in ("Amelia", "Testchild", "9434765919", "943 476 5918", "SW1A", "Example"):
        assert identifying not in logged


def test_a_time_of_death_the_form_wrote_back_is_accepted_again(make_browser):
    """07:15 came back as 07:15:00 and was then refused with WTForms' own words."""
    police = make_browser("police@demo.test")
    refused = submit(police, time_of_death="07:15", family_name="")
    assert refused.status_code == 400
    drawn = form_values(refused)
    assert drawn["time_of_death"] == "07:15"
    drawn["family_name"] = "Testchild"
    accepted = police.post(NEW, data={**drawn, "send": "1"})
    assert accepted.status_code == 302, page_text(accepted)
    assert db.session.scalar(select(Notification.time_of_death)).strftime("%H:%M") == "07:15"


class TestCheckYourAnswers:
    """A notification is irreversible and sensitive: the notifier sees what they are about to
    send, can change any part of it, and sends it from there."""

    def continue_from_the_form(self, police, **overrides):
        data = form_data(**overrides)
        data.pop("send")
        return police.submit(NEW, data)

    def test_the_form_leads_to_a_check_of_every_answer_and_nothing_is_sent_yet(self, police):
        check = self.continue_from_the_form(police, time_of_death="07:15")
        assert check.status_code == 200
        text = page_text(check)
        assert "Check your answers before sending the notification" in text
        for shown in ("Amelia Rose", "943 476 5919", "18 November 2026", "07:15", "Sam Patel"):
            assert shown in text
        assert count(Notification) == 0 and count(OutboxMessage) == 0

    def test_sending_from_the_check_page_sends_exactly_what_was_checked(self, police):
        check = self.continue_from_the_form(police, address="1 Example Street\nExampletown")
        sent = police.post(NEW, data={**form_values(check), "send": "1"})
        assert sent.status_code == 302
        notification = db.session.scalar(select(Notification))
        assert notification.address == "1 Example Street\nExampletown"
        assert notification.agencies_involved == ["gp", "health_visitor"]
        assert notification.time_of_death.strftime("%H:%M") == "03:15"

    def test_change_goes_back_to_the_form_as_typed(self, police):
        check = self.continue_from_the_form(police, given_names="Amelia Rose")
        back = police.post(NEW, data={**form_values(check), "change": "1"})
        assert back.status_code == 200
        assert "Notify the death of a child" in page_text(back)
        assert form_values(back)["given_names"] == "Amelia Rose"
        assert count(Notification) == 0


def test_the_same_form_sent_twice_makes_one_notification_and_one_alert(police):
    """A double click or a resubmitted page: the first receipt, nothing twice."""
    first = submit(police)
    again = submit(police)
    assert again.headers["Location"] == first.headers["Location"]
    assert count(Notification) == 1
    assert "You had already sent this notification" in page_text(
        police.get(again.headers["Location"])
    )
    alerts = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert alerts == len(active_coordinators())
    # Something different, or the same much later, is a notification of its own.
    assert (
        submit(police, circumstances="Found unresponsive; ambulance called.").headers["Location"]
        != first.headers["Location"]
    )


def test_a_possible_duplicate_is_told_the_coordinator_will_check(police, make_browser):
    submit(police, nhs_number="")
    health = make_browser("health@demo.test")
    receipt = health.get(submit(health, nhs_number="", given_names="Amy").headers["Location"])
    assert "the coordinator will check whether this is a child already notified" in (
        page_text(receipt).replace("The coordinator", "the coordinator")
    )
    first_receipt = police.get("/notifications/1")
    assert "coordinator will check" not in page_text(first_receipt)


def active_coordinators():
    from ecdop.auth.queries import active_coordinators_of
    from tests.factories import demo_area

    return active_coordinators_of(demo_area().id)


def test_the_same_form_sent_again_after_ten_minutes_is_a_notification_of_its_own(police, clock):
    from datetime import timedelta

    first = submit(police)
    clock.shift(timedelta(minutes=10, seconds=1))
    assert submit(police).headers["Location"] != first.headers["Location"]
    assert count(Notification) == 2
