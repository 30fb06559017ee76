"""Changes to people, organisations and areas: the accounts. Invitations to agencies' contacts
are in ``invitations``, API tokens in ``api_tokens``."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from ecdop.audit.models import AuditAction
from ecdop.audit.services import record_event
from ecdop.auth.models import (
    Area,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from ecdop.auth.passwords import password_problem
from ecdop.foundation.extensions import db


class AccountError(ValueError):
    """A change to accounts that cannot be made; the message is shown to the person."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_area(code: str, name: str) -> Area:
    code = code.strip().upper()
    if db.session.scalar(select(Area.id).where(Area.code == code)) is not None:
        raise AccountError(f"An area with code {code} already exists", "code")
    area = Area(code=code, name=name.strip())
    db.session.add(area)
    db.session.flush()
    record_event(AuditAction.AREA_CREATED, subject=area, details={"code": code})
    return area


def create_organisation(
    name: str, kind: OrganisationKind, areas: Iterable[Area] = ()
) -> Organisation:
    name = name.strip()
    taken = select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    if db.session.scalar(taken) is not None:
        raise AccountError("An organisation with this name already exists", "name")
    organisation = Organisation(name=name, kind=kind, areas=list(areas))
    db.session.add(organisation)
    db.session.flush()
    record_event(
        AuditAction.ORGANISATION_CREATED,
        subject=organisation,
        details={"areas": [area.code for area in organisation.areas]},
    )
    return organisation


def set_organisation_areas(organisation: Organisation, areas: Iterable[Area]) -> None:
    """The areas an organisation works with. An area its people still act in stays: move or
    deactivate them first, so nobody keeps an area their organisation has left."""
    areas = list(areas)
    kept = {area.id for area in areas}
    still_used = sorted(
        {area.code for user in organisation.users if user.active for area in user.areas
         if area.id not in kept}
    )  # fmt: skip
    if still_used:
        raise AccountError(
            f"People of {organisation.name} still work in {', '.join(still_used)}: change "
            "their areas or deactivate them first",
            "area_ids",
        )
    before = sorted(area.code for area in organisation.areas)
    organisation.areas = areas
    record_event(
        AuditAction.ORGANISATION_AREAS_CHANGED,
        subject=organisation,
        details={"from": before, "to": sorted(area.code for area in areas)},
    )


def change_user(
    user: User,
    *,
    full_name: str,
    job_title: str,
    phone: str,
    role: Role,
    organisation: Organisation,
    areas: Iterable[Area],
    actor: User,
) -> list[str]:
    """An administrator's change to who a person is and what they may do; returns what
    changed. A change of role, organisation or areas ends the person's sessions (the
    ``before_flush`` hook in ``sessions``), so they work under the new access at once."""
    areas = list(areas)
    if user.id == actor.id and role is not user.role:
        raise AccountError("You cannot change your own role: ask another administrator", "role")
    _refuse_areas_outside(organisation, areas)
    before = _details_of(user)
    user.full_name, user.job_title, user.phone = full_name.strip(), job_title.strip(), phone.strip()
    user.role, user.organisation, user.areas = role, organisation, areas
    after = _details_of(user)
    changed = [key for key in after if after[key] != before[key]]
    if changed:
        details = {key: {"from": before[key], "to": after[key]} for key in changed
                   if key not in ("phone",)}  # fmt: skip
        record_event(AuditAction.USER_CHANGED, subject=user,
                     details={"changed": changed, **details})  # fmt: skip
    db.session.flush()
    return changed


def _refuse_areas_outside(organisation: Organisation, areas: list[Area]) -> None:
    """A person works in at least one area, and only in their organisation's areas."""
    if not areas:
        raise AccountError("Choose at least one area", "area_ids")
    if outside := [area.code for area in areas if not organisation.works_in(area)]:
        raise AccountError(
            f"{organisation.name} does not work with {', '.join(outside)}. Add the area to the "
            "organisation first, or choose another",
            "area_ids",
        )


def _details_of(user: User) -> dict:
    return {
        "full_name": user.full_name,
        "job_title": user.job_title,
        "phone": user.phone,
        "role": user.role.value,
        "organisation": user.organisation.name,
        "areas": sorted(area.code for area in user.areas),
    }


def create_user(
    *,
    email: str,
    full_name: str,
    role: Role,
    organisation: Organisation,
    areas: Iterable[Area],
    password: str,
    job_title: str = "",
    phone: str = "",
    chosen_by_the_person: bool = False,
) -> User:
    """A new account. A password an administrator gave must be replaced at first sign-in."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("A user with this email address already exists", "email")
    if problem := password_problem(password, full_name=full_name, email=email):
        raise AccountError(problem, "password")
    areas = list(areas)
    _refuse_areas_outside(organisation, areas)
    user = User(
        email=email,
        full_name=full_name.strip(),
        job_title=job_title.strip(),
        phone=phone.strip(),
        role=role,
        organisation=organisation,
        areas=areas,
        must_change_password=not chosen_by_the_person,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record_event(AuditAction.USER_CREATED, subject=user, details={"role": role.value})
    return user


def set_user_active(user: User, active: bool) -> None:
    if user.active == active:
        return
    user.active = active
    action = AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED
    record_event(action, subject=user)


def set_organisation_active(organisation: Organisation, active: bool) -> None:
    if organisation.active == active:
        return
    organisation.active = active
    action = (
        AuditAction.ORGANISATION_REACTIVATED if active else AuditAction.ORGANISATION_DEACTIVATED
    )
    record_event(action, subject=organisation)


def set_area_lead(area: Area, lead: User | None) -> None:
    area.lead = lead
    details = {"area": area.code, "lead": lead.email if lead else None}
    record_event(AuditAction.AREA_LEAD_CHANGED, subject=area, details=details)
    db.session.flush()
