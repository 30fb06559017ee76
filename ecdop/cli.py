"""flask --app ecdop <command>: administration from the command line."""

from __future__ import annotations

import os

import click
from flask import Flask, current_app

from ecdop.auth import queries as auth_queries
from ecdop.auth import services as auth_services
from ecdop.auth.models import OrganisationKind, Role
from ecdop.extensions import db


def _fail(message: str) -> None:
    raise click.ClickException(message)


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
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created area {area.code}")


@click.command("create-organisation")
@click.argument("name")
@click.option("--kind", type=click.Choice([kind.value for kind in OrganisationKind]), required=True)
def create_organisation_command(name: str, kind: str) -> None:
    """Add an organisation (police force, NHS trust, GP practice, school…)."""
    try:
        auth_services.create_organisation(name, OrganisationKind(kind))
    except auth_services.AccountError as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created organisation {name}")


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
        _fail(f"No organisation called {organisation_name!r}; add it with create-organisation")
    areas = []
    for code in area_codes:
        area = auth_queries.area_by_code(code)
        if area is None:
            _fail(f"No area with code {code!r}; add it with create-area")
        areas.append(area)
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
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Create the demo area, organisations and one user per role (development only)."""
    from ecdop.demo import DEMO_ACCOUNTS, seed_demo

    if not current_app.config["SEED_DEMO_ALLOWED"]:
        _fail("seed-demo only runs in development (ECDOP_ENV=development)")
    created = seed_demo(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo("Demo data is ready." if created else "Demo data was already there.")
    click.echo(f"Demo accounts (password: {current_app.config['DEMO_PASSWORD']}):")
    for email, role, _organisation in DEMO_ACCOUNTS:
        click.echo(f"  {email:<24} {role.label}")


def register_commands(app: Flask) -> None:
    for command in (
        create_area_command,
        create_organisation_command,
        create_user_command,
        seed_demo_command,
    ):
        app.cli.add_command(command)
