"""The report's summary in plain English, written from published figures only: a suppressed
figure is never described, even in words like "three"."""

from __future__ import annotations

from ecdop.analytics.disclosure import SUPPRESSED
from ecdop.board_reports.tables import PublishedFigures, share
from ecdop.foundation.vocabulary import AgeBand

TOO_FEW = "too few to publish safely"


def _share(part, whole) -> float | None:
    """The share to speak of: none where it is suppressed or there is nothing to share."""
    value = share(part, whole)
    return value if isinstance(value, float) else None


def _change(now: float | None, before: float | None, unit: str = "%") -> str:
    if now is None or before is None:
        return ""
    if round(now) == round(before):
        return f", the same as a year before ({before:.0f}{unit})"
    direction = "up" if now > before else "down"
    return f", {direction} from {before:.0f}{unit} a year before"


def deaths_sentence(figures: PublishedFigures, last_year: PublishedFigures) -> str:
    deaths = figures.deaths
    if deaths == SUPPRESSED:
        return f"The number of children's deaths in the period is {TOO_FEW} (1 to 5)."
    if deaths == 0:
        return "No child who lived in the area died in the period."
    earlier = last_year.deaths
    compared = (
        f", compared with {earlier:,} in the same period a year before"
        if isinstance(earlier, int)
        else ""
    )
    child = "child" if deaths == 1 else "children"
    return f"{deaths:,} {child} died in the period{compared}."


def infants_sentence(figures: PublishedFigures) -> str | None:
    ages = figures.deaths_by_age or {}
    parts = [ages.get(AgeBand.NEONATAL), ages.get(AgeBand.POST_NEONATAL)]
    if figures.deaths in (SUPPRESSED, 0) or SUPPRESSED in parts:
        return None
    share = _share(sum(parts), figures.deaths)
    return f"{share:.0f}% of the children who died were under 1 year old."


def modifiable_sentence(figures: PublishedFigures, last_year: PublishedFigures) -> str:
    part, whole = figures.modifiable or (0, 0)
    if whole in (0, None):
        return "No reviews were completed in the period."
    share = _share(part, whole)
    if share is None:
        return f"The share of reviews with modifiable factors is {TOO_FEW}."
    before = _share(*(last_year.modifiable or (0, 0)))
    return (
        f"{share:.0f}% of the {int(whole):,} reviews completed had modifiable factors"
        f"{_change(share, before)}."
    )


def rate_sentence(figures: PublishedFigures) -> str | None:
    rate = figures.rate
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


def category_sentence(figures: PublishedFigures) -> str | None:
    top = figures.top_category
    if top is None:
        return None
    label, count = top
    return (
        f"The most common category of death among completed reviews was {label.lower()} "
        f"({count:,})."
    )


def follow_up_sentences(figures: PublishedFigures) -> list[str]:
    sentences = []
    if figures.median_days is not None:
        sentences.append(
            f"Half of the reviews were closed within {figures.median_days:.0f} days of the death."
        )
    if figures.top_theme:
        sentences.append(f"The learning theme met most often was {figures.top_theme.lower()}.")
    overdue = figures.overdue_actions
    if overdue == SUPPRESSED:
        sentences.append(
            "A few of the panel's actions (1 to 5) were overdue at the end of the period."
        )
    elif overdue:
        sentences.append(
            f"{overdue:,} of the panel's actions were overdue at the end of the period."
        )
    if figures.patterns:
        count = figures.patterns
        sentences.append(
            f"ecdop raised {count} emerging pattern{'s' if count != 1 else ''} of "
            "deaths in the period: see Emerging patterns."
        )
    return sentences


def summary_of(figures: PublishedFigures, last_year: PublishedFigures) -> tuple[str, ...]:
    sentences = [
        deaths_sentence(figures, last_year),
        infants_sentence(figures),
        rate_sentence(figures),
        modifiable_sentence(figures, last_year),
        category_sentence(figures),
        *follow_up_sentences(figures),
    ]
    return tuple(sentence for sentence in sentences if sentence)
