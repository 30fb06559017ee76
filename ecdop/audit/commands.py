"""Command-line checks of the audit trail, for an operator or an auditor at the server."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecdop.extensions import db

audit_group = AppGroup("audit", help="The audit trail: check that it has not been altered.")


@audit_group.command("verify")
def verify_command() -> None:
    """Walk the hash chain from the first event; name the first event that does not match.
    Exits 1 if the chain is broken."""
    from ecdop.audit.chain import verify_chain

    verdict = verify_chain(db.session)
    if not verdict.intact:
        where = f"audit event {verdict.broken_at}" if verdict.broken_at else "the chain's end"
        raise click.ClickException(
            f"The audit trail does not match at {where}: {verdict.problem}. "
            f"{verdict.checked:,} events before it are intact."
        )
    click.echo(f"The audit trail is intact: {verdict.checked:,} events in an unbroken chain.")
    if verdict.unsealed:
        click.echo(f"{verdict.unsealed:,} newer events are being sealed by their commits.")
