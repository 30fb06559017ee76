"""Entry points: the scheduler's jobs: one declarative table, each row a service of a feature.

The scheduler that runs them, one at a time across machines, is in ``ecdop/scheduler``.
"""

from __future__ import annotations

from flask import Flask

from ecdop.analytics.early_warning import watch_all_areas, watch_areas_asked_about
from ecdop.api.services import forget_old_idempotency_keys
from ecdop.audit.checkpoints import send_checkpoint
from ecdop.auth.sessions import forget_ended_sessions
from ecdop.board_reports.services import generate_due_reports
from ecdop.deadlines.sweep import send_coordinator_digests, sweep_deadlines
from ecdop.mail.sender import deliver_outbox
from ecdop.retention.services import list_cases_falling_due, purge_approved
from ecdop.scheduler.leading import Job, run_alone

JOBS: tuple[Job, ...] = (
    Job("sweep-deadlines", sweep_deadlines, "Queue the reminders and escalations now due",
        "interval", {"minutes": 5}, on_start=True),
    Job("deliver-outbox", deliver_outbox, "Send queued e-mail, retrying failures",
        "interval", {"minutes": 1}, on_start=True),
    Job("coordinator-digest", send_coordinator_digests,
        "Each coordinator's daily summary of overdue and soon-due items",
        "cron", {"day_of_week": "mon-fri", "hour": 7, "minute": 0}),
    Job("watch-new-deaths", watch_areas_asked_about,
        "Check the early-warning rules of areas with a new death, triage or rule change",
        "interval", {"minutes": 1}, on_start=True),
    Job("watch-for-patterns", watch_all_areas,
        "Check every area's early-warning rules and alert coordinators to new patterns",
        "cron", {"hour": 6, "minute": 30}, on_start=True),
    Job("board-reports", generate_due_reports,
        "Each area's quarterly and annual board reports, the day after each period closes",
        "cron", {"hour": 5, "minute": 0}, on_start=True),
    Job("forget-idempotency-keys", forget_old_idempotency_keys,
        "Forget the API's idempotency keys once they are a week old",
        "cron", {"hour": 3, "minute": 15}),
    Job("audit-checkpoint", send_checkpoint,
        "Send the audit chain's position and hash to the log and the audit mailbox",
        "cron", {"hour": 0, "minute": 10}),
    Job("forget-ended-sessions", forget_ended_sessions,
        "Delete the records of sessions that ended more than 90 days ago",
        "cron", {"hour": 3, "minute": 30}),
    Job("retention-review", list_cases_falling_due,
        "List each area's cases whose retention has passed, for two people to approve",
        "cron", {"day": 1, "hour": 4, "minute": 0}),
    Job("retention-purge", purge_approved,
        "De-identify the cases on approved retention lists, a batch at a time",
        "interval", {"minutes": 10}, on_start=True),
)  # fmt: skip

JOBS_BY_NAME = {job.name: job for job in JOBS}
# Jobs whose service takes the day it runs for (so the CLI can try them on another day).
DATED_JOBS = (
    "sweep-deadlines", "coordinator-digest", "watch-new-deaths", "watch-for-patterns",
    "board-reports", "audit-checkpoint", "retention-review",
)  # fmt: skip


def run_job(app: Flask, job: Job | str, **arguments) -> object:
    """Run one job, by its row or its name, unless it is running elsewhere (``run_alone``)."""
    return run_alone(app, JOBS_BY_NAME[job] if isinstance(job, str) else job, **arguments)
