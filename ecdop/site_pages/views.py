"""The footer's pages, open to everyone, and their administration."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ecdop.auth.permissions import Permission, requires
from ecdop.foundation.forms import submitted_version
from ecdop.foundation.refusals import REFUSALS, show_refusal
from ecdop.site_pages import services
from ecdop.site_pages.forms import SitePageForm
from ecdop.site_pages.pages import SITE_PAGES, page_html
from ecdop.site_pages.queries import page_content

site_pages_blueprint = Blueprint("site_pages", __name__)


def _show(key: str):
    content = page_content(key)
    return render_template("site_pages/page.html", content=content, html=page_html(content.body))


@site_pages_blueprint.route("/accessibility")
@requires(Permission.PUBLIC)
def accessibility():
    return _show("accessibility")


@site_pages_blueprint.route("/privacy")
@requires(Permission.PUBLIC)
def privacy():
    return _show("privacy")


@site_pages_blueprint.route("/cookies")
@requires(Permission.PUBLIC)
def cookies():
    return _show("cookies")


@site_pages_blueprint.route("/help")
@requires(Permission.PUBLIC)
def help():  # noqa: A001 - the page is called Help
    return _show("help")


@site_pages_blueprint.route("/admin/pages")
@requires(Permission.MANAGE_SITE_PAGES)
def index():
    pages = [page_content(page.key) for page in SITE_PAGES]
    return render_template("site_pages/index.html", pages=pages)


@site_pages_blueprint.route("/admin/pages/<key>", methods=["GET", "POST"])
@requires(Permission.MANAGE_SITE_PAGES)
def edit(key: str):
    content = page_content(key)
    form = SitePageForm(data={"body": content.body, "version": content.version or ""})
    if form.validate_on_submit():
        try:
            services.change_page_text(
                key, form.body.data, actor=current_user, expected_version=submitted_version(form)
            )
        except REFUSALS as refused:
            show_refusal(refused, form, "body")
            form.version.data = page_content(key).version or ""
        else:
            flash(f"{content.page.title} saved.", "success")
            return redirect(url_for("site_pages.index"))
    page = render_template("site_pages/edit.html", content=content, form=form)
    return page, 400 if form.errors else 200
