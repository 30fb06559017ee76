"""Where the review meetings' records ask the features beside them what they hold (the table
is in ``ecdop/wiring.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecdop.foundation.hooks import Hook

if TYPE_CHECKING:
    from ecdop.cases.models import Case

# The family's questions sent to the case's Child Death Review Meeting, in their words.
questions_for_the_cdrm: Hook[[Case], list[str]] = Hook("questions_for_the_cdrm")
