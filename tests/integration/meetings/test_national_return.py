"""The national return: closed reviews of a period, as versioned JSON and CSV, audited."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date

import pytest
from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.foundation.extensions import db
from ecdop.meetings.services import record_analysis, sign_off
from tests.factories import (
    OTHER_VALID_NHS_NUMBER,
    on_agenda,
    organisation,
    panel_meeting,
    ready_for_panel_case,
    user,
)


def closed_case(**overrides):
    return close(ready_for_panel_case(**overrides))


def close(case):
    from ecdop.foundation.vocabulary import CategoryOfDeath
    from ecdop.meetings.choices import ModifiableFactors
    from ecdop.meetings.services import ActionRow, AnalysisValues

    item = on_agenda(panel_meeting(), case)
    values = AnalysisValues(
        category=CategoryOfDeath.ACUTE,
        scores={"intrinsic": 1, "social": 2, "physical": 0, "service": 2},
        factors={"social": ["parental_smoking"], "service": ["missed_appointments"]},
        other_factors={"physical": "Amelia's bedroom was damp"},
        modifiable=ModifiableFactors.IDENTIFIED,
        learning_points="Recall missed asthma reviews.",
        recommendations="Audit recall lists.",
        actions=[ActionRow(organisation("Demo Surgery"), "Audit recall", date(2027, 3, 1))],
    )
    analysis = record_analysis(item, values, actor=user("chair@demo.test"), expected_version=None)
    db.session.commit()
    sign_off(analysis, actor=user("chair@demo.test"), expected_version=analysis.version_id)
    db.session.commit()
    return case


def export(app, *args):
    return app.test_cli_runner().invoke(args=["export-national", *args])


@pytest.fixture
def closed(demo):
    return closed_case()


def test_the_json_return_holds_the_closed_case_and_only_the_fields_needed(app, closed, tmp_path):
    path = tmp_path / "return.json"
    result = export(app, "--from", "2026-11-01", "--to", "2026-11-30", "--output", str(path))
    assert result.exit_code == 0, result.output
    assert "1 closed case written as json" in result.output
    document = json.loads(path.read_text())
    assert document["schema"] == "ecdop-national-return" and document["schema_version"] == "1.2"
    [record] = document["cases"]
    assert record["case_reference"] == closed.reference
    assert record["analysis"]["category"] == "acute"
    assert record["analysis"]["domains"]["social"] == {
        "score": 2, "factors": ["parental_smoking"], "other_factors": ""}  # fmt: skip
    assert record["analysis"]["domains"]["physical"]["other_factors"] == "[name]'s bedroom was damp"
    assert record["agencies"][0]["kind"] == "gp_practice"
    assert record["actions"] == [{"owner_kind": "gp_practice", "due_on": "2027-03-01",
                                  "status": "open"}]  # fmt: skip
    assert record["timeliness"]["days_death_to_sign_off"] == 2
    text = path.read_text()
    for not_needed in ("Amelia", "Testchild", "Example Street", "Sam Patel", "01632",
                       "Found unresponsive"):  # fmt: skip
        assert not_needed not in text
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_csv_return_has_one_row_per_case(app, closed, tmp_path):
    second = closed_case(nhs_number=OTHER_VALID_NHS_NUMBER, date_of_birth=date(2019, 5, 5))
    path = tmp_path / "return.csv"
    result = export(app, "--from", "2026-11-20", "--to", "2026-11-20", "--output", str(path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert [row["case_reference"] for row in rows] == [closed.reference, second.reference]
    assert rows[0]["schema_version"] == "1.2" and rows[0]["social_score"] == "2"
    assert rows[0]["service_factors"] == "missed_appointments"


def test_the_return_carries_the_post_mortem_and_inquest_but_never_a_document(app, demo, tmp_path):
    from ecdop.documents.choices import (
        DocumentKind,
        InquestConclusion,
        OrderedBy,
        PostMortemNeeded,
        PostMortemType,
    )
    from ecdop.documents.services import (
        InquestDetails,
        PostMortemDetails,
        save_inquest,
        save_post_mortem,
        upload_document,
    )
    from tests.unit.documents.test_content_checks import pdf_with_active_content

    case, coordinator = ready_for_panel_case(), user("coordinator@demo.test")
    save_post_mortem(case, PostMortemDetails(
        PostMortemNeeded.YES, OrderedBy.CORONER, PostMortemType.PAEDIATRIC, date(2026, 11, 19),
        date(2026, 11, 19), "Bronchopneumonia suspected", date(2026, 11, 20),
    ), actor=coordinator, expected_version=None)  # fmt: skip
    save_inquest(case, InquestDetails(
        "Demo and District", date(2026, 11, 19), "INQ-26-0114", None, date(2026, 11, 20),
        InquestConclusion.NATURAL_CAUSES, True, "Demo Hospitals NHS Trust board",
    ), actor=coordinator, expected_version=None)  # fmt: skip
    document = upload_document(case, DocumentKind.FINAL_POST_MORTEM, date(2026, 11, 20),
                               pdf_with_active_content(), "report.pdf", actor=coordinator,
                               largest=2**20)  # fmt: skip
    db.session.commit()
    close(case)

    path = tmp_path / "return.json"
    assert export(app, "--from", "2026-11-01", "--to", "2026-11-30",
                  "--output", str(path)).exit_code == 0  # fmt: skip
    [record] = json.loads(path.read_text())["cases"]
    assert record["post_mortem"] == {
        "needed": "yes", "ordered_by": "coroner", "type": "paediatric",
        "performed_on": "2026-11-19", "provisional_cause_received_on": "2026-11-19",
        "final_report_received_on": "2026-11-20",
    }  # fmt: skip
    assert record["inquest"] == {
        "opened_on": "2026-11-19", "concluded_on": "2026-11-20", "conclusion": "natural_causes",
        "prevention_of_future_deaths_report": True,
    }  # fmt: skip
    assert record["timeliness"]["days_death_to_final_post_mortem_report"] == 2
    assert record["timeliness"]["days_death_to_inquest_conclusion"] == 2
    text = path.read_text()
    for never in ("Bronchopneumonia", "INQ-26-0114", "Demo Hospitals NHS Trust board",
                  document.sha256, "ecdop-document", "report.pdf"):  # fmt: skip
        assert never not in text

    csv_path = tmp_path / "return.csv"
    export(app, "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv",
           "--output", str(csv_path))  # fmt: skip
    [row] = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    assert (row["post_mortem_final_report_received_on"], row["inquest_conclusion"]) == (
        "2026-11-20", "natural_causes")  # fmt: skip
    assert row["days_death_to_inquest_conclusion"] == "2"


def test_a_period_without_closures_exports_nothing(app, closed, tmp_path):
    path = tmp_path / "return.json"
    result = export(app, "--from", "2026-12-01", "--to", "2026-12-31", "--output", str(path))
    assert result.exit_code == 0
    assert json.loads(path.read_text())["cases"] == []


def test_every_export_is_audited(app, closed, tmp_path):
    export(app, "--from", "2026-11-01", "--to", "2026-11-30", "--output",
           str(tmp_path / "r.csv"))  # fmt: skip
    db.session.expire_all()
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.NATIONAL_RETURN_EXPORTED)
    ).all()
    assert event.details["cases"] == [closed.reference]
    assert event.details["format"] == "csv" and len(event.details["sha256"]) == 64


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-12-01", "--to", "2026-11-01"], "--to must not be before --from"),
        (["--from", "yesterday", "--to", "2026-11-01"], "Invalid value for '--from'"),
    ],
)
def test_bad_periods_are_refused_and_write_nothing(app, demo, tmp_path, args, message):
    path = tmp_path / "return.json"
    result = export(app, *args, "--output", str(path))
    assert result.exit_code != 0
    assert message in result.output
    assert not path.exists()


def test_an_export_can_be_limited_to_areas(app, closed, tmp_path):
    path = tmp_path / "return.json"
    assert export(app, "--from", "2026-11-01", "--to", "2026-11-30", "--area", "ELSE",
                  "--output", str(path)).exit_code == 0  # fmt: skip
    assert json.loads(path.read_text())["cases"] == []
    export(app, "--from", "2026-11-01", "--to", "2026-11-30", "--area", "DEMO",
           "--output", str(path))  # fmt: skip
    assert [c["case_reference"] for c in json.loads(path.read_text())["cases"]] == [
        closed.reference
    ]
