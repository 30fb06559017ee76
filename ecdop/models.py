"""Entry points: every feature's models, imported together so relationships and Alembic see them
all."""

from ecdop.analytics.models import (
    AreaToWatch,
    EmergingPattern,
    PopulationEstimate,
    PostcodeDeprivation,
    WarningRule,
)
from ecdop.api.models import IdempotentRequest
from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.models import (
    ApiToken,
    Area,
    Invitation,
    Organisation,
    OrganisationKind,
    Role,
    User,
    user_areas,
)
from ecdop.board_reports.models import BoardReport, board_report_areas
from ecdop.cases.models import Case, CaseReferenceCounter, CaseSearch, StageChange
from ecdop.deadlines.models import Deadline, DeadlineRule
from ecdop.documents.models import Document, DocumentChunk, Inquest, PostMortem
from ecdop.family.models import (
    ContactLogEntry,
    FamilyContact,
    FamilyLetter,
    FamilyQuestion,
    FamilyRecord,
)
from ecdop.mail.models import OutboxMessage, OutboxStatus
from ecdop.meetings.models import (
    AgendaItem,
    PanelAction,
    PanelAnalysis,
    PanelMeeting,
    ReportExtract,
    WordNotIdentifying,
)
from ecdop.notifications.models import MatchResult, Notification
from ecdop.reporting_forms.models import ReportingRequest, RequestStatus
from ecdop.review_meetings.models import ChildDeathReviewMeeting, JointAgencyResponse
from ecdop.scheduler.models import SchedulerHeartbeat
from ecdop.site_pages.models import SitePageText

__all__ = [
    "AreaToWatch",
    "ApiToken",
    "IdempotentRequest",
    "BoardReport",
    "board_report_areas",
    "EmergingPattern",
    "WarningRule",
    "Area",
    "AgendaItem",
    "AuditAction",
    "AuditEvent",
    "Case",
    "CaseReferenceCounter",
    "CaseSearch",
    "ChildDeathReviewMeeting",
    "Deadline",
    "DeadlineRule",
    "Invitation",
    "ContactLogEntry",
    "FamilyContact",
    "FamilyLetter",
    "FamilyQuestion",
    "FamilyRecord",
    "Document",
    "DocumentChunk",
    "Inquest",
    "PostMortem",
    "JointAgencyResponse",
    "MatchResult",
    "Notification",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "OutboxStatus",
    "SchedulerHeartbeat",
    "PanelAction",
    "PanelAnalysis",
    "PanelMeeting",
    "PopulationEstimate",
    "PostcodeDeprivation",
    "ReportExtract",
    "SitePageText",
    "ReportingRequest",
    "RequestStatus",
    "Role",
    "StageChange",
    "User",
    "WordNotIdentifying",
    "user_areas",
]
