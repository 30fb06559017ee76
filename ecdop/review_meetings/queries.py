"""Reading JAR and CDRM records."""

from __future__ import annotations

from sqlalchemy import select

from ecdop.cases.models import Case
from ecdop.extensions import db
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse

ReviewMeeting = JointAgencyResponse | ChildDeathReviewMeeting


def record_for(record_class: type[ReviewMeeting], case: Case) -> ReviewMeeting | None:
    return db.session.scalar(select(record_class).where(record_class.case_id == case.id))
