"""Reading people, organisations and areas."""

from __future__ import annotations

from flask import abort
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from ecdop.auth.models import (
    ApiToken,
    Area,
    Organisation,
    Role,
    User,
    organisation_areas,
    user_areas,
)
from ecdop.auth.permissions import Permission, roles_that_may
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.foundation.paging import Page, paginate


def all_users() -> list[User]:
    statement = (
        select(User)
        .options(selectinload(User.areas), selectinload(User.organisation))
        .order_by(User.active.desc(), func.lower(User.email))
    )
    return list(db.session.scalars(statement))


USER_FILTERS = [("active", "Active"), ("deactivated", "Deactivated"), ("all", "Everyone")]
USER_ORDERS = [("name", "Name"), ("email", "Email address"), ("role", "Role")]


def user_page(*, show: str, order: str, page: int) -> Page:
    statement = select(User).options(selectinload(User.areas), selectinload(User.organisation))
    if show != "all":
        statement = statement.where(User.active.is_(show == "active"))
    by = {"name": func.lower(User.full_name), "email": func.lower(User.email), "role": User.role}
    return paginate(statement.order_by(by[order], User.id), page)


ORGANISATION_FILTERS = [("active", "In use"), ("inactive", "No longer in use"), ("all", "All")]


def organisation_page(*, show: str, page: int) -> Page:
    statement = select(Organisation).options(selectinload(Organisation.areas))
    if show != "all":
        statement = statement.where(Organisation.active.is_(show == "active"))
    return paginate(statement.order_by(func.lower(Organisation.name), Organisation.id), page)


def all_organisations() -> list[Organisation]:
    statement = (
        select(Organisation)
        .options(selectinload(Organisation.areas))
        .order_by(func.lower(Organisation.name))
    )
    return list(db.session.scalars(statement))


def active_organisations() -> list[Organisation]:
    statement = (
        select(Organisation).where(Organisation.active).order_by(func.lower(Organisation.name))
    )
    return list(db.session.scalars(statement))


def organisations_working_in(area_id: int) -> list[Organisation]:
    """Active organisations that work with the area: the only ones its coordinators may ask
    for information or invite contacts from."""
    statement = (
        select(Organisation)
        .join(organisation_areas, organisation_areas.c.organisation_id == Organisation.id)
        .where(Organisation.active, organisation_areas.c.area_id == area_id)
        .order_by(func.lower(Organisation.name))
    )
    return list(db.session.scalars(statement))


def all_areas() -> list[Area]:
    return list(db.session.scalars(select(Area).order_by(Area.code)))


def area_by_code(code: str) -> Area | None:
    return db.session.scalar(select(Area).where(Area.code == code.strip().upper()))


def organisation_by_name(name: str) -> Organisation | None:
    statement = select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    return db.session.scalar(statement)


def area_or_404(area_id: int) -> Area:
    return db.session.get(Area, area_id) or abort(404)


def user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def api_token_or_404(token_id: int) -> ApiToken:
    return db.session.get(ApiToken, token_id) or abort(404)


def organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def active_coordinators_of(area_id: int) -> list[User]:
    statement = (
        select(User)
        .join(user_areas, user_areas.c.user_id == User.id)
        .join(Organisation)
        .where(
            user_areas.c.area_id == area_id,
            User.role == Role.COORDINATOR,
            User.active,
            Organisation.active,
        )
        .order_by(User.id)
    )
    return list(db.session.scalars(statement))


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def all_api_tokens() -> list[ApiToken]:
    statement = (
        select(ApiToken)
        .options(selectinload(ApiToken.user).selectinload(User.organisation))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.expires_at.desc(), ApiToken.id)
    )
    return list(db.session.scalars(statement))


TOKEN_FILTERS = [("usable", "Usable"), ("ended", "Revoked or expired"), ("all", "All")]


def api_token_page(*, show: str, page: int) -> Page:
    statement = select(ApiToken).options(
        selectinload(ApiToken.user).selectinload(User.organisation)
    )
    usable = and_(ApiToken.revoked_at.is_(None), ApiToken.expires_at > utc_now())
    if show == "usable":
        statement = statement.where(usable)
    elif show == "ended":
        statement = statement.where(~usable)
    order = (ApiToken.revoked_at.is_not(None), ApiToken.expires_at.desc(), ApiToken.id)
    return paginate(statement.order_by(*order), page)


def notifiers_of(organisation_id: int) -> list[User]:
    """The organisation's active people who may notify deaths: whom ecdop tells of what
    became of its notifications."""
    return [user for user in notifiers() if user.organisation_id == organisation_id]


def notifiers() -> list[User]:
    """Active people who may notify deaths, and so may have API tokens."""
    statement = (
        select(User)
        .where(User.role.in_(roles_that_may(Permission.NOTIFY_DEATH)), User.active)
        .options(selectinload(User.organisation))
        .order_by(func.lower(User.email))
    )
    return list(db.session.scalars(statement))


def agency_reporters_of(organisation_id: int, area_id: int) -> list[User]:
    """The organisation's reporters who work in the area: a request about a child of one area
    reaches no one of the same organisation who works only elsewhere."""
    statement = (
        select(User)
        .join(Organisation)
        .join(user_areas, user_areas.c.user_id == User.id)
        .where(
            User.organisation_id == organisation_id,
            user_areas.c.area_id == area_id,
            User.role == Role.AGENCY_REPORTER,
            User.active,
            Organisation.active,
        )
        .order_by(User.id)
    )
    return list(db.session.scalars(statement))


def possible_area_leads(area_id: int) -> list[User]:
    """Active coordinators, panel members and chairs of the area."""
    statement = (
        select(User)
        .join(user_areas, user_areas.c.user_id == User.id)
        .where(
            user_areas.c.area_id == area_id,
            User.active,
            User.role.in_((Role.COORDINATOR, Role.PANEL_CHAIR, Role.PANEL_MEMBER)),
        )
        .order_by(User.full_name, User.id)
    )
    return list(db.session.scalars(statement))
