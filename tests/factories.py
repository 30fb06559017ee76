"""Records for tests, built through the same services the app uses."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from ecdop.auth.models import Area, User
from ecdop.extensions import db
from ecdop.notifications.choices import Ethnicity, Expectation, PlaceOfDeath, Sex
from ecdop.notifications.services import NotificationDetails, submit_notification

VALID_NHS_NUMBER = "9434765919"
OTHER_VALID_NHS_NUMBER = "9434765870"


def notification_details(**overrides) -> NotificationDetails:
    values = dict(
        given_names="Amelia Rose",
        family_name="Testchild",
        nhs_number=VALID_NHS_NUMBER,
        date_of_birth=date(2026, 3, 1),
        sex=Sex.FEMALE,
        ethnicity=Ethnicity.WHITE_BRITISH,
        address="1 Example Street\nExampletown",
        postcode="SW1A 2AA",
        date_of_death=date(2026, 11, 18),
        time_of_death=time(3, 15),
        place_of_death=PlaceOfDeath.HOME,
        place_of_death_detail="",
        expectation=Expectation.UNEXPECTED,
        circumstances="Found unresponsive in cot in the morning.",
        parental_responsibility="Mother and father",
        other_children="One sibling aged 3",
        agencies_involved=["gp", "health_visitor"],
        agencies_detail="Demo Surgery",
        notifier_name="Sam Patel",
        notifier_role="Detective Sergeant",
        notifier_phone="01632 960001",
    )
    values.update(overrides)
    return NotificationDetails(**values)


def form_data(**overrides) -> dict:
    """The web form's fields for a valid notification, as a browser posts them."""
    data = {
        "area_id": str(demo_area().id),
        "given_names": "Amelia Rose",
        "family_name": "Testchild",
        "nhs_number": "943 476 5919",
        "date_of_birth": ["1", "3", "2026"],
        "sex": "female",
        "ethnicity": "white_british",
        "address": "1 Example Street\nExampletown",
        "postcode": "sw1a2aa",
        "date_of_death": ["18", "11", "2026"],
        "time_of_death": "03:15",
        "place_of_death": "home",
        "place_of_death_detail": "",
        "expectation": "unexpected",
        "circumstances": "Found unresponsive in cot in the morning.",
        "parental_responsibility": "Mother and father",
        "other_children": "One sibling aged 3",
        "agencies_involved": ["gp", "health_visitor"],
        "agencies_detail": "Demo Surgery",
        "notifier_name": "Sam Patel",
        "notifier_role": "Detective Sergeant",
        "notifier_phone": "01632 960001",
    }
    data.update(overrides)
    return data


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def demo_area() -> Area:
    return db.session.scalar(select(Area).where(Area.code == "DEMO"))


def notify(email: str = "police@demo.test", area: Area | None = None, **overrides):
    """Submit a notification as the service would for a web or API request, and commit."""
    notification, outcome = submit_notification(
        notification_details(**overrides), notifier=user(email), area=area or demo_area()
    )
    db.session.commit()
    return notification, outcome
