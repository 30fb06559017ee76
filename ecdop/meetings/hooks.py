"""Where the panel's papers ask the features beside them what they hold (the table is in
``ecdop/wiring.py``): the family's questions for the panel, and the names of the living people
around the child that no paper may carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecdop.foundation.hooks import Hook

if TYPE_CHECKING:
    from ecdop.cases.models import Case


@dataclass(frozen=True)
class QuestionForThePanel:
    """A question the family put to the review, as the panel reads it: their words (the pack
    redacts them) and whether it has been answered."""

    question: str
    answered: bool


@dataclass(frozen=True)
class PersonNamed:
    """Someone living whose name and address the papers must never carry."""

    name: str
    address: str = ""


# The family's questions, in the order they were asked.
questions_for_the_panel: Hook[[Case], list[QuestionForThePanel]] = Hook("questions_for_the_panel")
# Whether bereavement support was offered to the family: "yes", "no" or "not_known", for the
# national return's field (the return carries nothing else of the family).
bereavement_support_offered: Hook[[Case], str] = Hook("bereavement_support_offered")
# The people around the child (parents, carers) whose names are identifiers in the papers.
people_around_the_child: Hook[[Case], list[PersonNamed]] = Hook("people_around_the_child")
