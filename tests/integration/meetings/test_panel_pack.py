"""The panel pack is anonymised: identifiers planted in every source record never reach its
HTML, its PDF, or the page images a member would print."""

from __future__ import annotations

import io
import itertools
import json
import re
import shutil
import subprocess
from datetime import date

import pikepdf
import pytest
from pypdf import PdfReader

from ecdop.cases.services import apply_transition
from ecdop.cases.states import Stage
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused
from ecdop.meetings.extracts import PartKind, draft_extract, extract_parts
from ecdop.meetings.pack import pack_for, pack_html, pack_pdf
from ecdop.meetings.papers import confirm_extract, write_panel_summary
from ecdop.reporting_forms.definitions import CORE_FORM, definition_for
from ecdop.reporting_forms.queries import requests_of
from ecdop.review_meetings.services import (
    save_child_death_review_meeting,
    save_joint_agency_response,
)
from tests.factories import (
    CORE_ANSWERS,
    on_agenda,
    panel_meeting,
    requested_reports,
    submitted,
    triaged_case,
    user,
)
from tests.pdf_checks import structure_elements

pytestmark = pytest.mark.slow

GIVEN, FAMILY = "Quillon Fenwick", "Zanzibarova"
NHS_NUMBER = "9434765919"
ADDRESS = "42 Marigold Crescent\nWolverhampton"
POSTCODE = "WV10 9QX"
BORN = date(2019, 7, 14)

# Every way the planted details might show: none may appear in the pack.
FORBIDDEN = [
    "Quillon", "Fenwick", "Zanzibarova", "9434765919", "943 476 5919", "Marigold",
    "Wolverhampton", "WV10", "9QX", "14/07/2019", "14 July 2019", "2019-07-14",
    "Found unresponsive", "Sam Patel", "01632",
]  # fmt: skip


def planted_case():
    case = triaged_case(
        given_names=GIVEN, family_name=FAMILY, nhs_number=NHS_NUMBER, date_of_birth=BORN,
        address=ADDRESS, postcode=POSTCODE,
        circumstances=f"Found unresponsive at {ADDRESS}. {GIVEN} {FAMILY}, NHS {NHS_NUMBER}.",
    )  # fmt: skip
    [request] = requested_reports(case, "Demo Surgery")
    answers = {
        **CORE_ANSWERS,
        "involvement_summary": f"Quillon Zanzibarova (NHS 943 476 5919), born 14/07/2019, of "
        f"42 Marigold Crescent, Wolverhampton {POSTCODE}. Mum: call 07700 900123.",
        "child_history": "Seen 14 July 2019 at birth check. Asthma. Quillon's inhaler lapsed.",
        "first_contact_on": BORN.isoformat(),
    }
    submitted(request, answers)
    coordinator = user("coordinator@demo.test")
    attendees = [{"role": "Detective Sergeant", "organisation": "Demo Constabulary"}]
    save_joint_agency_response(case, dict(
        started_on=date(2026, 11, 18), joint_home_visit=True, home_visit_on=date(2026, 11, 18),
        information_sharing_meeting_on=None, attendees=attendees,
        summary="Visit to 42 Marigold Crescent. Zanzibarova family co-operative.",
        decisions="Refer to coroner."), expected_version=None, actor=coordinator)  # fmt: skip
    save_child_death_review_meeting(case, dict(
        held_on=date(2026, 11, 20), attendees=attendees,
        summary="Quillon, born 2019-07-14, died of acute asthma.", decisions="Panel."),
        expected_version=None, actor=coordinator)  # fmt: skip
    for stage in (Stage.AWAITING_CDRM, Stage.READY_FOR_PANEL):
        apply_transition(case, stage, actor=coordinator)
    db.session.commit()
    return case, request


@pytest.fixture
def planted_pack(demo):
    case, request = planted_case()
    meeting = panel_meeting()
    item = on_agenda(meeting, case)
    write_panel_summary(item, "A child with asthma died at home. Reviews had lapsed.",
                        actor=user("coordinator@demo.test"),
                        expected_version=item.version_id)  # fmt: skip
    # The coordinator confirms the draft exactly as ecdop proposed it.
    confirm_extract(request, draft_extract(request), actor=user("coordinator@demo.test"),
                    expected_version=None)  # fmt: skip
    db.session.commit()
    return case, pack_for(meeting)


def assert_anonymous(text: str) -> None:
    found = [word for word in FORBIDDEN if word.lower() in text.lower()]
    assert found == [], f"identifying details reached the pack: {found}"


def test_the_pack_html_holds_the_case_but_no_identifier(planted_pack):
    case, pack = planted_pack
    html = pack_html(pack)
    assert_anonymous(html)
    assert case.reference in html
    assert "7 years" in html  # age at death, not the date of birth
    assert "acute asthma" in html  # the CDRM summary, redacted, is there
    assert "[name]" in html and "[address]" in html


def test_the_pack_pdf_is_marked_numbered_and_anonymous(planted_pack):
    case, pack = planted_pack
    pdf = pack_pdf(pack)
    pages = [page.extract_text() for page in PdfReader(_as_file(pdf)).pages]
    text = "\n".join(pages)
    assert_anonymous(text)
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, 1))
    assert "Contents" in pages[0] and case.reference in pages[0]


def _as_file(pdf: bytes):
    import io

    return io.BytesIO(pdf)


PDFTOPPM, TESSERACT = shutil.which("pdftoppm"), shutil.which("tesseract")


@pytest.mark.skipif(
    not (PDFTOPPM and TESSERACT), reason="needs poppler-utils and tesseract-ocr (make installs)"
)
def test_the_printed_pages_show_no_identifier(planted_pack, tmp_path):
    """Render each page to PNG as a member's printer would see it, and read it back by OCR."""
    case, pack = planted_pack
    (tmp_path / "pack.pdf").write_bytes(pack_pdf(pack))
    # Our own files and the system's tools: nothing untrusted reaches these commands.
    render = [PDFTOPPM, "-png", "-r", "150", "pack.pdf", "page"]
    subprocess.run(render, cwd=tmp_path, check=True)  # noqa: S603
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) >= 2
    read = [
        subprocess.run(  # noqa: S603
            [TESSERACT, str(image), "-", "--psm", "3"], capture_output=True, text=True, check=True
        ).stdout
        for image in images
    ]
    text = "\n".join(read)
    # OCR reads what is on the page: the reference and the marking prove it is reading.
    assert re.search(re.escape(case.reference).replace(r"\-", "[-–]"), text)
    assert "OFFICIAL-SENSITIVE" in text.replace("—", "-")
    assert_anonymous(text)


def test_an_extract_still_naming_the_child_is_refused(planted_pack):
    case, _pack = planted_pack
    [request] = requests_of(case)
    with pytest.raises(ChangeRefused, match="may identify the child: “Quillon” \\(a name\\)"):
        confirm_extract(request, "Quillon's asthma was poorly controlled.",
                        actor=user("coordinator@demo.test"), expected_version=1)  # fmt: skip


def test_an_extract_keeps_its_forms_headings_and_sets_questions_apart_from_answers(planted_pack):
    _case, pack = planted_pack
    [extract] = pack.cases[0].extracts
    sections = definition_for(CORE_FORM).sections
    headings = [part.text for part in extract.parts if part.kind is PartKind.HEADING]
    assert headings and set(headings) <= {section.title for section in sections}
    questions = {question.label for section in sections for question in section.questions}
    after = dict.fromkeys(PartKind, set())
    for earlier, later in itertools.pairwise(extract.parts):
        after[earlier.kind] = after[earlier.kind] | {later.kind}
        if later.kind is PartKind.QUESTION:
            assert later.text in questions
    # Each heading leads to a question, and each question to the agency's answer.
    assert after[PartKind.HEADING] == {PartKind.QUESTION}
    assert after[PartKind.QUESTION] == {PartKind.ANSWER}
    assert "[name]" in " ".join(p.text for p in extract.parts if p.kind is PartKind.ANSWER)

    # In the PDF, the form's headings are headings in the structure a screen reader follows.
    document = pikepdf.open(io.BytesIO(pack_pdf(pack)))
    elements = structure_elements(document.Root.StructTreeRoot)
    assert sum(element.S == pikepdf.Name.H5 for element in elements) == len(headings)


def test_a_coordinators_own_lines_in_an_extract_stay_answers():
    text = (
        "YOUR AGENCY'S INVOLVEMENT\nSeen by the GP.\n\n"
        "Your agency's involvement\nMore, in my words."
    )
    parts = extract_parts(text, CORE_FORM)
    assert [part.kind for part in parts] == [PartKind.HEADING, PartKind.ANSWER] * 2
    assert parts[1].text == "Seen by the GP."


def test_the_audit_trail_carries_none_of_the_childs_details(planted_pack):
    """The trail outlives every retention period: from notification to the pack, its events
    name the case by reference, never the child."""
    from sqlalchemy import select

    from ecdop.audit.models import AuditEvent

    events = db.session.scalars(select(AuditEvent)).all()
    assert len(events) > 10
    assert_anonymous("\n".join(json.dumps(event.details, ensure_ascii=False) for event in events))
