"""The family's letters: each kind's default wording from its template under
``reports/letters/``, the key worker's edits, and the PDF the family receives, in large print
and with a note of their language where they asked for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template

from ecdop.auth.models import User
from ecdop.cases.models import Case
from ecdop.family.choices import AccessibleFormat, LetterKind
from ecdop.family.models import FamilyContact
from ecdop.family.queries import questions_of, review_dates
from ecdop.foundation.clock import uk_today
from ecdop.foundation.pdf import render_pdf

# The outcome letter's default holds this for the key worker to replace: it must not be sent.
TO_BE_WRITTEN = "[Write here"


def default_wording(kind: LetterKind, case: Case, contact: FamilyContact, key_worker: User) -> str:
    """The letter's wording as its template writes it, for the key worker to change."""
    answered = [q for q in questions_of(case) if q.answer.strip()]
    return render_template(
        f"reports/letters/{kind.value}.txt",
        contact=contact,
        key_worker=key_worker,
        child=case.given_names.split()[0] if case.given_names.split() else "your child",
        dates=review_dates(case),
        answered=answered,
    ).strip()


@dataclass(frozen=True)
class Letter:
    """What the PDF is made from."""

    kind: LetterKind
    contact: FamilyContact
    key_worker: User
    wording: str
    dated: date

    @property
    def title(self) -> str:
        return self.kind.label

    @property
    def address(self) -> str:
        return self.contact.address

    @property
    def large_print(self) -> bool:
        return AccessibleFormat.LARGE_PRINT.value in self.contact.accessible_formats

    @property
    def language_note(self) -> str:
        """Said first, where the family asked for another language or an interpreter."""
        language = self.contact.language.strip()
        interpreter = (
            "We will book an interpreter when we talk." if (self.contact.interpreter_needed) else ""
        )
        if not language:
            return interpreter
        ask = f"Ask {self.key_worker.full_name} if you would like this letter in {language}."
        return " ".join(
            part
            for part in (f"You told us you would like to use {language}.", interpreter, ask)
            if part
        )

    @property
    def paragraphs(self) -> list[list[str]]:
        """The wording's paragraphs (blank lines between), each a list of its lines."""
        blocks = [block.strip() for block in self.wording.replace("\r\n", "\n").split("\n\n")]
        return [block.split("\n") for block in blocks if block]


def letter_html(letter: Letter) -> str:
    return render_template("reports/letters/letter.html", letter=letter)


def letter_pdf(letter: Letter) -> bytes:
    return render_pdf(letter_html(letter))


def letter_of(kind: LetterKind, contact: FamilyContact, key_worker: User, wording: str) -> Letter:
    return Letter(kind, contact, key_worker, wording, uk_today())
