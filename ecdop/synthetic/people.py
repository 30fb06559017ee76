"""Entry points: the people and agencies of an area that synthetic records name."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ecdop.auth.models import Area, Organisation, OrganisationKind, Role, User
from ecdop.foundation.extensions import db
from ecdop.synthetic.deaths import (
    SyntheticDataRefused,
)


@dataclass(frozen=True)
class People:
    notifiers: tuple[User, ...]  # the area's notifiers, police and health alike
    coordinator: User
    chair: User
    agencies: tuple[Organisation, ...]


def people_of(area: Area) -> People:
    def first(role: Role) -> User | None:
        return db.session.scalar(
            select(User).where(User.role == role, User.areas.contains(area)).order_by(User.id)
        )

    notifiers = tuple(
        db.session.scalars(
            select(User)
            .where(User.role == Role.NOTIFIER, User.active, User.areas.contains(area))
            .order_by(User.id)
        )
    )
    coordinator, chair = first(Role.COORDINATOR), first(Role.PANEL_CHAIR)
    if not notifiers or coordinator is None or chair is None:
        raise SyntheticDataRefused(
            f"{area.name} needs a notifier, a coordinator and a panel chair first "
            "(seed-demo makes them for the demo area)"
        )
    agencies = tuple(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_([OrganisationKind.GP_PRACTICE, OrganisationKind.SCHOOL]))
            .order_by(Organisation.id)
        )
    )
    return People(notifiers, coordinator, chair, agencies)
