"""Calling the API as a force's or a trust's system would."""

from __future__ import annotations

from ecdop.auth.api_tokens import issue_api_token
from ecdop.foundation.extensions import db
from tests.factories import user

NOTIFICATIONS = "/api/v1/notifications"


def notification_json(**overrides) -> dict:
    """A valid notification as a force's system sends it."""
    document = {
        "given_names": "Amelia Rose",
        "family_name": "Testchild",
        "nhs_number": "943 476 5919",
        "date_of_birth": "2026-03-01",
        "sex": "female",
        "ethnicity": "white_british",
        "address": "1 Example Street\nExampletown",
        "postcode": "sw1a2aa",
        "date_of_death": "2026-11-18",
        "time_of_death": "03:15",
        "place_of_death": "home",
        "expectation": "unexpected",
        "circumstances": "Found unresponsive in cot in the morning.",
        "circumstances_type": "sudden_unexpected",
        "agencies_involved": ["gp", "health_visitor"],
        "notifier_name": "Sam Patel",
        "notifier_role": "Detective Sergeant",
        "notifier_phone": "01632 960001",
    }
    document.update(overrides)
    return {name: value for name, value in document.items() if value is not ...}


def token_for(email: str, *, days: int = 90) -> str:
    """A new token for a notifier, as an administrator issues it."""
    issued = issue_api_token(user(email), name="Test system", lifetime_in_days=days, issued_by=None)
    db.session.commit()
    return issued.secret


def bearer(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}
