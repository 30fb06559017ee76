"""The panel papers' identifier check: it names each word it refuses and where, never flags
ecdop's own words, leaves ordinary words that are also parts of the child's name alone, and
keeps a word the coordinator confirms is not an identifier in that text."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.foundation.extensions import db
from ecdop.meetings.anonymise import find_identifiers, identifiers_of
from ecdop.meetings.extracts import draft_extract
from ecdop.meetings.models import ReportExtract, WordNotIdentifying
from ecdop.meetings.pack import pack_for, pack_html
from ecdop.meetings.papers import IdentifiersFound, write_panel_summary
from ecdop.reporting_forms.queries import requests_of
from tests.factories import (
    CORE_ANSWERS,
    on_agenda,
    panel_meeting,
    ready_for_panel_case,
    user,
)
from tests.helpers import page_text

COORDINATOR = "coordinator@demo.test"


def case_named(given: str, family: str, **answers):
    """A case ready for panel whose GP report says ``answers``, on a meeting's agenda."""
    case = ready_for_panel_case(
        given_names=given, family_name=family, nhs_number=None,
        date_of_birth=date(2015, 6, 2), circumstances="Collapsed at home.",
        address="7 Orchard Way\nLittleton",
    )  # fmt: skip
    [request] = requests_of(case)
    request.answers = {**CORE_ANSWERS, **answers}
    db.session.commit()
    item = on_agenda(panel_meeting(), case)
    return case, request, item


def found(text: str, case) -> list[tuple[str, bool]]:
    return [(f.written, f.certain) for f in find_identifiers(text, identifiers_of(case))]


def test_a_name_made_of_common_words_leaves_the_words_alone(demo):
    case, request, _item = case_named("Rose", "Hill-Brook")
    text = (
        "Her temperature rose overnight. The family live at the top of a hill by a brook.\n"
        "Rose was seen by the GP on Monday; later Rose's mother called. ROSE HILL-BROOK."
    )
    # In lower case they are the words; capitalised mid-sentence, the name; at the start of a
    # sentence, perhaps the name: found, but not replaced, for the coordinator to judge.
    assert found(text, case) == [
        ("Rose", False), ("Rose", True), ("ROSE HILL-BROOK", True),
    ]  # fmt: skip


def test_the_draft_extract_keeps_ordinary_words_and_takes_the_name_out(demo):
    case, request, _item = case_named(
        "Rose", "Hill-Brook",
        child_history="Her temperature rose overnight. Seen at home, up a hill, by Dr Lee; "
        "the GP thought Rose was improving.",
    )  # fmt: skip
    draft = draft_extract(request)
    assert "Her temperature rose overnight" in draft and "up a hill" in draft
    assert "the GP thought [name] was improving" in draft


@pytest.mark.parametrize(
    ("given", "family", "text", "expected"),
    [
        # One letter: an initial, never the word "a" or "I".
        ("A", "Li", "A nurse saw a child. I think Li was calm; lithium.",
         [("Li", True)]),
        # Two letters that are also a word: only where written as a name.
        ("An", "Ng", "An ambulance took an hour. Nurses said An was asleep; NG tube in.",
         [("An", False), ("An", True), ("NG", True)]),
        # Names that are also place names.
        ("Chester", "Bath", "Taken to Chester Royal Infirmary. She had a bath. Moved from Bath.",
         [("Chester", True), ("Bath", True)]),
    ],
)  # fmt: skip
def test_short_names_and_place_names(demo, given, family, text, expected):
    case, _request, _item = case_named(given, family)
    assert found(text, case) == expected


def test_the_refusal_names_each_word_and_where_it_is(demo, make_browser):
    case, _request, item = case_named("Rose", "Hill-Brook")
    coordinator = make_browser(COORDINATOR)
    summary = "A child with asthma.\nHer temperature rose; Rose's inhaler had run out."
    response = coordinator.submit(
        f"/agenda-items/{item.id}/papers", {"panel_summary": summary, "version": item.version_id}
    )
    assert response.status_code == 400
    page = page_text(response)
    assert "may identify the child: “Rose” (a name) in line 2" in page
    # page_text puts a space where the word's highlight begins and ends.
    assert "Line 2: a name, in “Her temperature rose; Rose 's inhaler had run out.”" in page
    assert "“Rose” is not an identifier in this text" in page
    db.session.refresh(item)
    assert item.panel_summary == ""


def test_ecdops_own_questions_and_headings_are_never_flagged(demo, make_browser):
    # "Service provision" is one of the form's questions, and a family name.
    case, request, item = case_named("Jordan", "Service")
    coordinator = make_browser(COORDINATOR)
    path = f"/agenda-items/{item.id}/extracts/{request.id}"
    draft = draft_extract(request)
    assert "Service provision" in draft
    response = coordinator.submit(path, {"text": draft, "version": ""})
    assert response.status_code == 302, page_text(response)
    # The coordinator's own words are still checked.
    [extract] = db.session.scalars(select(ReportExtract)).all()
    added = draft + "\nThe GP spoke to Mr Service."
    refused = coordinator.submit(path, {"text": added, "version": str(extract.version_id)})
    assert refused.status_code == 400
    assert "“Service” (a name) in line" in page_text(refused)


def test_a_confirmed_word_is_audited_and_kept_in_the_pack(demo, make_browser):
    case, request, item = case_named("Chester", "Bath")
    coordinator = make_browser(COORDINATOR)
    path = f"/agenda-items/{item.id}/extracts/{request.id}"
    text = "Seen at Chester Royal Infirmary in March. Moved from Bath. Referred by the GP."
    refused = coordinator.submit(path, {"text": text, "version": ""})
    assert refused.status_code == 400
    # Chester here is the hospital's town, not the child: the coordinator says so. Bath is left.
    still = coordinator.submit(path, {"text": text, "version": "", "not_identifiers": "chester"})
    assert still.status_code == 400
    assert (
        "“Bath” (a name)" in page_text(still)
        and "“Chester”" not in page_text(still).split("Line")[0]
    )
    assert db.session.scalars(select(WordNotIdentifying)).all() == []  # nothing half-way
    fixed = text.replace(" Moved from Bath.", " Moved from another town.")
    response = coordinator.submit(
        path, {"text": fixed, "version": "", "not_identifiers": ["chester"]}
    )
    assert response.status_code == 302
    [confirmation] = db.session.scalars(select(WordNotIdentifying)).all()
    assert (confirmation.word, confirmation.text_key) == ("chester", f"extract:{request.id}")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.WORD_CONFIRMED_NOT_IDENTIFYING)
    )
    assert event.case_id == case.id and event.actor.email == COORDINATOR
    assert "chester" not in str(event.details).lower()
    html = pack_html(pack_for(item.meeting))
    assert "Seen at Chester Royal Infirmary" in html
    # The confirmation holds for that text only: the summary still may not say it.
    with pytest.raises(IdentifiersFound, match="“Chester” \\(a name\\)"):
        write_panel_summary(item, "Chester had asthma.", actor=user(COORDINATOR),
                            expected_version=item.version_id)  # fmt: skip


def test_the_childs_nhs_number_and_dates_cannot_be_confirmed_away(demo, make_browser):
    case, request, item = case_named("Chester", "Bath")
    coordinator = make_browser(COORDINATOR)
    path = f"/agenda-items/{item.id}/papers"
    response = coordinator.submit(
        path, {"panel_summary": "Born on 2 June 2015.", "version": item.version_id,
               "not_identifiers": ["2 june 2015"]},
    )  # fmt: skip
    assert response.status_code == 400
    assert "“2 June 2015” is not an identifier" not in page_text(response)
    assert "or confirm" not in page_text(response)
    assert db.session.scalars(select(WordNotIdentifying)).all() == []


def test_a_name_that_is_not_the_childs_is_asked_about_and_can_be_confirmed(demo, make_browser):
    case, request, item = case_named("Rose", "Hill-Brook")
    coordinator = make_browser(COORDINATOR)
    path = f"/agenda-items/{item.id}/extracts/{request.id}"
    # Kayden, a brother, is no word at all; Monday, the GP and NHS are not names.
    text = "Seen on Monday by the GP.\nHer brother Kayden was at home. NHS 111 was called."
    refused = coordinator.submit(path, {"text": text, "version": ""})
    assert refused.status_code == 400
    page = page_text(refused)
    assert "may identify the child: “Kayden” (perhaps someone else's name) in line 2" in page
    assert "“Kayden” is not an identifier in this text" in page  # offered to confirm
    assert "Line 2: perhaps someone else's name, in “Her brother Kayden" in page
    assert db.session.scalars(select(ReportExtract)).all() == []
    # Never put in place of the word by itself: only the coordinator decides.
    assert "Kayden" in pack_text_of(text, case)

    kept = coordinator.submit(path, {"text": text, "version": "", "not_identifiers": "kayden"})
    assert kept.status_code == 302, page_text(kept)
    [confirmation] = db.session.scalars(select(WordNotIdentifying)).all()
    assert confirmation.word == "kayden"
    assert "Her brother Kayden was at home" in pack_html(pack_for(item.meeting))


def pack_text_of(text: str, case) -> str:
    from ecdop.meetings.anonymise import redact

    return redact(text, identifiers_of(case))[0]
