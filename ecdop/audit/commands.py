"""Command-line checks of the audit trail, for an operator or an auditor at the server."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecdop.foundation.extensions import db

audit_group = AppGroup("audit", help="The audit trail: check that it has not been altered.")


@audit_group.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.File("r"),
    help="A file of checkpoints kept outside the database (the daily e-mail, or log lines).",
)
def verify_command(checkpoint_file) -> None:
    """Walk the hash chain from the first event; name the first event that does not match,
    and check that the chain passes through every checkpoint given. Exits 1 if not."""
    from ecdop.audit.chain import verify_chain
    from ecdop.audit.checkpoints import read_checkpoints

    checkpoints = read_checkpoints(checkpoint_file.read()) if checkpoint_file else []
    if checkpoint_file and not checkpoints:
        raise click.ClickException(f"{checkpoint_file.name} holds no audit checkpoint.")
    verdict = verify_chain(db.session, checkpoints=checkpoints)
    if not verdict.intact:
        where = f"audit event {verdict.broken_at}" if verdict.broken_at else "the chain's end"
        raise click.ClickException(
            f"The audit trail does not match at {where}: {verdict.problem}. "
            f"{verdict.checked:,} events before it are intact."
        )
    click.echo(f"The audit trail is intact: {verdict.checked:,} events in an unbroken chain.")
    if checkpoints:
        click.echo(f"It passes through all {len(checkpoints):,} checkpoints given.")
    if verdict.unsealed:
        click.echo(f"{verdict.unsealed:,} newer events are being sealed by their commits.")
