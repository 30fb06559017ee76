"""Who is calling the API: the notifier an API token belongs to, and nobody else.

The API is stateless. A browser's session cookie is neither read nor written under /api/, so a
signed-in person's browser cannot be made to call it; and a token opens the API only, never
the web pages.
"""

from __future__ import annotations

import logging

from flask import Request, g, request
from flask.sessions import SecureCookieSessionInterface

from ecdop.api import API_PREFIX
from ecdop.auth.api_tokens import api_token_for, api_token_refusal
from ecdop.auth.models import User
from ecdop.auth.permissions import TOKEN_AUTHENTICATED_BLUEPRINTS

logger = logging.getLogger(__name__)
ASK_FOR_A_BEARER = "Send your API token in an 'Authorization: Bearer <token>' header."
NOT_RECOGNISED = "This API token is not recognised. Check it was copied in full."


class SessionsOutsideTheApi(SecureCookieSessionInterface):
    def open_session(self, app, request: Request):
        if request.path.startswith(API_PREFIX):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if request.path.startswith(API_PREFIX):
            return
        super().save_session(app, session, response)


def bearer_token(header: str) -> str | None:
    scheme, _, credentials = header.strip().partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


def notifier_from_api_token(request: Request) -> User | None:
    """Flask-Login's request loader. Why a token was refused is kept for the 401's detail."""
    if request.blueprint not in TOKEN_AUTHENTICATED_BLUEPRINTS:
        return None
    secret = bearer_token(request.headers.get("Authorization", ""))
    if secret is None:
        g.api_token_refusal = ASK_FOR_A_BEARER
        return None
    token = api_token_for(secret)
    if token is None:
        # Never the token itself: even a mistyped one is most of a real one.
        logger.warning("API request with an unrecognised token from %s", request.remote_addr)
        g.api_token_refusal = NOT_RECOGNISED
        return None
    if refusal := api_token_refusal(token):
        g.api_token_refusal = refusal
        g.refused_api_token = token
        return None
    g.api_token = token
    return token.user
