"""The kinds of early-warning rule a partnership can set."""

from __future__ import annotations

from ecdop.foundation.vocabulary import LabelledEnum


class WarningRuleKind(LabelledEnum):
    CLUSTER = "cluster", "Cluster: several deaths close together"
    EXCEEDANCE = "exceedance", "Exceedance: more deaths in a year than usual"
