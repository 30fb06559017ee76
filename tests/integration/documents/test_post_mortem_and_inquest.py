"""The post-mortem and the inquest, recorded on the case: what a review so often waits for.
Every impossible answer is refused at its field and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecdop.documents.choices import InquestConclusion
from ecdop.documents.models import Inquest, PostMortem
from ecdop.foundation.extensions import db
from tests.factories import triaged_case
from tests.helpers import error_summary_targets, page_text

NEEDED = {"needed": "yes", "ordered_by": "coroner", "kind": "paediatric",
          "performed_on": ["19", "11", "2026"]}  # fmt: skip
OPENED = {"coroner_area": "Demo and District", "coroner_reference": "INQ-26-0114",
          "opened_on": ["19", "11", "2026"], "expected_on": ["1", "6", "2027"],
          "prevention_of_future_deaths_report": "no"}  # fmt: skip


@pytest.fixture
def coordinator(app, demo, make_browser):
    return make_browser("coordinator@demo.test")


def stored(model) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(model)).all())


def test_a_needed_post_mortem_is_awaited_until_its_final_report_comes(coordinator):
    case = triaged_case()
    assert coordinator.submit(f"/cases/{case.id}/post-mortem", NEEDED).status_code == 302
    assert "Needed: final report awaited" in page_text(coordinator.get(f"/cases/{case.id}"))
    timeline = page_text(coordinator.get(f"/cases/{case.id}/timeline"))
    assert "Post-mortem recorded: needed, final report awaited" in timeline
    version = str(db.session.scalar(select(PostMortem)).version_id)
    arrived = NEEDED | {"final_report_received_on": ["20", "11", "2026"], "version": version}
    assert coordinator.submit(f"/cases/{case.id}/post-mortem", arrived).status_code == 302
    assert "Final report received 20 November 2026" in page_text(
        coordinator.get(f"/cases/{case.id}")
    )
    assert not db.session.scalar(select(PostMortem)).awaited


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"needed": ""}, "needed", "Choose whether a post-mortem is needed"),
        ({"ordered_by": ""}, "ordered_by", "Choose who ordered the post-mortem"),
        ({"performed_on": ["21", "11", "2026"]}, "performed_on", "must be today or in the past"),
        ({"performed_on": ["1", "11", "2026"]}, "performed_on", "before the date of death"),
        ({"final_report_received_on": ["18", "11", "2026"]}, "final_report_received_on",
         "cannot be before the date it was performed"),
        ({"provisional_cause": "Asthma"}, "provisional_cause_received_on",
         "Enter the date the provisional cause came"),
        ({"kind": "guesswork"}, "kind", ""),
    ],
)  # fmt: skip
def test_an_impossible_post_mortem_is_refused_at_its_field(coordinator, change, field, message):
    case = triaged_case()
    response = coordinator.submit(f"/cases/{case.id}/post-mortem", NEEDED | change)
    assert response.status_code == 400
    assert error_summary_targets(response)[0].startswith(field)
    assert message in page_text(response)
    assert stored(PostMortem) == 0


def test_a_post_mortem_not_needed_keeps_no_details(coordinator):
    case = triaged_case()
    coordinator.submit(f"/cases/{case.id}/post-mortem", NEEDED | {"needed": "no"})
    record = db.session.scalar(select(PostMortem))
    assert record.ordered_by is None and record.performed_on is None and not record.awaited


def test_an_inquest_opens_and_concludes_with_a_coroners_conclusion(coordinator):
    case = triaged_case()
    assert coordinator.submit(f"/cases/{case.id}/inquest", OPENED).status_code == 302
    assert "Opened 19 November 2026, expected 1 June 2027" in page_text(
        coordinator.get(f"/cases/{case.id}")
    )
    inquest = db.session.scalar(select(Inquest))
    concluded = OPENED | {
        "concluded_on": ["20", "11", "2026"], "conclusion": "natural_causes",
        "prevention_of_future_deaths_report": "yes",
        "report_sent_to": "Demo Hospitals NHS Trust", "version": str(inquest.version_id),
    }  # fmt: skip
    assert coordinator.submit(f"/cases/{case.id}/inquest", concluded).status_code == 302
    assert "Natural causes, concluded 20 November 2026" in page_text(
        coordinator.get(f"/cases/{case.id}")
    )
    assert len(InquestConclusion) == 11


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"coroner_area": " "}, "coroner_area"),
        ({"opened_on": ["", "", ""]}, "opened_on"),
        ({"conclusion": "open"}, "concluded_on"),
        ({"concluded_on": ["20", "11", "2026"]}, "conclusion"),
        ({"concluded_on": ["18", "11", "2026"], "conclusion": "open"}, "concluded_on"),
        ({"expected_on": ["1", "11", "2026"]}, "expected_on"),
        ({"prevention_of_future_deaths_report": "yes"}, "report_sent_to"),
        ({"conclusion": "misadventure-ish"}, "conclusion"),
    ],
)
def test_an_impossible_inquest_is_refused_at_its_field(coordinator, change, field):
    case = triaged_case()
    response = coordinator.submit(f"/cases/{case.id}/inquest", OPENED | change)
    assert response.status_code == 400
    assert error_summary_targets(response)[0].startswith(field)
    assert stored(Inquest) == 0


@pytest.mark.parametrize("email", ["gp@demo.test", "panel@demo.test", "keyworker@demo.test",
                                   "board@demo.test"])  # fmt: skip
def test_only_coordinators_record_them(app, demo, make_browser, email):
    case = triaged_case()
    browser = make_browser(email)
    for path in (f"/cases/{case.id}/post-mortem", f"/cases/{case.id}/inquest"):
        assert browser.get(path).status_code == 403, (email, path)
