"""Command-line management of API tokens, for an administrator at the server."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from ecdop.auth import queries as auth_queries
from ecdop.auth import services as auth_services
from ecdop.auth.models import OrganisationKind, Role
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


def _new_user_password() -> str:
    password = os.environ.get("ECDOP_NEW_USER_PASSWORD")
    if password:
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-area")
@click.argument("code")
@click.argument("name")
def create_area_command(code: str, name: str) -> None:
    """Add a review area, e.g. create-area NCL "North Central London"."""
    try:
        area = auth_services.create_area(code, name)
    except auth_services.AccountError as error:
        fail(str(error))
    click.echo(f"Created area {area.code}")


@click.command("create-organisation")
@click.argument("name")
@click.option("--kind", type=click.Choice([kind.value for kind in OrganisationKind]), required=True)
@click.option(
    "--area", "area_codes", multiple=True, required=True, help="Area it works with; repeatable"
)
def create_organisation_command(name: str, kind: str, area_codes: tuple[str, ...]) -> None:
    """Add an organisation (police force, NHS trust, GP practice, school…) and the review areas
    it works with."""
    areas = areas_named(area_codes)
    try:
        auth_services.create_organisation(name, OrganisationKind(kind), areas=areas)
    except auth_services.AccountError as error:
        fail(str(error))
    click.echo(f"Created organisation {name}")


def areas_named(area_codes: tuple[str, ...]) -> list:
    areas = []
    for code in area_codes:
        area = auth_queries.area_by_code(code)
        if area is None:
            fail(f"No area with code {code!r}; add it with create-area")
        areas.append(area)
    return areas


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--organisation", "organisation_name", required=True, help="Organisation name")
@click.option("--area", "area_codes", multiple=True, required=True, help="Area code; repeatable")
@click.option("--name", "full_name", default=None, help="Full name (default: the email address)")
def create_user_command(
    email: str, role: str, organisation_name: str, area_codes: tuple[str, ...], full_name
) -> None:
    """Create a user; the password comes from ECDOP_NEW_USER_PASSWORD or a prompt."""
    organisation = auth_queries.organisation_by_name(organisation_name)
    if organisation is None:
        fail(f"No organisation called {organisation_name!r}; add it with create-organisation")
    areas = areas_named(area_codes)
    try:
        user = auth_services.create_user(
            email=email,
            full_name=full_name or email,
            role=Role(role),
            organisation=organisation,
            areas=areas,
            password=_new_user_password(),
        )
    except auth_services.AccountError as error:
        fail(str(error))
    click.echo(f"Created {user.role.value} {user.email}")
