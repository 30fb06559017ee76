"""Where the panel's papers ask the features beside them what they hold (the table is in
``ecdop/wiring.py``): the family's questions for the panel, the extracts written from the
documents kept with the case, and the names of the living people around the child that no
paper may carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True)
class DocumentForThePanel:
    """A document kept with the case, as the panel's papers know it: what it is, where its
    extract is written, and the extract once confirmed (the pack redacts it again)."""

    what: str  # its kind, as the pack may name it
    received_on: date
    path: str
    text_key: str  # which text, for the words confirmed not to be identifiers in it
    extract: str | None


# The family's questions, in the order they were asked.
questions_for_the_panel: Hook[[Case], list[QuestionForThePanel]] = Hook("questions_for_the_panel")
# Whether bereavement support was offered to the family: "yes", "no" or "not_known", for the
# national return's field (the return carries nothing else of the family).
bereavement_support_offered: Hook[[Case], str] = Hook("bereavement_support_offered")
# The people around the child (parents, carers) whose names are identifiers in the papers.
people_around_the_child: Hook[[Case], list[PersonNamed]] = Hook("people_around_the_child")
# The documents kept with the case (not withdrawn), with their confirmed extracts.
documents_for_the_panel: Hook[[Case], list[DocumentForThePanel]] = Hook("documents_for_the_panel")
# The post-mortem and the inquest, for the national return: coded answers and dates, never a
# document or free text ({"post_mortem": {...} | None, "inquest": {...} | None}).
investigations_for_the_return: Hook[[Case], dict[str, dict | None]] = Hook(
    "investigations_for_the_return"
)
