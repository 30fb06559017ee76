"""Every view module has its own blueprint, registered by name in create_app: no module's
routes join the app only because some other module imports it."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint

import ecdop


def view_modules() -> list[str]:
    return sorted(
        module.name
        for module in pkgutil.walk_packages(ecdop.__path__, prefix="ecdop.")
        if module.name.rsplit(".", 1)[-1] in ("views", "home") or module.name.endswith("_views")
    )


def test_every_view_module_has_its_own_blueprint_and_it_is_registered(app):
    for name in view_modules():
        module = importlib.import_module(name)
        own = [value for value in vars(module).values()
               if isinstance(value, Blueprint) and value.import_name == name]  # fmt: skip
        assert len(own) == 1, f"{name} should define one blueprint of its own"
        assert app.blueprints.get(own[0].name) is own[0], f"{name}'s blueprint is not registered"
