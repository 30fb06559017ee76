"""Changes that cannot be taken back are confirmed on a page of their own first: opening the
page changes nothing; only its button does."""

from __future__ import annotations

from sqlalchemy import select

from ecdop.auth.api_tokens import issue_api_token
from ecdop.foundation.extensions import db
from ecdop.meetings.models import PanelAnalysis
from tests.factories import on_agenda, organisation, panel_meeting, ready_for_panel_case, user
from tests.helpers import page_text
from tests.panel_helpers import analysis_form


def test_signing_off_a_review_asks_first(demo, make_browser):
    case = ready_for_panel_case()
    item = on_agenda(panel_meeting(), case)
    chair = make_browser("chair@demo.test")
    chair.submit(f"/agenda-items/{item.id}/analysis", analysis_form())
    analysis = db.session.scalar(select(PanelAnalysis))
    asked = chair.get(f"/analyses/{analysis.id}/sign-off")
    assert asked.status_code == 200
    text = page_text(asked)
    assert f"Sign off the review of case {case.reference}?" in text
    assert "The case is closed and becomes read-only" in text
    db.session.refresh(analysis)
    assert analysis.signed_off_at is None
    done = chair.submit(f"/analyses/{analysis.id}/sign-off", {"version": analysis.version_id})
    assert done.status_code == 302
    db.session.refresh(analysis)
    assert analysis.signed_off_at is not None


def test_revoking_a_token_asks_first(demo, make_browser):
    token = issue_api_token(user("police@demo.test"), name="Force system", lifetime_in_days=30,
                            issued_by=user("admin@demo.test")).token  # fmt: skip
    db.session.commit()
    admin = make_browser("admin@demo.test")
    asked = admin.get(f"/admin/api-tokens/{token.id}/revoke")
    assert f"Revoke the token {token.prefix}…?" in page_text(asked)
    assert "This cannot be undone" in page_text(asked)
    db.session.refresh(token)
    assert token.revoked_at is None
    admin.submit(f"/admin/api-tokens/{token.id}/revoke", {})
    db.session.refresh(token)
    assert token.revoked_at is not None


def test_deactivating_a_user_or_an_organisation_asks_first(demo, make_browser):
    admin = make_browser("admin@demo.test")
    gp = user("gp@demo.test")
    asked = page_text(admin.get(f"/admin/users/{gp.id}/active"))
    assert f"Deactivate {gp.full_name}?" in asked and "Every session of theirs ends" in asked
    db.session.refresh(gp)
    assert gp.active
    admin.submit(f"/admin/users/{gp.id}/active", {})
    db.session.refresh(gp)
    assert not gp.active

    school = organisation("Demo Primary School")
    asked = page_text(admin.get(f"/admin/organisations/{school.id}/active"))
    assert "Deactivate Demo Primary School?" in asked
    db.session.refresh(school)
    assert school.active
    admin.submit(f"/admin/organisations/{school.id}/active", {})
    db.session.refresh(school)
    assert not school.active
