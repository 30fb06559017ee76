"""The anonymised case pack for a panel meeting: what each member reads before it.

Per case: the reference, age at death, sex, whether the death was expected, the kind of place
it happened, the coordinator's panel summary, the confirmed extracts of agency reports and of
the documents kept with the case, the JAR and CDRM summaries, and the family's questions with
whether each was answered. Nothing is
taken from the notifications' own text, and every piece of free text passes through the
redaction again on the way in, so an identifier typed after the coordinator's check still
does not reach the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from ecdop.cases.models import Case
from ecdop.foundation.db import utc_now
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.pdf import render_pdf
from ecdop.meetings.anonymise import Identifiers, age_at_death, identifiers_of, redact
from ecdop.meetings.extracts import ExtractPart, PartKind, extract_parts, lines_ecdop_writes
from ecdop.meetings.hooks import documents_for_the_panel, questions_for_the_panel
from ecdop.meetings.models import AgendaItem, PanelMeeting
from ecdop.meetings.queries import (
    PANEL_SUMMARY_TEXT,
    agenda_of,
    extract_text_key,
    reports_for_pack,
    words_not_identifying,
)
from ecdop.reporting_forms.definitions import definition_for
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse
from ecdop.review_meetings.queries import record_for


@dataclass(frozen=True)
class PackExtract:
    title: str
    parts: tuple[ExtractPart, ...]  # the form's headings and questions, the agency's answers


@dataclass(frozen=True)
class PackQuestion:
    question: str  # redacted
    answered: bool


@dataclass(frozen=True)
class PackCase:
    case_id: int  # for the audit trail; never printed
    number: int
    reference: str
    age_at_death: str
    sex: str
    expectation: str
    place_of_death: str
    summary: str
    extracts: tuple[PackExtract, ...]
    reports_not_confirmed: int
    jar_summary: str | None
    cdrm_summary: str | None
    family_questions: tuple[PackQuestion, ...] = ()
    document_extracts: tuple[PackExtract, ...] = ()


@dataclass(frozen=True)
class Pack:
    meeting: PanelMeeting
    cases: tuple[PackCase, ...]
    produced_on: str

    @property
    def title(self) -> str:
        return f"{self.meeting.panel_type.label} meeting, {self.meeting.held_on:%-d %B %Y}"


def pack_for(meeting: PanelMeeting) -> Pack:
    cases = tuple(pack_case(item, number) for number, item in enumerate(agenda_of(meeting), 1))
    return Pack(meeting, cases, f"{uk_calendar_date(utc_now()):%-d %B %Y}")


def pack_case(item: AgendaItem, number: int = 1) -> PackCase:
    """One case as the pack shows it (also the header of the analysis page)."""
    case = item.case
    identifiers = identifiers_of(case)
    extracts, unconfirmed = _confirmed_extracts(case, identifiers)
    return PackCase(
        case_id=case.id,
        number=number,
        reference=case.reference,
        age_at_death=age_at_death(case.date_of_birth, case.date_of_death),
        sex=case.sex.label,
        expectation=case.expectation.label,
        place_of_death=case.place_of_death.label,
        summary=_clean(
            item.panel_summary,
            identifiers,
            not_identifiers=words_not_identifying(case.id, PANEL_SUMMARY_TEXT),
        ),
        extracts=extracts,
        reports_not_confirmed=unconfirmed,
        jar_summary=_meeting_summary(JointAgencyResponse, case, identifiers),
        cdrm_summary=_meeting_summary(ChildDeathReviewMeeting, case, identifiers),
        family_questions=_family_questions(case, identifiers),
        document_extracts=_document_extracts(case, identifiers),
    )


def _clean(
    text: str,
    identifiers: Identifiers,
    *,
    not_identifiers: frozenset[str] = frozenset(),
    written_by_ecdop: frozenset[str] = frozenset(),
) -> str:
    """The text redacted once more on its way into the pack, keeping the words a coordinator
    confirmed are not identifiers in it, and ecdop's own headings and questions."""
    return redact(
        text, identifiers, not_identifiers=not_identifiers, written_by_ecdop=written_by_ecdop
    )[0]


def _confirmed_extracts(
    case: Case, identifiers: Identifiers
) -> tuple[tuple[PackExtract, ...], int]:
    """The confirmed extracts, and how many submitted reports have none yet."""
    extracts, unconfirmed = [], 0
    for request, extract in reports_for_pack(case):
        if extract is None or not extract.confirmed:
            unconfirmed += 1
            continue
        # The kind of agency, not its name: a named school or surgery can point to a child.
        title = f"{definition_for(request.form_type).title}: {request.organisation.kind.label}"
        text = _clean(
            extract.text,
            identifiers,
            not_identifiers=words_not_identifying(case.id, extract_text_key(request)),
            written_by_ecdop=lines_ecdop_writes(request.form_type),
        )
        extracts.append(PackExtract(title, extract_parts(text, request.form_type)))
    return tuple(extracts), unconfirmed


def _document_extracts(case: Case, identifiers: Identifiers) -> tuple[PackExtract, ...]:
    """The coordinator's confirmed extracts of the documents kept with the case, redacted once
    more: the documents themselves never reach the pack."""
    return tuple(
        PackExtract(paper.what, (ExtractPart(PartKind.ANSWER, _clean(
            paper.extract, identifiers,
            not_identifiers=words_not_identifying(case.id, paper.text_key))),))
        for answer in documents_for_the_panel(case)
        for paper in answer
        if paper.extract
    )  # fmt: skip


def _family_questions(case: Case, identifiers: Identifiers) -> tuple[PackQuestion, ...]:
    """The family's questions in their words, redacted as every extract is: the pack never
    carries the family's names or how to reach them."""
    return tuple(
        PackQuestion(_clean(asked.question, identifiers), asked.answered)
        for answer in questions_for_the_panel(case)
        for asked in answer
    )


def _meeting_summary(record_class, case: Case, identifiers: Identifiers) -> str | None:
    record = record_for(record_class, case)
    return _clean(record.summary, identifiers) if record is not None else None


def pack_html(pack: Pack) -> str:
    return render_template("reports/panel_pack.html", pack=pack)


def pack_pdf(pack: Pack) -> bytes:
    return render_pdf(pack_html(pack))
