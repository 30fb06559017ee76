"""Entry points: ``create_app``, which builds ecdop, the child death overview workflow."""

from __future__ import annotations

import os
import secrets

import click
from flask import Flask, current_app, g
from flask.cli import NoAppException
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import ConfigurationRefused, config_for
from ecdop.foundation.db import unit_of_work
from ecdop.foundation.forms import LARGEST_ID
from ecdop.foundation.transactions import (
    end_of_request,
    forget_kept_writes_at_every_commit,
    forget_the_request,
)

PROJECT_ROOT_TEMPLATES = "../templates"
PROJECT_ROOT_STATIC = "../static"
PROJECT_ROOT_REPORTS = "../reports"


class EcdopFlask(Flask):
    """Flask with one transaction per request, committed or rolled back in one place once the
    answer is made (``ecdop.foundation.transactions``): views and services never commit."""

    def full_dispatch_request(self):
        with unit_of_work():
            response = super().full_dispatch_request()
            try:
                end_of_request(response.status_code)
            except Exception as error:  # noqa: BLE001 - the commit failed: answered as any failure
                forget_the_request()
                rv = self.handle_user_exception(error)
                response = self.finalize_request(rv, from_error_handler=True)
            return response


def create_app(config: str | dict | None = None) -> Flask:
    """Build an app. Configures only: no queries, no I/O."""
    app = EcdopFlask(
        __name__,
        template_folder=PROJECT_ROOT_TEMPLATES,
        static_folder=PROJECT_ROOT_STATIC,
        instance_relative_config=False,
    )
    try:
        _configure(app, config)
    except ConfigurationRefused as refused:
        if click.get_current_context(silent=True) is not None:
            # On the command line (flask --app ecdop …): the reason in one line, not a
            # traceback. Elsewhere (gunicorn) the error stands as it is.
            raise NoAppException(str(refused)) from None
        raise
    _register_templates(app)
    # Before the extensions' hooks, so a route is refused before CSRF or rate limits are checked.
    _register_request_hooks(app)
    _register_extensions(app)
    app.url_map.converters["int"] = RecordIdConverter
    _register_blueprints(app)
    _register_cli(app)
    _install_hooks(app)
    return app


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in a route is a record id: one past the largest a database column can hold
    is a page that does not exist (404), not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def _configure(app: Flask, config: str | dict | None) -> None:
    overrides = config if isinstance(config, dict) else {}
    config_class = config_for(config if isinstance(config, str) else overrides.get("ENV_NAME"))
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.complete(app.config)
    config_class.validate(app.config)
    if app.config.get("TRUSTED_PROXY_COUNT"):
        count = app.config["TRUSTED_PROXY_COUNT"]
        # Flask's documented way to put middleware in front of the app.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )


def _register_templates(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from ecdop import template_helpers

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(os.path.join(app.root_path, PROJECT_ROOT_TEMPLATES)),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                    # PDF report definitions: "reports/<name>.html"
                    "reports": FileSystemLoader(os.path.join(app.root_path, PROJECT_ROOT_REPORTS)),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    template_helpers.register(app)


def _register_extensions(app: Flask) -> None:
    import ecdop.models  # noqa: F401 - every model, so the mappers and metadata are complete
    from ecdop.api.authentication import SessionsOutsideTheApi, notifier_from_api_token
    from ecdop.audit.chain import protect_audit_trail
    from ecdop.auth.sessions import end_sessions_when_access_changes, user_of_current_session
    from ecdop.foundation.db import configure_sqlite
    from ecdop.foundation.extensions import compress, csrf, db, limiter, login_manager, migrate
    from ecdop.foundation.files import room_for_files

    configure_sqlite()
    protect_audit_trail()
    forget_kept_writes_at_every_commit()
    end_sessions_when_access_changes()
    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(app.root_path, "..", "migrations"), render_as_batch=True
    )
    # Before CSRF protection, which reads the form: an upload page's own size limit.
    app.before_request(room_for_files)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(user_of_current_session)
    login_manager.request_loader(notifier_from_api_token)
    app.session_interface = SessionsOutsideTheApi()


def _install_hooks(app: Flask) -> None:
    from ecdop.foundation.hooks import install_hooks
    from ecdop.wiring import WIRING

    install_hooks(app, WIRING)


def _register_blueprints(app: Flask) -> None:
    from ecdop.analytics.views import analytics_blueprint
    from ecdop.api.views import api_blueprint
    from ecdop.auth.account_views import account_blueprint
    from ecdop.auth.admin_views import admin_blueprint
    from ecdop.auth.views import auth_blueprint
    from ecdop.board_reports.views import board_reports_blueprint
    from ecdop.cases.views import cases_blueprint
    from ecdop.deadlines.views import deadlines_blueprint
    from ecdop.documents.agency_views import report_documents_blueprint
    from ecdop.documents.views import documents_blueprint
    from ecdop.family.letter_views import family_letters_blueprint
    from ecdop.family.views import family_blueprint
    from ecdop.home import home_blueprint
    from ecdop.meetings.pack_views import meeting_packs_blueprint
    from ecdop.meetings.papers_views import meeting_papers_blueprint
    from ecdop.meetings.views import meetings_blueprint
    from ecdop.notifications.duplicate_views import duplicates_blueprint
    from ecdop.notifications.views import notifications_blueprint
    from ecdop.outbox.views import outbox_blueprint
    from ecdop.reporting_forms.views import reporting_forms_blueprint
    from ecdop.retention.views import retention_blueprint
    from ecdop.review_meetings.views import review_meetings_blueprint
    from ecdop.site_pages.views import site_pages_blueprint

    for blueprint in (
        home_blueprint,
        auth_blueprint,
        account_blueprint,
        admin_blueprint,
        notifications_blueprint,
        duplicates_blueprint,
        cases_blueprint,
        reporting_forms_blueprint,
        review_meetings_blueprint,
        documents_blueprint,
        report_documents_blueprint,
        family_blueprint,
        family_letters_blueprint,
        retention_blueprint,
        deadlines_blueprint,
        outbox_blueprint,
        meetings_blueprint,
        meeting_packs_blueprint,
        meeting_papers_blueprint,
        analytics_blueprint,
        board_reports_blueprint,
        api_blueprint,
        site_pages_blueprint,
    ):
        app.register_blueprint(blueprint)


def _register_request_hooks(app: Flask) -> None:
    from ecdop import errors
    from ecdop.auth.permissions import enforce_declared_permission

    app.before_request(_new_csp_nonce)
    app.before_request(enforce_declared_permission)
    app.after_request(_protective_headers)
    errors.register(app)


def _new_csp_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def _protective_headers(response):
    nonce = g.get("csp_nonce", "")
    response.headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; object-src 'none'; "
        # Board reports' charts are SVG images inlined as data: URIs.
        "img-src 'self' data:; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Permissions-Policy", current_app.config["PERMISSIONS_POLICY"])
    if hsts_seconds := current_app.config["HSTS_SECONDS"]:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"
        )
    # Case data must not linger in shared browser or proxy caches.
    if response.mimetype != "text/css" and not response.mimetype.endswith("javascript"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _register_cli(app: Flask) -> None:
    from ecdop.cli import register_commands

    register_commands(app)
