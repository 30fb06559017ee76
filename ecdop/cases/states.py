"""The stages of a case.

Every stage is declared here. The transitions between them (who may make each, and its
guard) are declared in this module too as the workflow grows; ``case.stage`` is changed
nowhere else.
"""

from __future__ import annotations

import enum


class Stage(enum.StrEnum):
    NOTIFIED = "notified"
    INFORMATION_GATHERING = "information_gathering"
    AWAITING_CDRM = "awaiting_cdrm"
    READY_FOR_PANEL = "ready_for_panel"
    SCHEDULED_FOR_PANEL = "scheduled_for_panel"
    PANEL_REVIEWED = "panel_reviewed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def tag_colour(self) -> str:
        return STAGE_TAG_COLOURS.get(self, "grey")


STAGE_LABELS = {
    Stage.NOTIFIED: "Notified",
    Stage.INFORMATION_GATHERING: "Information gathering",
    Stage.AWAITING_CDRM: "Awaiting CDRM",
    Stage.READY_FOR_PANEL: "Ready for panel",
    Stage.SCHEDULED_FOR_PANEL: "Scheduled for panel",
    Stage.PANEL_REVIEWED: "Panel reviewed",
    Stage.CLOSED: "Closed",
    Stage.WITHDRAWN: "Withdrawn",
}

STAGE_TAG_COLOURS = {
    Stage.NOTIFIED: "blue",
    Stage.INFORMATION_GATHERING: "light-blue",
    Stage.AWAITING_CDRM: "purple",
    Stage.READY_FOR_PANEL: "turquoise",
    Stage.SCHEDULED_FOR_PANEL: "yellow",
    Stage.PANEL_REVIEWED: "orange",
    Stage.CLOSED: "green",
    Stage.WITHDRAWN: "grey",
}

INITIAL_STAGE = Stage.NOTIFIED
