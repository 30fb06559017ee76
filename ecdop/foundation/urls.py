"""Paths inside ecdop: built without a request, for messages written by services and jobs, and
checked before a redirect follows one a browser sent."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def app_path(endpoint: str, **values) -> str:
    """The path (no host) of an endpoint; the public base URL is added where a message is sent."""
    adapter = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
    return adapter.build(endpoint, values)


def safe_next_path(target: str | None) -> str | None:
    """Only our own paths: never another host, scheme or protocol-relative address, and never
    a character that could not stand in a Location header."""
    if not target or not target.isprintable() or any(c.isspace() for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
