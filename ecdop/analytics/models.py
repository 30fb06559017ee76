"""Reference data for the board's statistics: child populations, and deprivation by postcode."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.analytics.choices import WarningRuleKind
from ecdop.auth.models import Area
from ecdop.cases.models import Case
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import not_personal
from ecdop.foundation.vocabulary import AgeBand, CategoryOfDeath


class PopulationEstimate(Base, TimestampMixin):
    """Children living in an area in a year (mid-year estimate), by age band: the rates'
    denominators."""

    __tablename__ = "population_estimates"
    __table_args__ = (
        UniqueConstraint("area_id", "year", "age_band"),
        CheckConstraint("population >= 0", name="population_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    year: Mapped[int] = mapped_column(Integer)
    age_band: Mapped[AgeBand] = mapped_column(string_enum(AgeBand, length=10))
    population: Mapped[int] = mapped_column(Integer)


class LiveBirths(Base, TimestampMixin):
    """Live births in an area in a year (ONS births registrations): the denominator of the
    rates of deaths under 28 days and under one year, as the national reports give them."""

    __tablename__ = "live_births"
    __table_args__ = (
        UniqueConstraint("area_id", "year"),
        CheckConstraint("births >= 0", name="births_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    year: Mapped[int] = mapped_column(Integer)
    births: Mapped[int] = mapped_column(
        Integer, info=not_personal("a count of live births in an area and year")
    )


class PostcodeDeprivation(Base):
    """A postcode's LSOA and that LSOA's Index of Multiple Deprivation decile (1 = most
    deprived), joined to cases on the normalised postcode."""

    __tablename__ = "postcode_deprivation"
    __table_args__ = (CheckConstraint("imd_decile BETWEEN 1 AND 10", name="imd_decile_range"),)

    # As cases hold it (notifications.rules.clean_postcode): "SW1A 2AA", so the join is equality.
    postcode: Mapped[str] = mapped_column(
        String(8),
        primary_key=True,
        info=not_personal("reference data: every postcode's deprivation decile, of nobody"),
    )
    lsoa_code: Mapped[str] = mapped_column(String(9))
    imd_decile: Mapped[int] = mapped_column(Integer)


class WarningRule(Base, TimestampMixin):
    """One area's rule for spotting an emerging pattern of deaths early. Rules are data, set
    by an admin per area, so that each partnership can tune what worries it."""

    __tablename__ = "warning_rules"
    __table_args__ = (
        CheckConstraint("min_deaths BETWEEN 2 AND 100", name="min_deaths_range"),
        CheckConstraint("window_days BETWEEN 1 AND 366", name="window_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    kind: Mapped[WarningRuleKind] = mapped_column(string_enum(WarningRuleKind))
    category: Mapped[CategoryOfDeath] = mapped_column(string_enum(CategoryOfDeath))
    # Sudden unexpected deaths in infancy (SUDI) are watched apart from older children's.
    infants_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Cluster: this many deaths within window_days. Exceedance: at least this many in the
    # last 12 months, so that one death after three quiet years does not raise an alarm.
    min_deaths: Mapped[int] = mapped_column(Integer)
    window_days: Mapped[int] = mapped_column(Integer, default=60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    area: Mapped[Area] = relationship()

    @property
    def deaths_described(self) -> str:
        deaths = f"deaths in the category '{self.category.label}'"
        return f"{deaths} of children under 1 year old" if self.infants_only else deaths

    @property
    def description(self) -> str:
        if self.kind is WarningRuleKind.CLUSTER:
            return (
                f"{self.min_deaths} or more {self.deaths_described} within {self.window_days} days"
            )
        return (
            f"More {self.deaths_described} in the last 12 months than the usual range of the "
            f"three years before (and at least {self.min_deaths})"
        )


emerging_pattern_cases = Table(
    "emerging_pattern_cases",
    Base.metadata,
    Column("pattern_id", ForeignKey("emerging_patterns.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
)


class EmergingPattern(Base, TimestampMixin):
    """A signal raised by a warning rule: the coordinators hear of it once, however many
    times the rule is checked while it lasts."""

    __tablename__ = "emerging_patterns"
    __table_args__ = (Index("ix_emerging_patterns_area_id_raised_on", "area_id", "raised_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("warning_rules.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    kind: Mapped[WarningRuleKind] = mapped_column(string_enum(WarningRuleKind))
    category: Mapped[CategoryOfDeath] = mapped_column(string_enum(CategoryOfDeath))
    # The rule's words when the pattern was raised (the rule may be changed later).
    description: Mapped[str] = mapped_column(String(300))
    raised_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    deaths: Mapped[int] = mapped_column(Integer)
    # Exceedance only: the mean of the three years before, and its upper 95% Poisson limit.
    expected: Mapped[float | None] = mapped_column(Float)
    upper_limit: Mapped[int | None] = mapped_column(Integer)

    rule: Mapped[WarningRule] = relationship()
    area: Mapped[Area] = relationship()
    cases: Mapped[list[Case]] = relationship(
        secondary=emerging_pattern_cases, order_by=(Case.date_of_death, Case.id)
    )


class AreaToWatch(Base):
    """An area whose early-warning rules must be checked again: a death was notified or
    triaged there, or its rules changed. The request only asks; a job checks, within a
    minute, so no request waits on a scan of the area's history."""

    __tablename__ = "areas_to_watch"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    # The latest ask: one made while the check runs is kept for the next run.
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
