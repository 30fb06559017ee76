"""Files ecdop writes for people to take away, and room for the files they bring."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import BinaryIO, TypeVar

from flask import current_app, request

View = TypeVar("View", bound=Callable)


def write_private_file(path: str, data: bytes) -> None:
    """Write ``data`` readable by its owner only: exports are about children, and the server
    may have other users."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as output:
        output.write(data)


def accepts_files(limit_setting: str) -> Callable[[View], View]:
    """Mark a page that takes an upload, with the setting that holds its largest file."""

    def mark(view: View) -> View:
        view.upload_limit_setting = limit_setting  # type: ignore[attr-defined]
        return view

    return mark


def chosen_file(upload) -> tuple[BinaryIO | bytes, str]:
    """The file a form's file field brought and its name, or nothing and no name. The spooled
    upload itself, not a copy of it, so that a large file is read a piece at a time."""
    if not upload:
        return b"", ""
    return upload.stream, upload.filename or ""


def room_for_files() -> None:
    """Before anything reads the form (CSRF protection does, first), give a page marked with
    ``accepts_files`` room for a file a little larger than it accepts, so that such a file is
    refused at its field, not with a bare 413. Every other request keeps the small limit."""
    view = current_app.view_functions.get(request.endpoint or "")
    if setting := getattr(view, "upload_limit_setting", None):
        request.max_content_length = 2 * current_app.config[setting]
