"""Entry points: flask --app ecdop <command>: every package's commands, registered, each in
one transaction. The commands themselves live in their packages' ``commands.py``."""

from __future__ import annotations

import functools

import click
from flask import Flask

from ecdop.foundation.db import unit_of_work
from ecdop.foundation.extensions import db
from ecdop.foundation.transactions import commit_each_unit


def in_one_transaction(command: click.Command) -> click.Command:
    """A command's work is committed when it finishes (a job's, unit by unit), and rolled back
    if it fails: the command line's commit point, as the request's is the app's."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            in_one_transaction(subcommand)
        return command
    if getattr(command.callback, "in_one_transaction", False):
        return command  # the same command, registered by another app in this process
    work = command.callback
    assert work is not None, "a command without a callback does nothing"

    @functools.wraps(work)
    def run(*args, **kwargs):
        with unit_of_work():
            try:
                return commit_each_unit(work(*args, **kwargs))
            except BaseException:
                db.session.rollback()
                raise

    run.in_one_transaction = True  # type: ignore[attr-defined]  # marks it as wrapped
    command.callback = run
    return command


def register_commands(app: Flask) -> None:
    """Every package's commands, each in one transaction: the only thing this module does."""
    from ecdop.analytics.commands import (
        import_deprivation_command,
        import_live_births_command,
        import_populations_command,
    )
    from ecdop.audit.commands import audit_group
    from ecdop.auth.commands import (
        create_area_command,
        create_organisation_command,
        create_user_command,
        tokens_group,
    )
    from ecdop.backups.commands import backup_command, restore_command
    from ecdop.board_reports.commands import reports_group
    from ecdop.deadlines.commands import refresh_deadlines_command
    from ecdop.demo.commands import seed_demo_command
    from ecdop.jobs.commands import run_job_command, scheduler_command, serve_command
    from ecdop.meetings.commands import export_national_command
    from ecdop.synthetic.commands import seed_synthetic_command

    for command in (
        audit_group,
        tokens_group,
        reports_group,
        seed_synthetic_command,
        backup_command,
        restore_command,
        create_area_command,
        create_organisation_command,
        create_user_command,
        seed_demo_command,
        scheduler_command,
        run_job_command,
        refresh_deadlines_command,
        export_national_command,
        import_populations_command,
        import_live_births_command,
        import_deprivation_command,
        serve_command,
    ):
        app.cli.add_command(in_one_transaction(command))
