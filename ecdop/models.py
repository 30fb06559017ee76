"""Every feature's models, imported together so relationships and Alembic see them all."""

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import Area, Organisation, OrganisationKind, Role, User, user_areas
from ecdop.cases.models import Case, CaseReferenceCounter
from ecdop.deadlines.models import OutboxMessage, OutboxStatus
from ecdop.notifications.models import MatchResult, Notification

__all__ = [
    "Area",
    "AuditAction",
    "AuditEvent",
    "Case",
    "CaseReferenceCounter",
    "MatchResult",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "OutboxStatus",
    "Role",
    "User",
    "user_areas",
]
