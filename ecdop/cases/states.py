"""The stages of a case.

Every stage is declared here. The transitions between them (who may make each, and its
guard) are declared in this module too as the workflow grows; ``case.stage`` is changed
nowhere else.
"""

from __future__ import annotations

from ecdop.enums import LabelledEnum


class Stage(LabelledEnum):
    NOTIFIED = "notified", "Notified"
    INFORMATION_GATHERING = "information_gathering", "Information gathering"
    AWAITING_CDRM = "awaiting_cdrm", "Awaiting CDRM"
    READY_FOR_PANEL = "ready_for_panel", "Ready for panel"
    SCHEDULED_FOR_PANEL = "scheduled_for_panel", "Scheduled for panel"
    PANEL_REVIEWED = "panel_reviewed", "Panel reviewed"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def tag_colour(self) -> str:
        return STAGE_TAG_COLOURS[self]


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
