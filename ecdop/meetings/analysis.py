"""Between the analysis form and the service: the form's starting values and what it says."""

from __future__ import annotations

from ecdop.auth.models import Organisation
from ecdop.auth.queries import organisations_working_in
from ecdop.foundation.extensions import db
from ecdop.foundation.forms import record_id
from ecdop.foundation.vocabulary import CategoryOfDeath
from ecdop.meetings.choices import DOMAINS, FamilyQuestionsAnswered, ModifiableFactors
from ecdop.meetings.forms import AnalysisForm
from ecdop.meetings.models import PanelAnalysis
from ecdop.meetings.services import ActionRow, AnalysisValues


def organisation_choices(area_id: int) -> list[tuple[str, str]]:
    """Who may own an action: organisations of the case's area, whose people can see it."""
    return [(str(org.id), org.name) for org in organisations_working_in(area_id)]


def analysis_form_data(analysis: PanelAnalysis | None) -> dict:
    if analysis is None:
        return {"version": ""}
    data = {
        "category": analysis.category.value,
        "modifiable": analysis.modifiable.value,
        "learning_points": analysis.learning_points,
        "recommendations": analysis.recommendations,
        "family_questions_answered": (
            analysis.family_questions_answered.value if analysis.family_questions_answered else ""
        ),
        "family_learning": analysis.family_learning,
        "version": analysis.version_id,
        "actions": [
            {
                "action_id": action.id,
                "organisation_id": str(action.organisation_id),
                "description": action.description,
                "due_on": action.due_on,
            }
            for action in analysis.actions
        ],
    }
    for domain in DOMAINS:
        data[f"{domain.key}_score"] = str(analysis.score(domain.key))
        data[f"{domain.key}_factors"] = analysis.factors.get(domain.key, [])
        data[f"{domain.key}_other"] = analysis.other_factors.get(domain.key, "")
    return data


def analysis_values(form: AnalysisForm) -> AnalysisValues:
    return AnalysisValues(
        category=CategoryOfDeath(form.category.data) if form.category.data else None,
        scores={domain.key: _score(form[f"{domain.key}_score"].data) for domain in DOMAINS},
        factors={domain.key: list(form[f"{domain.key}_factors"].data or []) for domain in DOMAINS},
        other_factors={domain.key: form[f"{domain.key}_other"].data or "" for domain in DOMAINS},
        modifiable=ModifiableFactors(form.modifiable.data) if form.modifiable.data else None,
        learning_points=form.learning_points.data or "",
        recommendations=form.recommendations.data or "",
        family_questions_answered=(
            FamilyQuestionsAnswered(form.family_questions_answered.data)
            if form.family_questions_answered.data
            else None
        ),
        family_learning=form.family_learning.data or "",
        actions=[_action_row(row) for row in form.actions if not row.form.is_blank()],
    )


def _score(value: str | None) -> int | None:
    return int(value) if value in ("0", "1", "2") else None


def _action_row(entry) -> ActionRow:
    row = entry.form
    organisation_id = record_id(row.organisation_id.data)
    return ActionRow(
        organisation=db.session.get(Organisation, organisation_id) if organisation_id else None,
        description=row.description.data or "",
        due_on=row.due_on.data,
        action_id=record_id(row.action_id.data),
        field=entry.name,
    )
