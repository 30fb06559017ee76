"""Taking identifying details out of what goes to the panel.

The child's own identifiers are known (every notification gives name, NHS number, date of
birth, address and postcode), so they are matched exactly, wherever and however they are
written. Patterns catch the same kinds of detail about anyone else: NHS numbers, postcodes,
e-mail addresses and phone numbers. Someone else's name (a sibling's, a parent's) cannot be
known: a capitalised word that is no ordinary word is asked about, never replaced, and the
coordinator who reads and confirms every extract takes it out or confirms it.

A part of a name that is also an ordinary word (Rose, Hill, May) is a name only where it is
written as one: with a capital. In lower case it is the word, and left alone; at the start of
a sentence it could be either, so it is found but not replaced, for the coordinator to judge.
Lines that ecdop wrote itself (a form's headings and questions) are never searched, and a word
the coordinator has confirmed is not an identifier in a text stays in that text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask import current_app

from ecdop.cases.models import Case
from ecdop.meetings.hooks import people_around_the_child
from ecdop.notifications.models import Notification
from ecdop.notifications.queries import notifications_of

NAME = "[name]"
NHS_NUMBER = "[NHS number]"
DATE_OF_BIRTH = "[date of birth]"
DATE_OF_DEATH = "[date of death]"
ADDRESS = "[address]"
POSTCODE = "[postcode]"
EMAIL = "[e-mail address]"
PHONE = "[phone number]"
# Never put in the text: only offered to the coordinator, who takes it out or confirms it.
OTHER_NAME = "[another name?]"

# What each placeholder stands for, in a coordinator's words.
FOUND_WORDS = {
    NAME: "a name",
    NHS_NUMBER: "an NHS number",
    DATE_OF_BIRTH: "the date of birth",
    DATE_OF_DEATH: "the date of death",
    ADDRESS: "the home address",
    POSTCODE: "a postcode",
    EMAIL: "an e-mail address",
    PHONE: "a phone number",
    OTHER_NAME: "perhaps someone else's name",
}
# An NHS number or the child's own dates identify whatever the text around them says: a
# coordinator cannot confirm them away. A name, an address, a phone number may be a ward's,
# a hospital's or a switchboard's.
NEVER_CONFIRMABLE = frozenset({NHS_NUMBER, DATE_OF_BIRTH, DATE_OF_DEATH})

NHS_NUMBER_PATTERN = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
POSTCODE_PATTERN = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_PATTERN = re.compile(r"(?<![\d\w])(?:\+44\s?|0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}(?!\d)")
MONTHS = "January February March April May June July August September October November December"
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
# A word written with a capital that the word list has only as a name, or not at all: a
# sibling's or a parent's first name, a street, a school. Capitals alone (GP, NHS) are not.
CAPITALISED_WORD = re.compile(r"(?<![\w'’-])[A-Z][a-z]+(?:-[A-Z][a-z]+)*(?![\w-])")
NOT_NAMES = frozenset(word.casefold() for word in f"{MONTHS} {DAYS} English British".split())
# What may stand between the end of a sentence (or a line) and the next word.
SENTENCE_GAP = " \t\"'\u201c\u2018([*\u2022-\u2013"
CONTEXT_CHARACTERS = 30


@dataclass(frozen=True)
class Identifiers:
    """Everything recorded that identifies this child, as it might appear in text."""

    phrases: tuple[tuple[str, str], ...]  # (phrase, placeholder), longest first
    dates: tuple[tuple[date, str], ...]
    # Single-word phrases that are also ordinary lower-case words ("rose", "hill").
    ordinary: frozenset[str] = field(default_factory=frozenset)
    # The word list's ordinary words, to ask about capitalised words that are none of them
    # (other people's names); None looks for the child's identifiers alone.
    words: frozenset[str] | None = None


@dataclass(frozen=True)
class Finding:
    """One place in a text where something identifying is, or may be, written."""

    start: int
    end: int
    written: str
    placeholder: str
    certain: bool  # replaced by the automatic redaction; otherwise left for a person to judge
    line: int
    context: tuple[str, str]  # what is written just before and after it on its line

    @property
    def word(self) -> str:
        """What a coordinator's confirmation is kept under: case and spacing aside."""
        return normalised(self.written)

    @property
    def what(self) -> str:
        return FOUND_WORDS[self.placeholder]

    @property
    def doubt(self) -> str:
        """Why it is only perhaps an identifier, in the check's words; "" when it is one."""
        if self.certain or self.placeholder == OTHER_NAME:
            return ""
        return "perhaps: it starts a sentence"

    @property
    def confirmable(self) -> bool:
        return self.placeholder not in NEVER_CONFIRMABLE


def normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _ordinary_words(path: str) -> frozenset[str]:
    """The word list's entries written wholly in lower case: "rose" is there, "Mary" is not."""
    try:
        lines = Path(path).read_text(encoding="utf-8").split()
    except OSError:
        current_app.logger.warning("No word list at ECDOP_WORD_LIST: every name part is strict")
        return frozenset()
    return frozenset(word for word in lines if word.isalpha() and word.islower())


def ordinary_words() -> frozenset[str]:
    return _ordinary_words(current_app.config["WORD_LIST"])


def identifiers_of(case: Case) -> Identifiers:
    phrases: dict[str, str] = {}
    notifications = notifications_of(case)
    records: list[Case | Notification] = [case, *notifications]
    for record in records:
        for name in (record.given_names, record.family_name):
            for part in _name_parts(name):
                phrases.setdefault(part.lower(), NAME)
        for part in _name_parts(f"{record.given_names} {record.family_name}"):
            phrases.setdefault(part.lower(), NAME)
        if record.nhs_number:
            phrases.setdefault(record.nhs_number, NHS_NUMBER)
    for notification in notifications:
        for part in _address_parts(notification.address):
            phrases.setdefault(part.lower(), ADDRESS)
        phrases.setdefault(notification.notifier_name.lower(), NAME)
    for person in (person for answer in people_around_the_child(case) for person in answer):
        for part in _name_parts(person.name):
            phrases.setdefault(part.lower(), NAME)
        for part in _address_parts(person.address):
            phrases.setdefault(part.lower(), ADDRESS)
    ordered = sorted(phrases.items(), key=lambda item: -len(item[0]))
    births = {record.date_of_birth for record in records}
    deaths = {record.date_of_death for record in records}
    dates = [(day, DATE_OF_BIRTH) for day in births] + [(day, DATE_OF_DEATH) for day in deaths]
    ordinary = frozenset(phrases) & ordinary_words()
    return Identifiers(tuple(ordered), tuple(dates), ordinary, words=ordinary_words())


def _name_parts(name: str) -> set[str]:
    """The whole name, each word, and each part of a hyphenated word. A single letter is an
    initial, and as a word ("a", "I") would be found everywhere."""
    words = name.split()
    parts = {name.strip(), *words, *(piece for word in words for piece in word.split("-"))}
    return {part for part in parts if len(part) >= 2}


def _address_parts(address: str) -> set[str]:
    lines = re.split(r"[,\n]", address)
    return {line.strip() for line in lines if len(line.strip()) >= 4}


def _phrase_pattern(phrase: str) -> re.Pattern:
    # Spaces in the record match any run of spaces in the text; an NHS number may be spaced.
    if phrase.isdigit() and len(phrase) == 10:
        body = rf"{phrase[:3]}[ -]?{phrase[3:6]}[ -]?{phrase[6:]}"
    else:
        body = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE)


def _date_patterns(day: date) -> list[re.Pattern]:
    """The ways people write a date: 3/1/2020, 03-01-20, 2020-01-03, 3rd January 2020, Jan 3."""
    month = MONTHS.split()[day.month - 1]
    d, m, y = day.day, day.month, day.year
    numeric = rf"0?{d}\s*[/.-]\s*0?{m}\s*[/.-]\s*(?:{y}|{y % 100:02d})"
    iso = rf"{y}-{m:02d}-{d:02d}"
    month_name = rf"(?:{month}|{month[:3]})\.?"
    day_word = rf"0?{d}(?:st|nd|rd|th)?"
    written = rf"{day_word}(?:\s+of)?\s+{month_name},?(?:\s+{y})?"
    american = rf"{month_name}\s+{day_word},?(?:\s+{y})?"
    return [
        re.compile(rf"(?<![\w]){pattern}(?![\w])", re.IGNORECASE)
        for pattern in (numeric, iso, written, american)
    ]


def _searches(identifiers: Identifiers) -> Iterator[tuple[re.Pattern, str, bool]]:
    """(pattern, placeholder, is an ordinary word) in the order they claim text: an e-mail
    address whole before the name in it, a date before its numbers, a long phrase before its
    words."""
    yield EMAIL_PATTERN, EMAIL, False
    for day, placeholder in identifiers.dates:
        for pattern in _date_patterns(day):
            yield pattern, placeholder, False
    for phrase, placeholder in identifiers.phrases:
        yield _phrase_pattern(phrase), placeholder, phrase in identifiers.ordinary
    yield NHS_NUMBER_PATTERN, NHS_NUMBER, False
    yield PHONE_PATTERN, PHONE, False
    yield POSTCODE_PATTERN, POSTCODE, False


def find_identifiers(
    text: str,
    identifiers: Identifiers,
    *,
    written_by_ecdop: frozenset[str] = frozenset(),
    not_identifiers: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every place in the text that identifies the child or may, in the order written.

    ``written_by_ecdop``: lines (normalised) that ecdop wrote, never searched.
    ``not_identifiers``: words (normalised) a coordinator confirmed are not identifiers here.
    """
    taken: list[tuple[int, int]] = []
    findings: list[Finding] = []
    for pattern, placeholder, ordinary in _searches(identifiers):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            certain = _is_certain(text, match, ordinary)
            if certain is None:
                continue
            taken.append((start, end))
            if _line_at(text, start) in written_by_ecdop or normalised(match[0]) in not_identifiers:
                continue
            findings.append(_finding(text, match, placeholder, certain))
    for match in _other_names(text, taken, identifiers.words):
        if _line_at(text, match.start()) not in written_by_ecdop and (
            normalised(match[0]) not in not_identifiers
        ):
            findings.append(_finding(text, match, OTHER_NAME, certain=False))
    return sorted(findings, key=lambda finding: finding.start)


def _other_names(
    text: str, taken: list[tuple[int, int]], ordinary: frozenset[str] | None
) -> Iterator[re.Match]:
    """Capitalised words that are no ordinary word, outside what was found already: perhaps
    the name of someone else in the child's life, for the coordinator to judge."""
    if ordinary is None:
        return
    for match in CAPITALISED_WORD.finditer(text):
        start, end = match.span()
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        parts = match[0].casefold().split("-")
        if not all(part in ordinary or part in NOT_NAMES for part in parts):
            yield match


def _is_certain(text: str, match: re.Match, ordinary: bool) -> bool | None:
    """True: an identifier. False: may be one (a person judges). None: an ordinary word."""
    if not ordinary:
        return True
    if match[0].islower():
        return None
    return not _starts_sentence(text, match.start())


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(SENTENCE_GAP)
    return not before or before[-1] in ".!?:\n"


def _line_at(text: str, start: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return normalised(text[line_start : line_end if line_end >= 0 else len(text)])


def _finding(text: str, match: re.Match, placeholder: str, certain: bool) -> Finding:
    start, end = match.span()
    before = text[max(0, start - CONTEXT_CHARACTERS) : start].split("\n")[-1]
    after = text[end : end + CONTEXT_CHARACTERS].split("\n")[0]
    lead = "…" if len(before) == CONTEXT_CHARACTERS else ""
    tail = "…" if len(after) == CONTEXT_CHARACTERS else ""
    line = text.count("\n", 0, start) + 1
    return Finding(start, end, match[0], placeholder, certain, line,
                   (f"{lead}{before}".lstrip(), f"{after}{tail}".rstrip()))  # fmt: skip


def redact(
    text: str,
    identifiers: Identifiers,
    *,
    written_by_ecdop: frozenset[str] = frozenset(),
    not_identifiers: frozenset[str] = frozenset(),
) -> tuple[str, list[str]]:
    """The text with identifying details replaced by placeholders, and the placeholders used.
    What only may identify (a capitalised ordinary word starting a sentence) is left for the
    coordinator's check."""
    findings = find_identifiers(
        text, identifiers, written_by_ecdop=written_by_ecdop, not_identifiers=not_identifiers
    )
    used: list[str] = []
    for finding in reversed([finding for finding in findings if finding.certain]):
        text = text[: finding.start] + finding.placeholder + text[finding.end :]
        used.insert(0, finding.placeholder)
    return text, list(dict.fromkeys(used))


def identifying_details_in(text: str, identifiers: Identifiers) -> list[str]:
    """What identifying details the text holds, in words ("a name", "a postcode")."""
    return [FOUND_WORDS[placeholder] for placeholder in redact(text, identifiers)[1]]


def age_at_death(date_of_birth: date, date_of_death: date) -> str:
    """Days for a newborn, months under two, years after: as paediatricians say it."""
    days = (date_of_death - date_of_birth).days
    if days < 28:
        return _count(days, "day")
    age = relativedelta(date_of_death, date_of_birth)
    months = age.years * 12 + age.months
    if months < 24:
        return _count(max(months, 1), "month")
    return _count(age.years, "year")


def _count(amount: int, unit: str) -> str:
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def relative_to_death(day: date, date_of_death: date) -> str:
    """A date in an agency report, told without the calendar date (which could identify)."""
    days = (date_of_death - day).days
    if days == 0:
        return "The day of the death"
    when = "before" if days > 0 else "after"
    days = abs(days)
    if days < 60:
        return f"{_count(days, 'day')} {when} the death"
    months = days * 12 // 365
    if months < 24:
        return f"About {_count(months, 'month')} {when} the death"
    return f"About {_count(days // 365, 'year')} {when} the death"
