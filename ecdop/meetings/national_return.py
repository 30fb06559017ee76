"""The national return: what the National Child Mortality Database collects about each closed
review, for a period, as versioned JSON or CSV.

Only the fields the national return needs. The child's NHS number, date of birth and postcode
are in it, because the national database links records by them and derives deprivation from
the postcode; names, the address, the notifiers and the notifications' own free text are not.
The panel's learning points and recommendations pass through the same redaction as the pack.
Of the family, only whether bereavement support was offered. Of the post-mortem and the
inquest, only coded answers and dates: never a document or the words of a cause.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import Area
from ecdop.cases.models import Case
from ecdop.cases.states import closed_in_sql
from ecdop.foundation.clock import utc_bounds_of_days
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.files import write_private_file
from ecdop.foundation.formatting import uk_calendar_date
from ecdop.foundation.periods import DateSpan
from ecdop.meetings.anonymise import identifiers_of, redact
from ecdop.meetings.choices import DOMAINS
from ecdop.meetings.hooks import bereavement_support_offered, investigations_for_the_return
from ecdop.meetings.models import PanelAnalysis
from ecdop.notifications.queries import notifications_of
from ecdop.reporting_forms.models import ReportingRequest, RequestStatus
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse
from ecdop.review_meetings.queries import record_for

SCHEMA = "ecdop-national-return"
# 1.1 added "family": {"bereavement_support_offered": "yes" | "no" | "not_known"}.
# 1.2 added "post_mortem" and "inquest" (coded answers and dates, or null where none was
# recorded) and their two timeliness figures.
SCHEMA_VERSION = "1.2"


def signed_off_in(period: DateSpan, area_codes: list[str] | None = None) -> list[PanelAnalysis]:
    """The current analyses of closed cases signed off within the period, but for those
    de-identified since."""
    start, end = utc_bounds_of_days(period.starts_on, period.ends_on)
    statement = (
        select(PanelAnalysis)
        .join(Case, PanelAnalysis.case_id == Case.id)
        .where(
            PanelAnalysis.superseded_at.is_(None),
            PanelAnalysis.signed_off_at >= start,
            PanelAnalysis.signed_off_at < end,
            closed_in_sql(Case.stage),
            # Returned years before: the dates and identifiers the national database links
            # by are gone, and a record without them would mislead.
            Case.deidentified_at.is_(None),
        )
        .order_by(PanelAnalysis.signed_off_at, PanelAnalysis.id)
        .options(selectinload(PanelAnalysis.case), selectinload(PanelAnalysis.actions))
    )
    if area_codes:
        statement = statement.join(Area, Case.area_id == Area.id).where(Area.code.in_(area_codes))
    return list(db.session.scalars(statement))


def national_record(analysis: PanelAnalysis) -> dict:
    """The national return's record of a review signed off (``signed_off_in`` finds only
    those)."""
    assert analysis.signed_off_at is not None
    case = analysis.case
    identifiers = identifiers_of(case)
    notifications = notifications_of(case)
    notified_at = min(n.submitted_at for n in notifications)
    requests = _requests(case)
    jar = record_for(JointAgencyResponse, case)
    cdrm = record_for(ChildDeathReviewMeeting, case)
    signed_off_on = uk_calendar_date(analysis.signed_off_at)
    investigations = _investigations(case)
    timeliness = _timeliness(case, notified_at, requests, cdrm, analysis, signed_off_on)
    return {
        "case_reference": case.reference,
        "review_area": case.area.code,
        "child": {
            "nhs_number": case.nhs_number,
            "date_of_birth": case.date_of_birth.isoformat(),
            "sex": case.sex.value,
            "ethnicity": case.ethnicity.value,
            "postcode": case.postcode,
        },
        "death": {
            "date_of_death": case.date_of_death.isoformat(),
            "age_at_death_days": (case.date_of_death - case.date_of_birth).days,
            "place_of_death": case.place_of_death.value,
            "expectation": case.expectation.value,
        },
        "notification": {
            "first_notified_on": uk_calendar_date(notified_at).isoformat(),
            "notifying_organisation_kinds": sorted(
                {n.organisation.kind.value for n in notifications}
            ),
            "national_database_told_on": _day(case.national_database_told_at),
        },
        "agencies": [_agency(request) for request in requests],
        "joint_agency_response": _jar(jar),
        "child_death_review_meeting": {"held_on": cdrm.held_on.isoformat()} if cdrm else None,
        "analysis": _analysis(analysis, identifiers),
        "panel": {
            "meeting_on": analysis.meeting.held_on.isoformat(),
            "panel_type": analysis.meeting.panel_type.value,
            "signed_off_on": signed_off_on.isoformat(),
        },
        "actions": [
            {
                "owner_kind": action.organisation.kind.value,
                "due_on": action.due_on.isoformat(),
                "status": action.status.value,
            }
            for action in analysis.actions
        ],  # fmt: skip
        "timeliness": timeliness | _days_to_investigations(case, investigations),
        "family": {"bereavement_support_offered": _support_offered(case)},
        **investigations,
    }


def _investigations(case: Case) -> dict[str, dict | None]:
    found = next(iter(investigations_for_the_return(case)), None)
    return found or {"post_mortem": None, "inquest": None}


def _days_to_investigations(case: Case, investigations: dict[str, dict | None]) -> dict:
    """Days from the death to the final post-mortem report and to the inquest's conclusion."""

    def days_to(record: dict | None, field: str) -> int | None:
        day = record and record.get(field)
        return (date.fromisoformat(day) - case.date_of_death).days if day else None

    return {
        "days_death_to_final_post_mortem_report": days_to(
            investigations["post_mortem"], "final_report_received_on"
        ),
        "days_death_to_inquest_conclusion": days_to(investigations["inquest"], "concluded_on"),
    }


def _support_offered(case: Case) -> str:
    """NCMD asks whether bereavement support was offered: the one field of the family's."""
    return next(iter(bereavement_support_offered(case)), "not_known")


def _requests(case: Case) -> list[ReportingRequest]:
    statement = (
        select(ReportingRequest)
        .where(ReportingRequest.case_id == case.id)
        .order_by(ReportingRequest.id)
        .options(selectinload(ReportingRequest.organisation))
    )
    return list(db.session.scalars(statement))


def _day(moment: datetime | None) -> str | None:
    return uk_calendar_date(moment).isoformat() if moment else None


def _agency(request: ReportingRequest) -> dict:
    return {
        "organisation": request.organisation.name,
        "kind": request.organisation.kind.value,
        "form": request.form_type,
        "status": request.status.value,
        "due_on": request.due_on.isoformat(),
        "submitted_on": _day(request.submitted_at),
        "on_time": _on_time(request),
    }


def _on_time(request: ReportingRequest) -> bool | None:
    if request.status is not RequestStatus.SUBMITTED or request.submitted_at is None:
        return None
    return uk_calendar_date(request.submitted_at) <= request.due_on


def _jar(jar: JointAgencyResponse | None) -> dict | None:
    if jar is None:
        return None
    return {
        "started_on": jar.started_on.isoformat(),
        "joint_home_visit": jar.joint_home_visit,
        "home_visit_on": jar.home_visit_on.isoformat() if jar.home_visit_on else None,
        "information_sharing_meeting_on": (
            jar.information_sharing_meeting_on.isoformat()
            if jar.information_sharing_meeting_on
            else None
        ),
    }


def _analysis(analysis: PanelAnalysis, identifiers) -> dict:
    return {
        "category": analysis.category.value,
        "domains": {
            domain.key: {
                "score": analysis.score(domain.key),
                "factors": analysis.factors.get(domain.key, []),
                "other_factors": redact(analysis.other_factors.get(domain.key, ""), identifiers)[0],
            }
            for domain in DOMAINS
        },
        "modifiable_factors": analysis.modifiable.value,
        "learning_points": redact(analysis.learning_points, identifiers)[0],
        "recommendations": redact(analysis.recommendations, identifiers)[0],
    }


def _timeliness(case, notified_at, requests, cdrm, analysis, signed_off_on) -> dict:
    told = case.national_database_told_at
    answered = [_on_time(request) for request in requests]
    return {
        "days_death_to_notification": (uk_calendar_date(notified_at) - case.date_of_death).days,
        "hours_notification_to_national_database": (
            round((told - notified_at).total_seconds() / 3600, 1) if told else None
        ),
        "days_death_to_cdrm": (cdrm.held_on - case.date_of_death).days if cdrm else None,
        "days_death_to_panel": (analysis.meeting.held_on - case.date_of_death).days,
        "days_death_to_sign_off": (signed_off_on - case.date_of_death).days,
        "reports_on_time": answered.count(True),
        "reports_late": answered.count(False),
    }


def as_json(period: DateSpan, records: list[dict], produced_at: datetime) -> str:
    document = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "period": {"from": period.starts_on.isoformat(), "to": period.ends_on.isoformat()},
        "produced_at": produced_at.isoformat(),
        "cases": records,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = (
    "schema_version", "case_reference", "review_area", "nhs_number", "date_of_birth", "sex",
    "ethnicity", "postcode", "date_of_death", "age_at_death_days", "place_of_death",
    "expectation", "first_notified_on", "national_database_told_on", "agencies",
    "agency_reports_on_time", "agency_reports_late", "jar_started_on", "cdrm_held_on",
    "category", *(f"{domain.key}_score" for domain in DOMAINS),
    *(f"{domain.key}_factors" for domain in DOMAINS), "modifiable_factors",
    "panel_meeting_on", "panel_type", "signed_off_on", "actions", "actions_open",
    "days_death_to_notification", "hours_notification_to_national_database",
    "days_death_to_cdrm", "days_death_to_panel", "days_death_to_sign_off",
    "bereavement_support_offered", "post_mortem_needed", "post_mortem_ordered_by",
    "post_mortem_type", "post_mortem_performed_on", "post_mortem_final_report_received_on",
    "inquest_opened_on", "inquest_concluded_on", "inquest_conclusion",
    "prevention_of_future_deaths_report", "days_death_to_final_post_mortem_report",
    "days_death_to_inquest_conclusion",
)  # fmt: skip


def csv_row(record: dict) -> dict:
    child, death, analysis = record["child"], record["death"], record["analysis"]
    timeliness = record["timeliness"]
    jar, cdrm = record["joint_agency_response"], record["child_death_review_meeting"]
    row = {
        "schema_version": SCHEMA_VERSION,
        "case_reference": record["case_reference"],
        "review_area": record["review_area"],
        **{key: child[key] for key in ("nhs_number", "date_of_birth", "sex", "ethnicity",
                                       "postcode")},
        **death,
        "first_notified_on": record["notification"]["first_notified_on"],
        "national_database_told_on": record["notification"]["national_database_told_on"],
        "agencies": "; ".join(sorted({agency["kind"] for agency in record["agencies"]})),
        "agency_reports_on_time": timeliness["reports_on_time"],
        "agency_reports_late": timeliness["reports_late"],
        "jar_started_on": jar["started_on"] if jar else None,
        "cdrm_held_on": cdrm["held_on"] if cdrm else None,
        "category": analysis["category"],
        "modifiable_factors": analysis["modifiable_factors"],
        "panel_meeting_on": record["panel"]["meeting_on"],
        "panel_type": record["panel"]["panel_type"],
        "signed_off_on": record["panel"]["signed_off_on"],
        "actions": len(record["actions"]),
        "actions_open": sum(a["status"] in ("open", "in_progress") for a in record["actions"]),
        "bereavement_support_offered": record["family"]["bereavement_support_offered"],
        **_investigation_columns(record["post_mortem"] or {}, record["inquest"] or {}),
    }  # fmt: skip
    for key, domain in analysis["domains"].items():
        row[f"{key}_score"] = domain["score"]
        row[f"{key}_factors"] = "; ".join(domain["factors"])
    row.update(
        {key: value for key, value in timeliness.items() if key.startswith(("days", "hours"))}
    )
    return row


def _investigation_columns(post_mortem: dict, inquest: dict) -> dict:
    return {
        "post_mortem_needed": post_mortem.get("needed"),
        "post_mortem_ordered_by": post_mortem.get("ordered_by"),
        "post_mortem_type": post_mortem.get("type"),
        "post_mortem_performed_on": post_mortem.get("performed_on"),
        "post_mortem_final_report_received_on": post_mortem.get("final_report_received_on"),
        "inquest_opened_on": inquest.get("opened_on"),
        "inquest_concluded_on": inquest.get("concluded_on"),
        "inquest_conclusion": inquest.get("conclusion"),
        "prevention_of_future_deaths_report": inquest.get("prevention_of_future_deaths_report"),
    }


def as_csv(records: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record))
    return buffer.getvalue()


FORMATS = ("json", "csv")


def export_national_return(
    period: DateSpan, path: str, *, output_format: str, area_codes: list[str] | None = None
) -> int:
    """Write the period's national return to ``path`` (readable by its owner only) and audit
    the export. Returns how many cases it holds."""
    if period.ends_on < period.starts_on:
        raise ValueError("--to must not be before --from")
    records = [national_record(analysis) for analysis in signed_off_in(period, area_codes)]
    produced_at = utc_now()
    content = as_json(period, records, produced_at) if output_format == "json" else as_csv(records)
    data = content.encode("utf-8")
    write_private_file(path, data)
    details = {
        "from": period.starts_on.isoformat(),
        "to": period.ends_on.isoformat(),
        "areas": area_codes or "all",
        "format": output_format,
        "schema_version": SCHEMA_VERSION,
        "cases": [record["case_reference"] for record in records],
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    record_event(AuditAction.NATIONAL_RETURN_EXPORTED, details=details)
    db.session.flush()
    return len(records)
