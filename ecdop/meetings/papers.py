"""Preparing the panel's papers: the coordinator's summary and the confirmed extracts of
agency reports, each checked for what identifies the child, naming each word and where it is."""

from __future__ import annotations

from collections.abc import Collection

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.cases.states import refuse_if_closed
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, check_version
from ecdop.meetings.anonymise import Finding, find_identifiers, identifiers_of, normalised
from ecdop.meetings.extracts import lines_ecdop_writes
from ecdop.meetings.models import AgendaItem, ReportExtract, WordNotIdentifying
from ecdop.meetings.queries import (
    PANEL_SUMMARY_TEXT,
    extract_of,
    extract_text_key,
    words_not_identifying,
)
from ecdop.reporting_forms.models import ReportingRequest


class IdentifiersFound(ChangeRefused):
    """The check found what identifies, or may identify, the child: each place is named, and
    the words a coordinator may confirm are not identifiers here are offered."""

    def __init__(self, what: str, findings: list[Finding], field: str):
        places = "; ".join(
            f"\u201c{finding.written}\u201d ({finding.what}) in line {finding.line}"
            for finding in findings[:MOST_PLACES_NAMED]
        )
        more = len(findings) - MOST_PLACES_NAMED
        if more > 0:
            places += f"; and {more} more"
        self.findings = findings
        advice = (
            "take each out, or confirm that a word is not an identifier in this text"
            if self.words_to_confirm
            else "take each out"
        )
        super().__init__(
            f"The {what} may identify the child: {places}. Panel papers are anonymised: {advice}.",
            field,
        )

    @property
    def words_to_confirm(self) -> list[tuple[str, str]]:
        """(word, as written) of each word a coordinator may confirm, once each."""
        words = {f.word: f.written for f in self.findings if f.confirmable}
        return list(words.items())


MOST_PLACES_NAMED = 10


def check_panel_text(
    text: str,
    case: Case,
    *,
    text_key: str,
    field: str,
    what: str,
    not_identifiers: Collection[str],
    actor: User,
    written_by_ecdop: frozenset[str] = frozenset(),
) -> None:
    """Refuse a text that identifies the child, naming each word and where it is; words the
    coordinator now confirms are not identifiers here are kept, and the confirmation audited."""
    confirmed = words_not_identifying(case.id, text_key)
    findings = find_identifiers(
        text, identifiers_of(case), written_by_ecdop=written_by_ecdop, not_identifiers=confirmed
    )
    offered = {finding.word for finding in findings if finding.confirmable}
    confirming = offered & {normalised(word) for word in not_identifiers}
    remaining = [finding for finding in findings if finding.word not in confirming]
    if remaining:
        raise IdentifiersFound(what, remaining, field)
    for word in sorted(confirming):
        _confirm_not_identifying(case, text_key, word, actor)


def _confirm_not_identifying(case: Case, text_key: str, word: str, actor: User) -> None:
    confirmation = WordNotIdentifying(
        case_id=case.id, text_key=text_key, word=word, confirmed_by_id=actor.id
    )
    db.session.add(confirmation)
    db.session.flush()
    # The word itself stays in the confirmation, which only the case's readers see.
    record_event(AuditAction.WORD_CONFIRMED_NOT_IDENTIFYING, case_id=case.id,
                 subject=confirmation, details={"text": text_key})  # fmt: skip


def write_panel_summary(
    item: AgendaItem,
    summary: str,
    *,
    actor: User,
    expected_version: int | None,
    not_identifiers: Collection[str] = (),
) -> None:
    check_version(item, expected_version, "panel_summary")
    case = item.case
    refuse_if_closed(case, "panel_summary")
    if item.left_agenda_at is not None:
        raise ChangeRefused("This case has left this meeting's agenda", "panel_summary")
    if not summary.strip():
        raise ChangeRefused("Enter the panel summary", "panel_summary")
    check_panel_text(summary, case, text_key=PANEL_SUMMARY_TEXT, field="panel_summary",
                     what="summary", not_identifiers=not_identifiers, actor=actor)  # fmt: skip
    item.panel_summary = summary.strip()
    db.session.flush()
    record_event(AuditAction.PANEL_SUMMARY_WRITTEN, case_id=case.id, subject=item)


def confirm_extract(
    request: ReportingRequest,
    text: str,
    *,
    actor: User,
    expected_version: int | None,
    not_identifiers: Collection[str] = (),
) -> ReportExtract:
    """The coordinator has read the extract and confirms it is fit for the panel pack."""
    case = request.case
    refuse_if_closed(case, "text")
    extract = extract_of(request)
    if extract is not None:
        check_version(extract, expected_version, "text")
    if not text.strip():
        raise ChangeRefused("Enter the extract", "text")
    check_panel_text(text, case, text_key=extract_text_key(request), field="text",
                     what="extract", not_identifiers=not_identifiers, actor=actor,
                     written_by_ecdop=lines_ecdop_writes(request.form_type))  # fmt: skip
    if extract is None:
        extract = ReportExtract(reporting_request=request)
        db.session.add(extract)
    extract.text = text.strip()
    extract.source_version = request.version_id
    extract.confirmed_at = utc_now()
    extract.confirmed_by_id = actor.id
    db.session.flush()
    record_event(AuditAction.REPORT_EXTRACT_CONFIRMED, case_id=case.id, subject=extract)
    return extract
