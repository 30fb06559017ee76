"""The report's summary in plain English, written from published figures only: a suppressed
figure is never described, even in words like "three"."""

from __future__ import annotations

from ecdop.analytics.disclosure import SUPPRESSED
from ecdop.board_reports.tables import Facts
from ecdop.vocabulary import AgeBand

TOO_FEW = "too few to publish safely"


def _share(part, whole) -> float | None:
    if SUPPRESSED in (part, whole) or not whole:
        return None
    return 100 * int(part) / int(whole)


def _change(now: float | None, before: float | None, unit: str = "%") -> str:
    if now is None or before is None:
        return ""
    if round(now) == round(before):
        return f", the same as a year before ({before:.0f}{unit})"
    direction = "up" if now > before else "down"
    return f", {direction} from {before:.0f}{unit} a year before"


def deaths_sentence(facts: Facts, last_year: Facts) -> str:
    deaths = facts["deaths"]
    if deaths == SUPPRESSED:
        return f"The number of children's deaths in the period is {TOO_FEW} (1 to 5)."
    if deaths == 0:
        return "No child who lived in the area died in the period."
    earlier = last_year["deaths"]
    compared = (
        f", compared with {earlier:,} in the same period a year before"
        if isinstance(earlier, int)
        else ""
    )
    child = "child" if deaths == 1 else "children"
    return f"{deaths:,} {child} died in the period{compared}."


def infants_sentence(facts: Facts) -> str | None:
    ages = facts["deaths_by_age"] or {}
    parts = [ages.get(AgeBand.NEONATAL), ages.get(AgeBand.POST_NEONATAL)]
    if facts["deaths"] in (SUPPRESSED, 0) or SUPPRESSED in parts:
        return None
    share = _share(sum(parts), facts["deaths"])
    return f"{share:.0f}% of the children who died were under 1 year old."


def modifiable_sentence(facts: Facts, last_year: Facts) -> str:
    part, whole = facts["modifiable"] or (0, 0)
    if whole in (0, None):
        return "No reviews were completed in the period."
    share = _share(part, whole)
    if share is None:
        return f"The share of reviews with modifiable factors is {TOO_FEW}."
    before = _share(*(last_year["modifiable"] or (0, 0)))
    return (
        f"{share:.0f}% of the {int(whole):,} reviews completed had modifiable factors"
        f"{_change(share, before)}."
    )


def rate_sentence(facts: Facts) -> str | None:
    rate = facts["rate"]
    if rate is None:
        return None
    caution = (
        " This rate rests on fewer than 20 deaths, so read it with care."
        if (rate.unreliable)
        else ""
    )
    return (
        f"That is {rate.per_100k:.1f} deaths a year per 100,000 children (95% interval "
        f"{rate.interval.low:.1f} to {rate.interval.high:.1f}).{caution}"
    )


def category_sentence(facts: Facts) -> str | None:
    top = facts["top_category"]
    if top is None:
        return None
    label, count = top
    return (
        f"The most common category of death among completed reviews was {label.lower()} "
        f"({count:,})."
    )


def follow_up_sentences(facts: Facts) -> list[str]:
    sentences = []
    if facts["median_days"] is not None:
        sentences.append(
            f"Half of the reviews were closed within {facts['median_days']:.0f} days of the death."
        )
    if facts["top_theme"]:
        sentences.append(f"The learning theme met most often was {facts['top_theme'].lower()}.")
    overdue = facts["overdue_actions"]
    if overdue == SUPPRESSED:
        sentences.append(
            "A few of the panel's actions (1 to 5) were overdue at the end of the period."
        )
    elif overdue:
        sentences.append(
            f"{overdue:,} of the panel's actions were overdue at the end of the period."
        )
    if facts["patterns"]:
        count = facts["patterns"]
        sentences.append(
            f"ecdop raised {count} emerging pattern{'s' if count != 1 else ''} of "
            "deaths in the period: see Emerging patterns."
        )
    return sentences


def summary_of(facts: Facts, last_year: Facts) -> tuple[str, ...]:
    sentences = [
        deaths_sentence(facts, last_year),
        infants_sentence(facts),
        rate_sentence(facts),
        modifiable_sentence(facts, last_year),
        category_sentence(facts),
        *follow_up_sentences(facts),
    ]
    return tuple(sentence for sentence in sentences if sentence)
