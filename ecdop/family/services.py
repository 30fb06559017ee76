"""Changes to the family's part of a case. Services flush; the request commits."""

from __future__ import annotations

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.cases.states import refuse_if_closed
from ecdop.family.models import FamilyRecord
from ecdop.family.queries import KEY_WORKER_ROLES, family_record_of
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.refusals import ChangeRefused, check_version


def assign_key_worker(
    case: Case, key_worker: User, *, reason: str, actor: User, expected_version: int | None
) -> FamilyRecord:
    """Make ``key_worker`` the family's key worker. A change of key worker needs its reason:
    the family meets a new person, and the timeline says why."""
    refuse_if_closed(case, "key_worker_id")
    _refuse_unless_may_be_key_worker(case, key_worker)
    record = family_record_of(case)
    if record is None:
        record = FamilyRecord(case=case)
        db.session.add(record)
    else:
        check_version(record, expected_version, "key_worker_id")
    was = record.key_worker
    if was is not None and was.id == key_worker.id:
        raise ChangeRefused(f"{key_worker.full_name} is already the key worker", "key_worker_id")
    if was is not None and not reason.strip():
        raise ChangeRefused("Give the reason for changing the key worker", "reason")
    record.key_worker, record.key_worker_assigned_at = key_worker, utc_now()
    db.session.flush()
    details = {"key_worker": key_worker.full_name, "reason": reason.strip()}
    if was is not None:
        details["previous_key_worker"] = was.full_name
    action = AuditAction.KEY_WORKER_CHANGED if was else AuditAction.KEY_WORKER_ASSIGNED
    record_event(action, actor_id=actor.id, case_id=case.id, subject=record, details=details)
    return record


def _refuse_unless_may_be_key_worker(case: Case, person: User) -> None:
    if not person.active or person.role not in KEY_WORKER_ROLES:
        raise ChangeRefused("Choose a key worker or a coordinator", "key_worker_id")
    if case.area_id not in person.area_ids:
        raise ChangeRefused(
            f"{person.full_name} does not work in this case's area", "key_worker_id"
        )
