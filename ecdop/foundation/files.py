"""Files ecdop writes for people to take away."""

from __future__ import annotations

import os


def write_private_file(path: str, data: bytes) -> None:
    """Write ``data`` readable by its owner only: exports are about children, and the server
    may have other users."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as output:
        output.write(data)
