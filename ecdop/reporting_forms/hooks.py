"""Where a reporting form's pages ask the features beside it what they hold (the table is in
``ecdop/wiring.py``): the documents an agency sent with its form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecdop.foundation.hooks import Hook

if TYPE_CHECKING:
    from ecdop.reporting_forms.models import ReportingRequest


@dataclass(frozen=True)
class ReportPageSection:
    """A part of a reporting form's page that a feature shows under the answers: a partial
    template, and what it needs to render."""

    template: str
    context: Mapping[str, object] = field(default_factory=dict)


# A reporting form's page: for the agency answering it (True) or the coordinator reading it.
report_page: Hook[[ReportingRequest, bool], ReportPageSection] = Hook("report_page")
