"""Command-line management of API tokens, for an administrator at the server."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ecdop.foundation.extensions import db
from ecdop.foundation.forms import LARGEST_ID
from ecdop.foundation.refusals import fail

tokens_group = AppGroup("tokens", help="API tokens: create, list and revoke them.")


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="API client", show_default=True, help="What system uses it")
@click.option(
    "--days", "lifetime_in_days", type=click.IntRange(1, 365), default=90, show_default=True,
    help="How many days it lasts",
)  # fmt: skip
def create_token_command(email: str, name: str, lifetime_in_days: int) -> None:
    """Create a token for the notifier with this EMAIL. The token is printed once, as the last
    line, and never again: only its hash is kept."""
    from ecdop.auth.api_tokens import issue_api_token
    from ecdop.auth.queries import user_by_email
    from ecdop.auth.services import AccountError

    user = user_by_email(email)
    if user is None:
        fail(f"No user with the email address {email}")
    try:
        issued = issue_api_token(user, name=name, lifetime_in_days=lifetime_in_days, issued_by=None)
    except AccountError as error:
        fail(str(error))
    token = issued.token
    click.echo(f"Token {token.id} for {user.email}, expires {token.expires_at:%Y-%m-%d %H:%M} UTC.")
    click.echo("Copy it now: it is not shown again.")
    click.echo(issued.secret)


@tokens_group.command("list")
def list_tokens_command() -> None:
    """Every token: its number, prefix, owner, state, expiry and last use."""
    from ecdop.auth.queries import all_api_tokens
    from ecdop.foundation.db import utc_now

    now = utc_now()
    for token in all_api_tokens():
        last_used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(
            f"{token.id}\t{token.prefix}…\t{token.user.email}\t{token.state(now).value}\t"
            f"expires {token.expires_at:%Y-%m-%d}\tlast used {last_used}\t{token.name}"
        )


@tokens_group.command("revoke")
@click.argument("token_id", type=click.IntRange(1, LARGEST_ID))
def revoke_token_command(token_id: int) -> None:
    """Revoke the token with this number (see `tokens list`) at once."""
    from ecdop.auth.api_tokens import revoke_api_token
    from ecdop.auth.models import ApiToken

    token = db.session.get(ApiToken, token_id)
    if token is None:
        fail(f"No token number {token_id}")
    revoke_api_token(token, revoked_by=None)
    click.echo(f"Revoked token {token.id} ({token.prefix}…) for {token.user.email}.")
