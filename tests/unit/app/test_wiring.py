"""Every hook a lower layer declares is wired to what serves it: a hook left out of the table
would silently call nothing (no deadlines refreshed, no section on the case page)."""

from __future__ import annotations

import importlib
import pkgutil

import ecdop
from ecdop.foundation.hooks import Hook
from ecdop.wiring import WIRING


def hook_modules() -> list[str]:
    """Every ``ecdop.<package>.hooks`` module, found by walking the packages: a new package's
    hooks are checked the day they are written, with nobody to remember to list them."""
    return sorted(
        module.name
        for module in pkgutil.walk_packages(ecdop.__path__, prefix="ecdop.")
        if module.name.rsplit(".", 1)[-1] == "hooks" and module.name != "ecdop.foundation.hooks"
    )


def declared_hooks() -> set[Hook]:
    return {
        value
        for name in hook_modules()
        for value in vars(importlib.import_module(name)).values()
        if isinstance(value, Hook)
    }


def test_the_hook_modules_are_found_by_walking_the_packages():
    assert {"ecdop.cases.hooks", "ecdop.deadlines.hooks"} <= set(hook_modules())


def test_every_declared_hook_is_in_the_wiring_table():
    declared = declared_hooks()
    assert declared, "no hook was found"
    assert declared == set(WIRING)
    assert all(WIRING[hook] for hook in declared)
