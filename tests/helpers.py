"""A thin browser over Flask's test client: reads CSRF tokens from pages like a person's
browser would, and submits forms."""

from __future__ import annotations

import re
from html import unescape

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Browser:
    """Each request runs in its own app context, as in a real server: nothing in ``g`` or the
    database session carries from one request to the next, or from the test's own context."""

    def __init__(self, client, password: str):
        self.client = client
        self.password = password

    def open(self, path: str, method: str = "GET", **kwargs):
        from ecdop.foundation.extensions import db

        with self.client.application.app_context():
            response = self.client.open(path, method=method, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request committed
        return response

    def get(self, path: str, **kwargs):
        return self.open(path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.open(path, method="POST", **kwargs)

    def csrf_token(self, path: str) -> str:
        page = self.get(path).get_data(as_text=True)
        match = CSRF_FIELD.search(page)
        assert match, f"no CSRF token on {path}"
        return unescape(match.group(1))

    def submit(self, path: str, data: dict, *, form_page: str | None = None, **kwargs):
        """Post ``data`` as the form on ``form_page`` (default: the same path) would."""
        token = self.csrf_token(form_page or path)
        return self.post(path, data={"csrf_token": token, **data}, **kwargs)

    def login(self, email: str, password: str | None = None):
        response = self.submit("/login", {"email": email, "password": password or self.password})
        assert response.status_code == 302, f"could not sign in as {email}"
        return response


def page_text(response) -> str:
    """The visible text of a page, whitespace folded, for asserting on what a person reads."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


ERROR_SUMMARY = re.compile(r'<div class="govuk-error-summary".*?</ul>', re.S)
ELEMENT_WITH_ID = r'<(\w+)\b[^>]*\bid="{}"'


def error_summary_targets(response) -> list[str]:
    """The ids the error summary's links point at, in the order it lists them."""
    html = response.get_data(as_text=True)
    summary = ERROR_SUMMARY.search(html)
    assert summary, "the page has no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def assert_error_summary_follows_the_page(response) -> list[str]:
    """Each link of the error summary moves focus to a field's first input (a date's day box),
    and the links come in the order the page shows the fields. Returns the ids."""
    html = response.get_data(as_text=True)
    targets = error_summary_targets(response)
    positions = []
    for target in targets:
        element = re.search(ELEMENT_WITH_ID.format(re.escape(target)), html)
        assert element, f"the error summary links to #{target}, which is not on the page"
        assert element.group(1) in ("input", "select", "textarea"), (
            f"#{target} is a <{element.group(1)}>: the link cannot move focus into the field"
        )
        positions.append(element.start())
    assert positions == sorted(positions), f"the summary's order is not the page's: {targets}"
    assert_every_error_is_summarised(response)
    return targets


INLINE_ERROR = re.compile(r'<p[^>]*class="govuk-error-message"[^>]*>(.*?)</p>', re.S)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def error_summary_texts(response) -> list[str]:
    """The messages the error summary lists, in its order."""
    summary = ERROR_SUMMARY.search(response.get_data(as_text=True))
    assert summary, "the page has no error summary"
    return [_text(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]


def assert_every_error_is_summarised(response) -> None:
    """Each message shown at a field (rows of actions and attendees included) is also in the
    error summary, and the summary is never empty."""
    listed = " | ".join(error_summary_texts(response))
    assert listed, "the error summary lists nothing"
    for inline in INLINE_ERROR.findall(response.get_data(as_text=True)):
        message = _text(inline).removeprefix("Error:").strip()
        assert message.split(": ", 1)[-1] in listed, f"{message!r} is not in the summary"


def form_values(response, form_index: int = -1) -> dict:
    """What the page's form would send back as drawn, as a browser would post it: text and
    hidden inputs, ticked boxes and radios, chosen options and text areas. The last form on
    the page by default (the header's sign-out form comes first)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms: list[dict] = []
            self.select = self.textarea = None

        def add(self, name, value):
            fields = self.forms[-1]
            if name in fields:
                fields[name] = [*(v if isinstance(v := fields[name], list) else [v]), value]
            else:
                fields[name] = value

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.forms.append({})
            elif not self.forms or "name" not in a and tag != "option":
                return
            elif tag == "input" and a.get("type") not in ("submit", "button"):
                if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                    return
                self.add(a["name"], a.get("value", "on" if a.get("type") == "checkbox" else ""))
            elif tag == "select":
                self.select = a["name"]
            elif tag == "option" and self.select and "selected" in a:
                self.add(self.select, a.get("value", ""))
            elif tag == "textarea":
                self.textarea = a["name"]
                self.add(self.textarea, "")

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                fields = self.forms[-1]
                # HTML drops the newline that may start a text area's content.
                fields[self.textarea] += (
                    data.removeprefix("\n") if not fields[self.textarea] else data
                )

    reader = Reader()
    reader.feed(response.get_data(as_text=True))
    return reader.forms[form_index]


def audit_events(*actions) -> list:
    """The audit events of these actions (every event, if none named), in the order they were
    written. Always ordered: PostgreSQL promises no order without ORDER BY."""
    from sqlalchemy import select

    from ecdop.audit.models import AuditEvent
    from ecdop.foundation.extensions import db

    statement = select(AuditEvent).order_by(AuditEvent.id)
    if actions:
        statement = statement.where(AuditEvent.action.in_(actions))
    db.session.expire_all()
    return list(db.session.scalars(statement))
