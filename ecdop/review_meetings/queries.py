"""Reading JAR and CDRM records."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, exists, select

from ecdop.cases.models import Case
from ecdop.foundation.extensions import db
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse

Record = TypeVar("Record", JointAgencyResponse, ChildDeathReviewMeeting)


def record_for(record_class: type[Record], case: Case) -> Record | None:
    return db.session.scalar(select(record_class).where(record_class.case_id == case.id))


def facts_about_review_meetings(case: Case) -> dict[str, object]:
    """For the stage machine: whether the JAR and the CDRM are recorded."""
    return {
        "jar_recorded": record_for(JointAgencyResponse, case) is not None,
        "cdrm_recorded": record_for(ChildDeathReviewMeeting, case) is not None,
    }


def facts_about_review_meetings_in_sql() -> dict[str, ColumnElement[bool]]:
    return {
        "jar_recorded": exists().where(JointAgencyResponse.case_id == Case.id),
        "cdrm_recorded": exists().where(ChildDeathReviewMeeting.case_id == Case.id),
    }
