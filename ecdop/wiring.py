"""Entry points: after this, do that; how the lower layers hear of the upper ones.

A lower layer never imports an upper one (docs/DESIGN.md, rule 10). Where it must let an upper
layer act on a change, or ask what an upper layer holds, it calls a hook
(``ecdop/foundation/hooks.py``); this table, at the top, says what each hook calls, in order.
``create_app`` gives it to each app.
"""

from __future__ import annotations

from ecdop.analytics import early_warning
from ecdop.analytics import views as analytics_views
from ecdop.auth import hooks as auth_hooks
from ecdop.cases import hooks as case_hooks
from ecdop.deadlines import hooks as deadline_hooks
from ecdop.deadlines import queries as deadline_queries
from ecdop.deadlines import services as deadline_services
from ecdop.deadlines import views as deadline_views
from ecdop.documents import agency_views as document_agency_views
from ecdop.documents import queries as document_queries
from ecdop.documents import views as document_views
from ecdop.family import queries as family_queries
from ecdop.family import views as family_views
from ecdop.foundation.hooks import Hook
from ecdop.meetings import hooks as meeting_hooks
from ecdop.meetings import queries as meeting_queries
from ecdop.meetings import services as meeting_services
from ecdop.meetings import views as meeting_views
from ecdop.notifications import duplicate_views
from ecdop.notifications import views as notification_views
from ecdop.reporting_forms import hooks as reporting_form_hooks
from ecdop.reporting_forms import queries as reporting_form_queries
from ecdop.reporting_forms import services as reporting_form_services
from ecdop.reporting_forms import views as reporting_form_views
from ecdop.retention import queries as retention_queries
from ecdop.retention import views as retention_views
from ecdop.review_meetings import hooks as review_meeting_hooks
from ecdop.review_meetings import queries as review_meeting_queries
from ecdop.review_meetings import views as review_meeting_views

WIRING: dict[Hook, tuple] = {
    # What the records on a case owe by when, what each is, and who follows a moved date.
    deadline_hooks.owed_by_records: (
        reporting_form_queries.deadlines_owed_by_requests,
        meeting_queries.deadlines_owed_by_actions,
    ),
    deadline_hooks.records_of: (
        reporting_form_queries.requests_owing,
        meeting_queries.actions_owing,
    ),
    # The case's own deadlines that features declare, and where each kind is worked on.
    deadline_hooks.owed_by_case: (
        family_queries.deadlines_owed_to_the_family,
        document_queries.deadline_owed_by_the_post_mortem,
        retention_queries.deadline_owed_by_the_hold,
    ),
    deadline_hooks.page_of_kind: (family_queries.family_page_for,),
    deadline_hooks.due_date_moved: (
        reporting_form_services.move_request_due_date,
        meeting_services.move_action_due_date,
    ),
    # A new or triaged death: check its area for an emerging pattern.
    case_hooks.death_recorded: (early_warning.watch_area_of_death,),
    # A case changed: bring its deadlines in line.
    case_hooks.case_changed: (deadline_services.refresh_deadlines,),
    # A closed case reopened: its signed-off review becomes history.
    case_hooks.case_reopened: (meeting_services.supersede_review,),
    case_hooks.overdue_among: (deadline_queries.cases_with_overdue_deadlines,),
    # What each feature records that the stage machine's guards look at, and the same in SQL.
    case_hooks.facts_recorded: (
        reporting_form_queries.facts_about_requests,
        review_meeting_queries.facts_about_review_meetings,
        meeting_queries.facts_about_panel_review,
        document_queries.facts_about_investigations,
    ),
    case_hooks.facts_recorded_in_sql: (
        reporting_form_queries.facts_about_requests_in_sql,
        review_meeting_queries.facts_about_review_meetings_in_sql,
        meeting_queries.facts_about_panel_review_in_sql,
        document_queries.facts_about_investigations_in_sql,
    ),
    # The case page: each feature's section, in the order they appear on it.
    case_hooks.case_page: (
        duplicate_views.case_page_duplicate,
        deadline_views.case_page_deadlines,
        reporting_form_views.case_page_requests,
        review_meeting_views.case_page_records,
        document_views.case_page_investigations,
        family_views.case_page_family,
        meeting_views.case_page_panel_review,
        retention_views.case_page_legal_hold,
        notification_views.case_page_notifications,
        retention_views.case_page_erasure,
    ),
    # An area's page: each feature's section, in the order they appear on it.
    auth_hooks.area_page: (
        analytics_views.area_page_warning_rules,
        deadline_views.area_page_deadline_rules,
        retention_views.area_page_retention,
    ),
    # A reporting form's page: the documents the agency sent with it.
    reporting_form_hooks.report_page: (document_agency_views.report_page_documents,),
    # The family's part in the review: their questions for the panel and the CDRM, and the
    # people no paper of the panel's may name.
    meeting_hooks.questions_for_the_panel: (family_queries.questions_for_the_panel,),
    meeting_hooks.people_around_the_child: (family_queries.people_around_the_child,),
    meeting_hooks.documents_for_the_panel: (document_queries.documents_for_the_panel,),
    meeting_hooks.investigations_for_the_return: (document_queries.investigations_for_the_return,),
    meeting_hooks.bereavement_support_offered: (family_queries.bereavement_support_offered,),
    review_meeting_hooks.questions_for_the_cdrm: (family_queries.questions_for_the_cdrm,),
}
