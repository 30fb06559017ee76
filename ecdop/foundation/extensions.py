"""Unbound extension objects; create_app binds them to an app."""

from flask import Flask, current_app
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from ecdop.foundation.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
compress = Compress()


def the_app_itself() -> Flask:
    """The app behind ``current_app``, to hand to a thread or a scheduler that outlives the
    context the proxy belongs to."""
    return current_app._get_current_object()  # type: ignore[attr-defined]
