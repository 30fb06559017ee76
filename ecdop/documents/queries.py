"""Reading a case's post-mortem and inquest."""

from __future__ import annotations

from sqlalchemy import select

from ecdop.cases.models import Case
from ecdop.documents.models import Inquest, PostMortem
from ecdop.foundation.extensions import db


def post_mortem_of(case: Case) -> PostMortem | None:
    return db.session.scalar(select(PostMortem).where(PostMortem.case_id == case.id))


def inquest_of(case: Case) -> Inquest | None:
    return db.session.scalar(select(Inquest).where(Inquest.case_id == case.id))
