"""The schema comes from the migrations, and they match the models exactly."""

from __future__ import annotations

from datetime import date

import flask_migrate
import time_machine
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from ecdop import create_app
from ecdop.cases.states import Stage
from ecdop.demo import seed_demo
from ecdop.foundation.extensions import db
from ecdop.notifications.services import confirm_same_child
from tests.conftest import DEMO_PASSWORD, FROZEN_NOW
from tests.factories import notify, requested_reports, triaged_case, user


def test_migrations_match_the_models(database):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_existing_records_are_carried_over_by_the_layering_migrations(tmp_path):
    """0024 puts cases already merged at the terminal stage, and its downgrade takes them back
    to "notified", the only stage a case could be merged from; 0025 names the agency that
    answers for each request's deadline."""
    database = f"sqlite:///{tmp_path / 'migrating.sqlite3'}"
    app = create_app(
        {"ENV_NAME": "test", "DEMO_PASSWORD": DEMO_PASSWORD, "SQLALCHEMY_DATABASE_URI": database}
    )
    with app.app_context(), time_machine.travel(FROZEN_NOW, tick=False):
        flask_migrate.upgrade()
        seed_demo(DEMO_PASSWORD)
        first = notify(nhs_number=None)[1].case
        second = notify(nhs_number=None, given_names="Other")[1].case
        confirm_same_child(second, second.version_id, actor=user("coordinator@demo.test"))
        [request] = requested_reports(triaged_case(date_of_birth=date(2025, 1, 9)), "Demo Surgery")
        db.session.commit()
        assert (first.stage, second.stage) == (Stage.NOTIFIED, Stage.MERGED)

        def stages() -> list[str]:
            return list(db.session.scalars(text("SELECT stage FROM cases ORDER BY id")))

        owing = text("SELECT owed_by_id FROM deadlines WHERE reporting_request_id = :id")
        flask_migrate.downgrade(revision="0023")
        assert stages() == ["notified", "notified", "information_gathering"]
        flask_migrate.upgrade()
        assert stages() == ["notified", "merged", "information_gathering"]
        assert db.session.scalar(owing, {"id": request.id}) == request.organisation_id
        db.session.remove()
        db.engine.dispose()


def test_the_keyed_chain_migration_reseals_an_intact_trail_and_refuses_a_broken_one(
    tmp_path, capfd
):
    """0027 checks the trail against its plain SHA-256 chain, then seals every event again with
    ECDOP_AUDIT_KEY; a trail already rewritten is not blessed with the key."""
    import pytest
    from sqlalchemy import select

    from ecdop.audit.chain import UNKEYED, chain_key, verify_chain
    from ecdop.audit.models import AuditEvent

    database = f"sqlite:///{tmp_path / 'keyed.sqlite3'}"
    app = create_app(
        {"ENV_NAME": "test", "DEMO_PASSWORD": DEMO_PASSWORD, "SQLALCHEMY_DATABASE_URI": database}
    )
    with app.app_context(), time_machine.travel(FROZEN_NOW, tick=False):
        flask_migrate.upgrade()
        seed_demo(DEMO_PASSWORD)
        notify(nhs_number=None)
        db.session.commit()
        flask_migrate.downgrade(revision="0026")
        assert verify_chain(db.session, {None: UNKEYED}).intact
        flask_migrate.upgrade()
        key = chain_key(app.config["AUDIT_KEY"])
        assert verify_chain(db.session).intact
        assert set(db.session.scalars(select(AuditEvent.chain_key_id))) == {key.id}

        flask_migrate.downgrade(revision="0026")
        db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(text("UPDATE audit_events SET ip_address = '203.0.113.9' WHERE id = 2"))
        db.session.commit()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's error, and exits
            flask_migrate.upgrade()
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        assert revision == "0026"
        assert "does not match at audit event 2" in capfd.readouterr().err
        db.session.remove()
        db.engine.dispose()
