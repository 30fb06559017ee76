"""Each area's retention rules: set by an administrator, each change audited, and confirmed
before anything is purged; the record of processing built from the models."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.foundation.extensions import db
from ecdop.retention.models import AreaRetentionRule, RetentionConfirmation
from tests.factories import demo_area
from tests.helpers import error_summary_targets, page_text


@pytest.fixture
def admin(app, demo, make_browser):
    return make_browser("admin@demo.test")


def events(action: AuditAction) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_defaults_stand_until_an_administrator_confirms_them(admin):
    area = demo_area()
    page = page_text(admin.get(f"/admin/areas/{area.id}/retention"))
    assert "The child's case: identifying details" in page
    assert "10 years after the review was closed" in page
    assert "Not confirmed: nothing of" in page
    assert "Retention rules for" in page_text(admin.get(f"/admin/areas/{area.id}"))

    assert admin.submit(f"/admin/areas/{area.id}/retention", {}).status_code == 302
    assert db.session.get(RetentionConfirmation, area.id) is not None
    assert "Confirmed by Ash Taylor" in page_text(admin.get(f"/admin/areas/{area.id}/retention"))
    [confirmed] = events(AuditAction.RETENTION_RULES_CONFIRMED)
    family = "The family's part: parents and carers, contact log, questions, letters"
    assert confirmed.details["rules"][family] == "10 years after the review was closed, then erased"


def test_a_changed_rule_is_audited_and_must_be_confirmed_again(admin):
    area = demo_area()
    admin.submit(f"/admin/areas/{area.id}/retention", {})
    path = f"/admin/areas/{area.id}/retention/case"
    changed = admin.submit(path, {"years": "25", "trigger": "eighteenth_birthday",
                                  "outcome": "deidentify"})  # fmt: skip
    assert changed.status_code == 302
    rule = db.session.scalar(select(AreaRetentionRule))
    assert (rule.years, rule.trigger.value) == (25, "eighteenth_birthday")
    assert db.session.get(RetentionConfirmation, area.id) is None
    [event] = events(AuditAction.RETENTION_RULE_CHANGED)
    assert event.details["from"] == "10 years after the review was closed, then de-identified"
    assert event.details["to"] == "25 years after the child's 18th birthday, then de-identified"
    assert "Not confirmed" in page_text(admin.get(f"/admin/areas/{area.id}/retention"))


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"years": "0", "trigger": "review_closed", "outcome": "deidentify"}, "years"),
        ({"years": "ten", "trigger": "review_closed", "outcome": "deidentify"}, "years"),
        ({"years": "10", "trigger": "", "outcome": "deidentify"}, "trigger"),
        ({"years": "10", "trigger": "review_closed", "outcome": "erase"}, "outcome"),
        ({"years": "10", "trigger": "review_closed", "outcome": "deidentify"}, "years"),
    ],
    ids=["no-years", "not-a-number", "no-trigger", "a-case-is-never-erased", "unchanged"],
)
def test_a_rule_that_cannot_be_is_refused_at_its_field(admin, form, field):
    area = demo_area()
    response = admin.submit(f"/admin/areas/{area.id}/retention/case", form)
    assert response.status_code == 400
    assert error_summary_targets(response)[0].startswith(field)
    assert db.session.scalar(select(AreaRetentionRule)) is None


def test_the_record_of_processing_lists_every_table_with_personal_data(admin):
    from ecdop.foundation.personal_data import personal_columns

    response = admin.get("/admin/record-of-processing")
    text = page_text(response)
    html = response.get_data(as_text=True)
    for column in personal_columns(db.metadata):
        assert f'id="processing-{column.table.name}-' in html, column.table.name
    assert "The child who died" in text and "A parent, carer or other family member" in text
    assert "Children Act 2004" in text and "Article 9(2)(h)" in text
    # Who may read the family's contacts, from the authorisation table.
    family = html[html.index('id="processing-family_contacts-family"') :]
    family = family[: family.index("</dl>")]
    assert "Key worker" in family and "CDOP coordinator" in family and "Panel member" not in family
    assert events(AuditAction.RECORD_OF_PROCESSING_VIEWED)


@pytest.mark.parametrize("email", ["coordinator@demo.test", "panel@demo.test", "board@demo.test",
                                   "gp@demo.test"])  # fmt: skip
def test_only_administrators_reach_retention(app, demo, make_browser, email):
    browser = make_browser(email)
    area = demo_area()
    for path in (f"/admin/areas/{area.id}/retention", f"/admin/areas/{area.id}/retention/case",
                 "/admin/record-of-processing"):  # fmt: skip
        assert browser.get(path).status_code == 403, path
