"""Posting the panel's forms as a browser would."""

from __future__ import annotations

from ecdop.meetings.choices import DOMAINS


def analysis_form(**overrides) -> dict:
    """A complete analysis with one action for the demo GP practice."""
    data = {
        "category": "acute",
        "modifiable": "identified",
        "learning_points": "Missed asthma reviews were not followed up.",
        "recommendations": "Practices recall children who miss asthma reviews.",
        "actions-0-organisation_id": "",
        "actions-0-description": "",
        "actions-0-due_on": ["", "", ""],
        "version": "",
    }
    for domain in DOMAINS:
        data[f"{domain.key}_score"] = "1"
    data["service_score"] = "2"
    data["service_factors"] = ["missed_appointments"]
    data.update(overrides)
    return data


def with_action(data: dict, organisation_id: int, description: str, due: tuple[int, int, int],
                row: int = 0) -> dict:  # fmt: skip
    day, month, year = due
    return {
        **data,
        f"actions-{row}-organisation_id": str(organisation_id),
        f"actions-{row}-description": description,
        f"actions-{row}-due_on": [str(day), str(month), str(year)],
    }
