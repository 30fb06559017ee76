"""The coded answers of the family's records."""

from __future__ import annotations

from ecdop.foundation.vocabulary import LabelledEnum


class Relationship(LabelledEnum):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    GRANDPARENT = "grandparent", "Grandparent"
    GUARDIAN = "guardian", "Guardian"
    OTHER_CARER = "other_carer", "Other carer"


class ContactMethod(LabelledEnum):
    TELEPHONE = "telephone", "Telephone call"
    HOME_VISIT = "home_visit", "Home visit"
    MEETING = "meeting", "Meeting in person"
    VIDEO = "video", "Video call"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    TEXT_MESSAGE = "text_message", "Text message"


class AccessibleFormat(LabelledEnum):
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"
    BRAILLE = "braille", "Braille"
    AUDIO = "audio", "Audio"


class QuestionFor(LabelledEnum):
    CDRM = "cdrm", "The Child Death Review Meeting"
    PANEL = "panel", "The Child Death Overview Panel"
    OTHER_MEETING = "other_meeting", "Another meeting"


class SupportOffered(LabelledEnum):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class SupportTakenUp(LabelledEnum):
    YES = "yes", "Yes"
    NO = "no", "No, not wanted"
    NOT_YET_KNOWN = "not_yet_known", "Not known yet"


class LetterKind(LabelledEnum):
    """The three letters of the review, each a template under ``reports/letters/``."""

    INTRODUCTION = "introduction", "Your key worker and the child death review"
    CDRM_INVITATION = "cdrm_invitation", "Your questions for the Child Death Review Meeting"
    OUTCOME = "outcome", "What the review of your child's death found"

    @property
    def milestones(self) -> frozenset[str]:
        """What sending it does, as the contact log records it."""
        return LETTER_MILESTONES[self]


LETTER_MILESTONES = {
    LetterKind.INTRODUCTION: frozenset({"told_about_review", "leaflet_given"}),
    LetterKind.CDRM_INVITATION: frozenset({"invited_to_contribute"}),
    LetterKind.OUTCOME: frozenset({"outcome_shared"}),
}
