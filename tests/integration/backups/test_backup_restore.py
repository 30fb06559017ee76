"""The restore drill, on whichever database the suite runs on: back up the demo, restore it into
a new database, and find the same case page, the same document, the same board report PDF and
the same audit chain, with the mail that was waiting held rather than sent a second time."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from ecdop import create_app
from ecdop.audit.chain import verify_chain
from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.board_reports.models import BoardReport
from ecdop.cases.models import Case
from ecdop.documents.choices import DocumentKind
from ecdop.documents.services import upload_document
from ecdop.foundation.extensions import db
from ecdop.jobs import run_job
from ecdop.mail.models import OutboxMessage, OutboxStatus
from ecdop.mail.sender import deliver_outbox
from tests.conftest import DEMO_PASSWORD, using_postgres
from tests.deadline_helpers import move_to
from tests.factories import demo_area, triaged_case, user
from tests.helpers import Browser, page_text
from tests.unit.documents.test_content_checks import pdf_with_active_content

pytestmark = pytest.mark.slow

COORDINATOR = "coordinator@demo.test"


@pytest.fixture
def new_database(app, database_url, tmp_path):
    """The URL of a new, empty database beside the suite's."""
    if not using_postgres():
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restore_drill"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    server.dispose()


@pytest.fixture
def restored_app(app, new_database):
    restored = create_app(
        {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": new_database,
         "DEMO_PASSWORD": DEMO_PASSWORD}
    )  # fmt: skip
    yield restored
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()


def invoke(app, *arguments: str):
    """Run an ecdop command in ``app``'s context (the suite's own app has one pushed)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(arguments))


def case_page(app, case_id: int) -> str:
    browser = Browser(app.test_client(), DEMO_PASSWORD)
    browser.login(COORDINATOR)
    response = browser.get(f"/cases/{case_id}")
    assert response.status_code == 200
    return page_text(response)


def test_the_restore_drill_gives_the_same_case_report_and_audit_chain(
    app, demo, restored_app, tmp_path, smtp_sink
):
    case = triaged_case()
    case_id = case.id
    document = upload_document(case, DocumentKind.FINAL_POST_MORTEM, date(2026, 11, 20),
                               pdf_with_active_content(), "report.pdf",
                               actor=user(COORDINATOR), largest=2**20)  # fmt: skip
    document_id, document_sha256, document_size = document.id, document.sha256, document.size
    db.session.commit()
    run_job(app, "board-reports")
    report = db.session.scalars(select(BoardReport).order_by(BoardReport.id)).first()
    # Plain values: inside the restored app's context, this session's objects would load from
    # the restored database.
    report_id, report_sha256 = report.id, report.sha256
    waiting = {m.id for m in db.session.scalars(select(OutboxMessage))}
    assert waiting  # the alert of the death and the board's e-mails have not gone yet
    head = db.session.execute(text("SELECT position, hash FROM audit_chain_head")).one()
    db.session.commit()

    backup = tmp_path / "backup"
    made = invoke(app, "backup", "--output", str(backup))
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["schema_revision"] and manifest["row_counts"]["cases"] == 1
    assert manifest["row_counts"]["audit_events"] == head.position
    assert manifest["documents"] == {"kept": 1, "bytes": document_size, "incomplete": 0}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((backup / name).read_bytes()).hexdigest() == digest
    assert oct(backup.stat().st_mode & 0o777) == "0o700"

    restored = invoke(restored_app, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "every table's rows match the manifest" in restored.output
    assert "Its 1 document(s) came back whole" in restored.output
    assert f"{len(waiting)} messages waiting at backup time now held" in restored.output

    original_page = case_page(app, case_id)
    with restored_app.app_context():
        assert case_page(restored_app, case_id) == original_page
        assert document_downloaded(restored_app, case_id, document_id) == document_sha256
        copy = db.session.get(BoardReport, report_id)
        assert hashlib.sha256(copy.pdf).hexdigest() == report_sha256 == copy.sha256
        assert verify_chain(db.session).intact
        assert db.session.scalar(
            select(AuditEvent.chain_hash).where(AuditEvent.chain_position == head.position)
        ) == head.hash  # fmt: skip
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == AuditAction.BACKUP_RESTORED)
        )
        held = db.session.scalars(select(OutboxMessage)).all()
        assert {m.id for m in held} == waiting
        assert {m.status for m in held} == {OutboxStatus.HELD}
        # Nothing goes out again by itself.
        assert deliver_outbox().sent == 0
        db.session.remove()
    assert smtp_sink.messages == []


def document_downloaded(app, case_id: int, document_id: int) -> str:
    """The SHA-256 of the document as the coordinator downloads it."""
    browser = Browser(app.test_client(), DEMO_PASSWORD)
    browser.login(COORDINATOR)
    response = browser.get(f"/cases/{case_id}/documents/{document_id}")
    assert response.status_code == 200
    return hashlib.sha256(response.get_data()).hexdigest()


def test_a_restore_finds_documents_that_did_not_come_back(app, demo, restored_app, tmp_path):
    upload_document(triaged_case(), DocumentKind.OTHER, date(2026, 11, 20),
                    pdf_with_active_content(), "report.pdf", actor=user(COORDINATOR),
                    largest=2**20)  # fmt: skip
    db.session.commit()
    backup = tmp_path / "backup"
    assert invoke(app, "backup", "--output", str(backup)).exit_code == 0
    # A manifest that says more was backed up than the copy holds.
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["documents"]["bytes"] += 1
    (backup / "manifest.json").write_text(json.dumps(manifest))
    refused = invoke(restored_app, "restore", str(backup))
    assert refused.exit_code == 1
    assert "The restored documents (1 kept" in refused.output
    assert "do not match the manifest" in refused.output


def test_a_restore_refuses_a_database_that_is_not_empty(app, demo, tmp_path):
    backup = tmp_path / "backup"
    assert invoke(app, "backup", "--output", str(backup)).exit_code == 0
    refused = invoke(app, "restore", str(backup))
    assert refused.exit_code == 1
    assert "The database is not empty" in refused.output
    assert "restore only into a new, empty database" in refused.output


def test_a_restore_refuses_a_backup_that_does_not_match_its_manifest(
    app, demo, restored_app, tmp_path
):
    backup = tmp_path / "backup"
    assert invoke(app, "backup", "--output", str(backup)).exit_code == 0
    data = next(path for path in backup.iterdir() if path.name != "manifest.json")
    damaged = bytearray(data.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    data.write_bytes(bytes(damaged))
    refused = invoke(restored_app, "restore", str(backup))
    assert refused.exit_code == 1
    assert f"{data.name} does not match its SHA-256 in the manifest" in refused.output
    with restored_app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() is not None  # still reachable
        assert "cases" not in db.inspect(db.engine).get_table_names()  # nothing half-restored


def test_a_backup_goes_only_into_a_new_or_empty_folder(app, demo, tmp_path):
    folder = tmp_path / "used"
    folder.mkdir()
    (folder / "something.txt").write_text("already here")
    refused = invoke(app, "backup", "--output", str(folder))
    assert refused.exit_code == 1
    assert "is not empty: back up into a new folder" in refused.output
    assert sorted(path.name for path in Path(folder).iterdir()) == ["something.txt"]


def test_a_restore_lists_cases_past_retention_for_two_people_to_approve_again(
    app, demo, restored_app, tmp_path, clock
):
    """A backup holds a case whole that has been de-identified since, on an approval given
    after the backup. Restored, it waits for two people again: nothing is purged by itself."""
    from ecdop.retention.models import RetentionReview, ReviewState
    from ecdop.retention.services import approve, confirm_rules, list_cases_falling_due, put_forward
    from tests.integration.meetings.test_national_return import closed_case

    case_id = closed_case().id
    confirm_rules(demo_area(), actor=user("admin@demo.test"))
    db.session.commit()
    move_to(clock, date(2036, 12, 1))
    list_cases_falling_due()
    review = db.session.scalar(select(RetentionReview))
    put_forward(review, actor=user("admin@demo.test"), expected_version=review.version_id)
    approve(review, actor=user(COORDINATOR), expected_version=review.version_id)
    db.session.commit()
    backup = tmp_path / "backup"
    assert invoke(app, "backup", "--output", str(backup)).exit_code == 0

    restored = invoke(restored_app, "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "1 item past retention listed for approval again" in restored.output
    with restored_app.app_context():
        [again] = db.session.scalars(select(RetentionReview)).all()
        assert again.state is ReviewState.LISTED and again.approved_by_id is None
        assert [item.case_id for item in again.items] == [case_id]
        assert run_job(restored_app, "retention-purge") == 0
        assert db.session.get(Case, case_id).deidentified_at is None
        db.session.remove()
