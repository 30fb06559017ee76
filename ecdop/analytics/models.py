"""Reference data for the board's statistics: child populations, and deprivation by postcode."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecdop.analytics.choices import AgeBand
from ecdop.db import Base, TimestampMixin, string_enum


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


class PostcodeDeprivation(Base):
    """A postcode's LSOA and that LSOA's Index of Multiple Deprivation decile (1 = most
    deprived), joined to cases on the normalised postcode."""

    __tablename__ = "postcode_deprivation"
    __table_args__ = (CheckConstraint("imd_decile BETWEEN 1 AND 10", name="imd_decile_range"),)

    # As cases hold it (notifications.rules.clean_postcode): "SW1A 2AA", so the join is equality.
    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    lsoa_code: Mapped[str] = mapped_column(String(9))
    imd_decile: Mapped[int] = mapped_column(Integer)
