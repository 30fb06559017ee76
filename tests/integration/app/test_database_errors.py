"""A database error never carries the values it failed on into a message or a log."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from ecdop.auth.models import Area
from ecdop.foundation.extensions import db


def test_failed_statements_hide_their_parameters(demo, caplog):
    caplog.set_level("DEBUG")
    with pytest.raises(IntegrityError) as failure:
        db.session.execute(insert(Area).values(code="DEMO", name="Amelia Testchild 9434765919"))
    db.session.rollback()
    assert "Amelia" not in str(failure.value)
    assert "9434765919" not in str(failure.value)
    assert "Amelia" not in caplog.text
