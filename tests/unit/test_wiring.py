"""Every hook a lower layer declares is wired to what serves it: a hook left out of the table
would silently call nothing (no deadlines refreshed, no section on the case page)."""

from __future__ import annotations

from ecdop.cases import hooks as case_hooks
from ecdop.deadlines import hooks as deadline_hooks
from ecdop.hooks import Hook
from ecdop.wiring import WIRING


def test_every_declared_hook_is_in_the_wiring_table():
    declared = {
        value
        for module in (case_hooks, deadline_hooks)
        for value in vars(module).values()
        if isinstance(value, Hook)
    }
    assert declared == set(WIRING)
    assert all(WIRING[hook] for hook in declared)
