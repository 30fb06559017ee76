"""Paths inside ecdop built without a request, for messages written by services and jobs."""

from __future__ import annotations

from flask import current_app


def app_path(endpoint: str, **values) -> str:
    """The path (no host) of an endpoint; the public base URL is added where a message is sent."""
    adapter = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
    return adapter.build(endpoint, values)
