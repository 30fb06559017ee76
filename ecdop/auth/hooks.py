"""Where the identity layer calls on the features above it (the table is in
``ecdop/wiring.py``): the area page shows what each feature sets for an area."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecdop.foundation.hooks import Hook

if TYPE_CHECKING:
    from ecdop.auth.models import Area


@dataclass(frozen=True)
class AreaPageSection:
    """A part of an area's administration page that a feature shows: its template (a partial,
    given the page's context and this section's) and what it needs to render."""

    template: str
    context: Mapping[str, object] = field(default_factory=dict)


# An area's page, in the order of the table, above the area's lead.
area_page: Hook[[Area], AreaPageSection] = Hook("area_page")
