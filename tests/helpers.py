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
        from ecdop.extensions import db

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
