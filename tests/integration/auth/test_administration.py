"""An administrator manages users and organisations in the browser and from the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ecdop.auth.models import Organisation, Role, User
from ecdop.foundation.extensions import db
from tests.factories import demo_area, user
from tests.helpers import audit_events, page_text


def new_user_form(**overrides):
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Demo Surgery")
    )
    data = {
        "full_name": "Dr New Person",
        "email": "New.Person@Example.NHS.uk",
        "job_title": "GP",
        "phone": "",
        "role": "agency_reporter",
        "organisation_id": str(organisation.id),
        "area_ids": [str(demo_area().id)],
        "password": "a-long-enough-password",
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_user_who_can_then_sign_in(admin, make_browser):
    response = admin.submit("/admin/users/new", new_user_form())
    assert response.status_code == 302
    created = user("new.person@example.nhs.uk")
    assert created.role is Role.AGENCY_REPORTER
    assert [a.code for a in created.areas] == ["DEMO"]
    assert created.password_hash != "a-long-enough-password"
    make_browser().login("new.person@example.nhs.uk", "a-long-enough-password")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"email": "gp@demo.test"}, "email", "A user with this email address already exists"),
        ({"password": "short"}, "password", "Password must be 12 characters or more"),
        ({"area_ids": []}, "area_ids", "Choose at least one area"),
        ({"role": "superuser"}, "role", "Role: choose from the options shown"),
        ({"organisation_id": "99999"}, "organisation_id", "Organisation: choose from the options"),
        ({"full_name": ""}, "full_name", "Enter the person's full name"),
        ({"full_name": "   "}, "full_name", "Enter the person's full name"),
    ],
)
def test_bad_user_details_are_refused_at_the_field(admin, overrides, field, message):
    before = db.session.scalar(select(db.func.count()).select_from(User))
    response = admin.submit("/admin/users/new", new_user_form(**overrides))
    assert response.status_code == 400
    assert f'href="#{field}' in response.get_data(as_text=True)
    assert message in page_text(response)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == before


def test_an_admin_deactivates_and_reactivates_a_user(admin, make_browser):
    gp = user("gp@demo.test")
    admin.submit(f"/admin/users/{gp.id}/active", {}, form_page="/admin/users")
    assert user("gp@demo.test").active is False
    response = make_browser().submit(
        "/login", {"email": "gp@demo.test", "password": "correct-horse-battery"}
    )
    assert response.status_code == 400
    admin.submit(f"/admin/users/{gp.id}/active", {}, form_page="/admin/users")
    assert user("gp@demo.test").active is True


def test_an_admin_cannot_deactivate_themselves(admin):
    me = user("admin@demo.test")
    admin.submit(f"/admin/users/{me.id}/active", {}, form_page="/admin/users")
    assert user("admin@demo.test").active is True


def test_an_admin_adds_and_deactivates_an_organisation(admin, make_browser):
    from tests.factories import demo_area

    response = admin.submit(
        "/admin/organisations/new",
        {"name": "Demo Academy", "kind": "school", "area_ids": [str(demo_area().id)]},
    )
    assert response.status_code == 302
    assert "Demo Academy" in page_text(admin.get("/admin/organisations"))
    duplicate = admin.submit(
        "/admin/organisations/new",
        {"name": "demo academy", "kind": "school", "area_ids": [str(demo_area().id)]},
    )
    assert "already exists" in page_text(duplicate)
    surgery = db.session.scalar(select(Organisation).where(Organisation.name == "Demo Surgery"))
    admin.submit(f"/admin/organisations/{surgery.id}/active", {}, form_page="/admin/organisations")
    db.session.refresh(surgery)
    assert surgery.active is False
    response = make_browser().submit(
        "/login", {"email": "gp@demo.test", "password": "correct-horse-battery"}
    )
    assert "Enter a correct email address and password" in page_text(response)


class TestCli:
    def run(self, app, *args, env=None):
        return app.test_cli_runner().invoke(args=list(args), env=env or {})

    def test_create_user_reads_the_password_from_the_environment(self, app, demo):
        result = self.run(
            app,
            "create-user",
            "cli.person@demo.test",
            "--role",
            "coordinator",
            "--organisation",
            "demo council",
            "--area",
            "demo",
            env={"ECDOP_NEW_USER_PASSWORD": "cli-password-long"},
        )
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        created = user("cli.person@demo.test")
        assert created.role is Role.COORDINATOR and created.check_password("cli-password-long")

    def test_create_user_prompts_for_the_password(self, app, demo):
        result = app.test_cli_runner().invoke(
            args=[
                "create-user",
                "prompted@demo.test",
                "--role",
                "notifier",
                "--organisation",
                "Demo Constabulary",
                "--area",
                "DEMO",
            ],
            input="walnut-copper-sunrise\nwalnut-copper-sunrise\n",
        )
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert user("prompted@demo.test").check_password("walnut-copper-sunrise")
        # The administrator chose it: it works for the first sign-in only.
        assert user("prompted@demo.test").must_change_password

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--organisation", "Nowhere", "--area", "DEMO"], "No organisation called 'Nowhere'"),
            (["--organisation", "Demo Council", "--area", "XX"], "No area with code 'XX'"),
        ],
    )
    def test_create_user_explains_unknown_names(self, app, demo, args, message):
        result = self.run(
            app,
            "create-user",
            "x@demo.test",
            "--role",
            "admin",
            *args,
            env={"ECDOP_NEW_USER_PASSWORD": "cli-password-long"},
        )
        assert result.exit_code != 0
        assert message in result.output

    def test_create_user_refuses_a_short_password(self, app, demo):
        result = self.run(
            app,
            "create-user",
            "x@demo.test",
            "--role",
            "admin",
            "--organisation",
            "Demo Council",
            "--area",
            "DEMO",
            env={"ECDOP_NEW_USER_PASSWORD": "short"},
        )
        assert result.exit_code != 0 and "12 characters" in result.output

    def test_areas_and_organisations_from_the_cli(self, app, database):
        assert self.run(app, "create-area", "ncl", "North Central London").exit_code == 0
        result = self.run(
            app, "create-organisation", "NCL Police", "--kind", "police", "--area", "NCL"
        )
        assert result.exit_code == 0
        from tests.factories import organisation

        assert [area.code for area in organisation("NCL Police").areas] == ["NCL"]
        assert "already exists" in self.run(app, "create-area", "NCL", "Again").output

    def test_seed_demo_is_repeatable_and_prints_the_accounts(self, app, database):
        first = self.run(app, "seed-demo")
        second = self.run(app, "seed-demo")
        assert first.exit_code == 0 and second.exit_code == 0
        for email in ("police@demo.test", "coordinator@demo.test", "keyworker@demo.test"):
            assert email in second.output
        # One account per demo row, the key worker's included, however often it runs.
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 10

    def test_seed_synthetic_adds_deaths_to_the_area_named(self, app, demo):
        from ecdop.cases.models import Case

        result = self.run(app, "seed-synthetic", "--cases", "12", "--area", "demo", "--years", "1")
        assert result.exit_code == 0, result.output
        assert "Added 12 synthetic cases to" in result.output
        assert db.session.scalar(select(db.func.count()).select_from(Case)) == 12
        unknown = self.run(app, "seed-synthetic", "--cases", "1", "--area", "XX")
        assert unknown.exit_code != 0 and "No area with code 'XX'" in unknown.output


def change_form(account, **overrides) -> dict:
    data = {
        "full_name": account.full_name, "job_title": account.job_title, "phone": account.phone,
        "role": account.role.value, "organisation_id": str(account.organisation_id),
        "area_ids": [str(area_id) for area_id in account.area_ids],
    }  # fmt: skip
    return data | overrides


def test_an_admin_changes_a_persons_details_and_a_new_role_signs_them_out(admin, make_browser):
    from ecdop.audit.models import AuditAction

    gp_browser = make_browser("gp@demo.test")
    assert gp_browser.get("/requests").status_code == 200
    gp = user("gp@demo.test")
    path = f"/admin/users/{gp.id}/change"
    response = admin.submit(path, change_form(gp, full_name="Dr Lee Harper",
                                              job_title="Named GP for safeguarding"))  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(gp)
    assert (gp.full_name, gp.job_title) == ("Dr Lee Harper", "Named GP for safeguarding")
    assert gp_browser.get("/requests").status_code == 200  # a new name signs nobody out
    response = admin.submit(path, change_form(gp, role="notifier"))
    assert response.status_code == 302
    db.session.refresh(gp)
    assert gp.role is Role.NOTIFIER
    assert gp_browser.get("/requests").status_code == 302  # signed out: sign in again
    changes = audit_events(AuditAction.USER_CHANGED)
    assert [event.details["changed"] for event in changes] == [
        ["full_name", "job_title"], ["role"],
    ]  # fmt: skip
    assert changes[1].details["role"] == {"from": "agency_reporter", "to": "notifier"}


def test_bad_changes_are_refused_at_the_field_and_nothing_is_saved(admin):
    gp = user("gp@demo.test")
    path = f"/admin/users/{gp.id}/change"
    blank = admin.submit(path, change_form(gp, full_name=" "))
    assert blank.status_code == 400 and "Enter the person's full name" in page_text(blank)
    from ecdop.auth.services import create_area

    north = create_area("NORTH", "North review area")
    db.session.commit()
    outside = admin.submit(path, change_form(gp, area_ids=[str(north.id)]))
    assert outside.status_code == 400
    assert "Demo Surgery does not work with NORTH" in page_text(outside)
    me = user("admin@demo.test")
    own = admin.submit(f"/admin/users/{me.id}/change", change_form(me, role="coordinator"))
    assert own.status_code == 400 and "You cannot change your own role" in page_text(own)
    db.session.refresh(gp)
    db.session.refresh(me)
    assert gp.area_ids == {demo_area().id} and me.role is Role.ADMIN
