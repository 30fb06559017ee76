"""A case: one child's death, however many notifications it arrived by."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecdop.auth.models import Area, User
from ecdop.cases.states import INITIAL_STAGE, NOT_LIVE_STAGES, UNDER_WAY_STAGES, Stage
from ecdop.foundation.db import Base, TimestampMixin, UTCDateTime, string_enum, utc_now
from ecdop.foundation.personal_data import Deidentification, of_the_child
from ecdop.foundation.vocabulary import (
    AgeBand,
    CategoryOfDeath,
    Ethnicity,
    Expectation,
    PlaceOfDeath,
    Sex,
)

ACTIVE_CASE = text("merged_into_id IS NULL")


UNDER_WAY_CONDITION = (
    "stage IN (" + ", ".join(f"'{stage.value}'" for stage in UNDER_WAY_STAGES) + ") "
    "AND merged_into_id IS NULL"
)


class Case(Base, TimestampMixin):
    __tablename__ = "cases"
    __table_args__ = (
        # A case that points to the one it was merged into is at the terminal "merged" stage.
        CheckConstraint(
            "merged_into_id IS NULL OR stage = 'merged'", name="merged_at_merged_stage"
        ),
        UniqueConstraint("area_id", "year", "sequence", name="uq_cases_area_year_sequence"),
        # One live case per child per area: concurrent notifications of the same NHS number
        # collide here instead of making two cases.
        Index(
            "uq_cases_area_id_nhs_number_active",
            "area_id",
            "nhs_number",
            unique=True,
            sqlite_where=text("nhs_number IS NOT NULL AND merged_into_id IS NULL"),
            postgresql_where=text("nhs_number IS NOT NULL AND merged_into_id IS NULL"),
        ),
        Index("ix_cases_area_id_stage_created_at", "area_id", "stage", "created_at"),
        Index("ix_cases_area_id_created_at", "area_id", "created_at"),
        # The case list as it opens (the cases under way), in each of its orders: a few
        # thousand cases among the whole history.
        *(
            Index(
                f"ix_cases_under_way_{column}",
                "area_id",
                column,
                sqlite_where=text(UNDER_WAY_CONDITION),
                postgresql_where=text(UNDER_WAY_CONDITION),
            )
            for column in ("created_at", "date_of_death", "reference")
        ),  # fmt: skip
        # The cases flagged as possible duplicates of a case, and those merged into it (its
        # page and its timeline list them).
        Index("ix_cases_possible_duplicate_of_id", "possible_duplicate_of_id"),
        Index("ix_cases_merged_into_id", "merged_into_id"),
        # Possible duplicates waiting for a decision: a handful among the whole history.
        Index(
            "ix_cases_area_id_created_at_possible_duplicate",
            "area_id",
            "created_at",
            sqlite_where=text("possible_duplicate_of_id IS NOT NULL AND merged_into_id IS NULL"),
            postgresql_where=text(
                "possible_duplicate_of_id IS NOT NULL AND merged_into_id IS NULL"
            ),
        ),
        # The case list ordered by date of death.
        Index("ix_cases_area_id_date_of_death", "area_id", "date_of_death"),
        Index("ix_cases_duplicate_key", "area_id", "date_of_birth", "date_of_death", "sex"),
        Index(
            "ix_cases_family_name_key",
            "family_name_key",
            postgresql_ops={"family_name_key": "text_pattern_ops"},
        ),
        Index(
            "ix_cases_given_names_key",
            "given_names_key",
            postgresql_ops={"given_names_key": "text_pattern_ops"},
        ),
        Index("ix_cases_nhs_number", "nhs_number"),
        # Reference search is by prefix (e.g. "DEMO-2026-00"); LIKE 'x%' needs pattern ops.
        Index(
            "ix_cases_reference_pattern",
            "reference",
            postgresql_ops={"reference": "text_pattern_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    stage: Mapped[Stage] = mapped_column(string_enum(Stage), default=INITIAL_STAGE)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)

    # The child, as first notified
    given_names: Mapped[str] = mapped_column(
        String(100),
        info=of_the_child("to know which child died", Deidentification.REMOVE),
    )
    family_name: Mapped[str] = mapped_column(
        String(100),
        info=of_the_child("to know which child died", Deidentification.REMOVE),
    )
    given_names_key: Mapped[str] = mapped_column(
        String(100),
        info=of_the_child("to find the same child notified twice", Deidentification.REMOVE),
    )
    family_name_key: Mapped[str] = mapped_column(
        String(100),
        info=of_the_child("to find the same child notified twice", Deidentification.REMOVE),
    )
    nhs_number: Mapped[str | None] = mapped_column(
        String(10),
        info=of_the_child("to match notifications of the same child", Deidentification.REMOVE),
    )
    date_of_birth: Mapped[date] = mapped_column(
        Date,
        info=of_the_child(
            "the child's age at death, for the review and the statistics",
            Deidentification.COARSEN,
        ),
    )
    sex: Mapped[Sex] = mapped_column(
        string_enum(Sex),
        info=of_the_child("for the review and the statistics", Deidentification.KEEP),
    )
    ethnicity: Mapped[Ethnicity] = mapped_column(
        string_enum(Ethnicity),
        info=of_the_child("for the review and the statistics", Deidentification.KEEP),
    )
    postcode: Mapped[str] = mapped_column(
        String(8),
        info=of_the_child(
            "where the child lived: the area and its deprivation",
            Deidentification.COARSEN,
        ),
    )

    # The death
    date_of_death: Mapped[date] = mapped_column(
        Date,
        info=of_the_child("when the child died: deadlines run from it", Deidentification.COARSEN),
    )
    place_of_death: Mapped[PlaceOfDeath] = mapped_column(string_enum(PlaceOfDeath))
    expectation: Mapped[Expectation] = mapped_column(string_enum(Expectation))
    # Worked out once from the two dates, so that reports can group by it in SQL.
    age_band: Mapped[AgeBand] = mapped_column(string_enum(AgeBand, length=10))
    # The category as first seen (the notifier's view, then the coordinator's at triage), for
    # early warning of clusters; the panel's analysis records the category for good.
    provisional_category: Mapped[CategoryOfDeath | None] = mapped_column(
        string_enum(CategoryOfDeath)
    )

    # Duplicate handling: a flag for the coordinator, and where a merged case now lives
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))

    # Triage: the coordinator confirmed scope, residence and whether the death was expected
    triaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # When the coordinator told the National Child Mortality Database of the death
    national_database_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Set when the retention rule de-identified the case. The postcode's deprivation decile is
    # kept then, as the board's tables read it, since the postcode goes.
    deidentified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deprivation_decile: Mapped[int | None] = mapped_column(Integer)

    area: Mapped[Area] = relationship()
    possible_duplicate_of: Mapped[Case | None] = relationship(
        foreign_keys=[possible_duplicate_of_id], remote_side=[id]
    )
    merged_into: Mapped[Case | None] = relationship(foreign_keys=[merged_into_id], remote_side=[id])

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"

    @property
    def child_name(self) -> str:
        """The child's name as pages show it; a de-identified case has none to show."""
        if self.deidentified_at is not None:
            return "De-identified"
        return f"{self.given_names} {self.family_name}"

    @hybrid_property
    def is_merged(self) -> bool:
        """Merged into the same child's case (the stage machine's terminal "merged")."""
        return self.merged_into_id is not None

    @is_merged.inplace.expression
    @classmethod
    def _is_merged_in_sql(cls) -> ColumnElement[bool]:
        # By the pointer, not the stage: the partial indexes are on it.
        return cls.merged_into_id.is_not(None)

    @hybrid_property
    def is_live(self) -> bool:
        """A death under review: not withdrawn as out of scope, and not merged into another
        case. What every count, deadline and warning of deaths is about."""
        return self.stage not in NOT_LIVE_STAGES and self.merged_into_id is None

    @is_live.inplace.expression
    @classmethod
    def _is_live_in_sql(cls) -> ColumnElement[bool]:
        return and_(cls.merged_into_id.is_(None), cls.stage.not_in(NOT_LIVE_STAGES))


class CaseReferenceCounter(Base):
    """The last sequence number used per area per year; its row lock serialises numbering."""

    __tablename__ = "case_reference_counters"

    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class StageChange(Base):
    """One move of a case through the stage machine, with the reason where one is needed."""

    __tablename__ = "stage_changes"
    # When each case entered its stage (days in stage on the case list and the dashboard).
    __table_args__ = (Index("ix_stage_changes_case_id_changed_at", "case_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_stage: Mapped[Stage] = mapped_column(string_enum(Stage))
    to_stage: Mapped[Stage] = mapped_column(string_enum(Stage))
    reason: Mapped[str] = mapped_column(
        Text,
        default="",
        info=of_the_child("the coordinator's words on the move", Deidentification.REMOVE),
    )
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)

    changed_by: Mapped[User | None] = relationship()


# A search's results last as long as an idle session would: long enough to page and go Back.
SEARCH_LIFETIME = timedelta(minutes=30)


class CaseSearch(Base):
    """A coordinator's search of the case list, kept for a short while under a random id, so
    its results have an address (Back and paging work) that holds no name or NHS number."""

    __tablename__ = "case_searches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    query: Mapped[str] = mapped_column(
        String(100),
        info=of_the_child("a coordinator's search: it may name a child", Deidentification.REMOVE),
    )
    stage: Mapped[Stage | None] = mapped_column(string_enum(Stage))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, index=True)
