"""Reporting forms are data: every definition loads, and the generated form follows it."""

from __future__ import annotations

import pytest

from ecdop.reporting_forms.definitions import (
    CORE_FORM,
    NOT_KNOWN,
    AnswerKind,
    DefinitionError,
    _definition,
    definition_for,
    form_definitions,
    missing_answers,
)

SUPPLEMENTARY = {
    "neonatal", "sudi_sudc", "suicide_self_harm", "road_traffic_collision", "drowning",
    "fire_burns", "poisoning", "substance_misuse", "homicide", "life_limiting_condition",
    "asthma_anaphylaxis", "cardiac",
}  # fmt: skip


def test_the_core_form_and_every_supplementary_form_of_the_guidance_are_defined():
    assert set(form_definitions()) == {CORE_FORM} | SUPPLEMENTARY
    assert next(iter(form_definitions())) == CORE_FORM


def test_the_core_form_covers_what_the_guidance_asks():
    titles = [section.title for section in definition_for(CORE_FORM).sections]
    assert titles == [
        "Your agency's involvement",
        "Relevant history",
        "Concerns",
        "Factors your agency knows of",
        "Learning",
    ]
    factors = definition_for(CORE_FORM).sections[3].questions
    assert [q.key for q in factors] == [
        "factors_intrinsic", "factors_social", "factors_physical", "factors_service",
    ]  # fmt: skip


@pytest.mark.parametrize("key", sorted(form_definitions()))
def test_every_definition_has_required_questions_and_offers_not_known(key):
    definition = definition_for(key)
    assert any(question.required for question in definition.questions)
    for question in definition.questions:
        if question.has_choices and question.not_known:
            assert question.offered_choices[-1] == (NOT_KNOWN, "Not known")


def test_missing_answers_names_each_required_question():
    definition = definition_for("sudi_sudc")
    problems = missing_answers(definition, {"found_where": "adult_bed"}, [])
    assert problems == {
        "co_sleeping": 'Select an answer for "Was the child sharing a sleep surface with an '
        'adult or another child?"'
    }
    assert missing_answers(definition, {"found_where": "adult_bed"}, ["co_sleeping"]) == {}


@pytest.mark.parametrize(
    ("raw_question", "problem"),
    [
        ({"key": "a", "label": "A", "kind": "choice"}, "choices go with kind 'choice'"),
        ({"key": "a", "label": "A", "kind": "long_text", "choices": [["x", "X"]]}, "choices go"),
        ({"key": "version", "label": "A", "kind": "long_text"}, "unusable question keys"),
        ({"key": "a_not_known", "label": "A", "kind": "long_text"}, "unusable question keys"),
        ({"key": "has space", "label": "A", "kind": "long_text"}, "unusable question keys"),
    ],
)
def test_a_broken_definition_is_refused(raw_question, problem):
    raw = {"key": "x", "title": "X", "sections": [
        {"key": "s", "title": "S", "questions": [raw_question]}]}  # fmt: skip
    with pytest.raises(DefinitionError, match=problem):
        _definition(raw)


def test_repeated_question_keys_are_refused():
    question = {"key": "a", "label": "A", "kind": "long_text"}
    raw = {"key": "x", "title": "X", "sections": [
        {"key": "s", "title": "S", "questions": [question, question]}]}  # fmt: skip
    with pytest.raises(DefinitionError, match="repeat"):
        _definition(raw)


def test_generated_form_has_a_field_per_question_and_not_known_boxes(app):
    from ecdop.reporting_forms.forms import report_form_class

    definition = definition_for(CORE_FORM)
    with app.test_request_context():
        form = report_form_class(definition)(meta={"csrf": False})
    for question in definition.questions:
        assert question.key in form
        has_box = question.key + "_not_known" in form
        assert has_box == (question.not_known and not question.has_choices)
    dates = [q.key for q in definition.questions if q.kind is AnswerKind.DATE]
    assert dates == ["first_contact_on", "last_contact_on"]
