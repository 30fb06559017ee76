"""The family's letters: written from their templates, edited, made as PDFs the family can
read (large print where asked, a note of their language), recorded in the contact log and
kept with their SHA-256."""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from ecdop.deadlines.models import DeadlineState
from ecdop.deadlines.rules import DeadlineKind
from ecdop.family.models import ContactLogEntry, FamilyContact, FamilyLetter
from ecdop.foundation.extensions import db
from tests.deadline_helpers import deadline
from tests.factories import triaged_case, user
from tests.helpers import audit_events, error_summary_targets, form_values, page_text
from tests.pdf_checks import accessibility_problems

pytestmark = pytest.mark.slow

KEY_WORKER = "keyworker@demo.test"
PARENT = {
    "full_name": "Morgan Delacroix-Finch", "relationship_to_child": "mother",
    "phone": "07700 900461", "address": "14 Larkspur Row\nDemoton DM1 4QX",
    "preferred_method": "letter", "language": "", "interpreter_needed": "no",
    "do_not_contact": "no",
}  # fmt: skip


@pytest.fixture
def key_worker(make_browser):
    return make_browser(KEY_WORKER)


@pytest.fixture
def case(app, demo, make_browser):
    case = triaged_case()
    make_browser("coordinator@demo.test").submit(
        f"/cases/{case.id}/key-worker", {"key_worker_id": str(user(KEY_WORKER).id)}
    )
    return case


def add_parent(browser, case, **changes) -> FamilyContact:
    assert browser.submit(f"/cases/{case.id}/family/contacts/new",
                          PARENT | changes).status_code == 302  # fmt: skip
    return db.session.scalars(select(FamilyContact).order_by(FamilyContact.id.desc())).first()


def make_letter(browser, case, contact, kind: str, wording: str | None = None):
    path = f"/cases/{case.id}/family/contacts/{contact.id}/letters/{kind}"
    drawn = form_values(browser.get(path))
    if wording is not None:
        drawn["wording"] = wording
    return browser.post(path, data=drawn | {"make": "Make the letter (PDF)"})


def sent_pdf(browser, case) -> bytes:
    letter = db.session.scalars(select(FamilyLetter).order_by(FamilyLetter.id.desc())).first()
    response = browser.get(f"/cases/{case.id}/family/letters/{letter.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.get_data()


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
                    .split())  # fmt: skip


def body_font_size(pdf: bytes) -> float:
    """The size most of the letter's characters are set in: its body text."""
    sizes: Counter[float] = Counter()

    def visit(text, cm, tm, font, size):
        sizes[round(size * tm[0] * cm[0], 1)] += len(text.strip())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def test_the_introduction_letter_gives_the_key_worker_and_is_kept_with_its_hash(case, key_worker):
    parent = add_parent(key_worker, case)
    response = make_letter(key_worker, case, parent, "introduction")
    assert response.status_code == 302

    pdf = sent_pdf(key_worker, case)
    text = pdf_text(pdf)
    assert "Dear Morgan Delacroix-Finch" in text and "14 Larkspur Row, Demoton DM1 4QX" in text
    assert "My name is Robin Ahmed. I am your key worker." in text
    assert "01632 960010" in text and "keyworker@demo.test" in text
    assert "Child Death Review Meeting (CDRM)" in text
    assert "Child Death Overview Panel (CDOP)" in text
    assert accessibility_problems(pdf) == []
    letter = db.session.scalar(select(FamilyLetter))
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    assert "Delacroix" not in letter.filename
    entry = db.session.get(ContactLogEntry, letter.log_entry_id)
    assert entry.method.value == "letter" and entry.told_about_review and entry.leaflet_given
    assert deadline(case, DeadlineKind.FAMILY_TOLD).state is DeadlineState.MET
    downloads = [e for e in audit_events() if e.details.get("download") == "family letter"]
    assert len(downloads) == 1 and downloads[0].case_id == case.id


def test_a_parent_who_asked_for_large_print_and_polish_gets_both(case, key_worker):
    parent = add_parent(key_worker, case, accessible_formats=["large_print"], language="Polish",
                        interpreter_needed="yes")  # fmt: skip
    make_letter(key_worker, case, parent, "cdrm_invitation")
    pdf = sent_pdf(key_worker, case)
    text = pdf_text(pdf)
    assert "You told us you would like to use Polish. We will book an interpreter" in text
    assert body_font_size(pdf) >= 16  # RNIB's large print

    standard = add_parent(key_worker, case, full_name="Sam Finch", relationship_to_child="father")
    make_letter(key_worker, case, standard, "cdrm_invitation")
    assert body_font_size(sent_pdf(key_worker, case)) == 12


def test_edited_wording_is_what_the_family_receive(case, key_worker):
    parent = add_parent(key_worker, case)
    make_letter(
        key_worker, case, parent, "introduction", "Dear Morgan,\n\nI will ring you on Monday."
    )
    text = pdf_text(sent_pdf(key_worker, case))
    assert "I will ring you on Monday." in text and "I am so sorry" not in text


def test_the_outcome_letter_is_refused_until_its_findings_are_written(case, key_worker):
    parent = add_parent(key_worker, case)
    response = make_letter(key_worker, case, parent, "outcome")
    assert response.status_code == 400
    assert error_summary_targets(response) == ["wording"]
    assert "Replace the words in square brackets" in page_text(response)
    assert db.session.scalar(select(FamilyLetter)) is None
    assert db.session.scalar(select(ContactLogEntry)) is None


def test_no_letter_goes_to_a_parent_who_asked_not_to_be_contacted(case, key_worker):
    parent = add_parent(key_worker, case, do_not_contact="yes",
                        do_not_contact_reason="Through the hospital")  # fmt: skip
    response = make_letter(key_worker, case, parent, "introduction")
    assert response.status_code == 400
    assert "asked not to be contacted" in page_text(response)
    assert db.session.scalar(select(FamilyLetter)) is None


def test_a_preview_shows_the_wording_and_stores_nothing(case, key_worker):
    parent = add_parent(key_worker, case)
    path = f"/cases/{case.id}/family/contacts/{parent.id}/letters/introduction"
    drawn = form_values(key_worker.get(path)) | {"wording": "Dear Morgan,\n\nA new line."}
    response = key_worker.post(path, data=drawn | {"preview": "Preview the letter"})
    assert response.status_code == 200 and "A new line." in page_text(response)
    assert db.session.scalar(select(FamilyLetter)) is None


@pytest.mark.parametrize("kind", ["introduction", "cdrm_invitation", "outcome"])
def test_each_letters_wording_is_plain(case, key_worker, kind):
    """GOV.UK writes for a reading age of 9 to 11: short sentences, and each abbreviation
    spelt out where it first appears."""
    parent = add_parent(key_worker, case)
    path = f"/cases/{case.id}/family/contacts/{parent.id}/letters/{kind}"
    wording = form_values(key_worker.get(path))["wording"]
    sentences = [s for s in re.split(r"(?<=[.?!:\]])\s+", wording) if s.strip()]
    longest = max(len(sentence.split()) for sentence in sentences)
    assert longest <= 25, max(sentences, key=lambda s: len(s.split()))
    assert sum(len(s.split()) for s in sentences) / len(sentences) <= 15
    for short, long in (
        ("CDRM", "Child Death Review Meeting"),
        ("CDOP", "Child Death Overview Panel"),
    ):
        if short in wording:
            assert wording.index(f"{long} ({short})") < wording.index(short) + len(short)


@pytest.mark.parametrize("kind", ["introduction", "cdrm_invitation", "outcome"])
def test_every_kind_of_letter_is_an_accessible_tagged_pdf(case, key_worker, kind):
    parent = add_parent(key_worker, case, accessible_formats=["large_print"])
    path = f"/cases/{case.id}/family/contacts/{parent.id}/letters/{kind}"
    wording = form_values(key_worker.get(path))["wording"]
    wording = re.sub(r"\[Write here[^\]]*\]", "The review found what we told you.", wording)
    assert make_letter(key_worker, case, parent, kind, wording).status_code == 302
    assert accessibility_problems(sent_pdf(key_worker, case)) == []
