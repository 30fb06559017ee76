"""Configuration classes for ecdop.

Settings live here; only secrets and deployment addresses come from the environment.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"
REDIS_SCHEMES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# The key the development server made for itself, kept so sign-ins survive a restart.
DEVELOPMENT_SECRET_KEY_FILE = INSTANCE_DIR / "secret_key"
DEVELOPMENT_AUDIT_KEY_FILE = INSTANCE_DIR / "audit_key"
MINIMUM_SECRET_KEY_LENGTH = 32
# The environment variable that sets a required key, where the two names differ.
ENVIRONMENT_NAMES = {
    "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
    "PUBLIC_BASE_URL": "ECDOP_PUBLIC_BASE_URL",
    "AUDIT_KEY": "ECDOP_AUDIT_KEY",
}


class ConfigurationRefused(RuntimeError):
    """Settings ecdop will not start with; the message says what to set."""


class BaseConfig:
    # No default: a key anyone can read in the source would let anyone forge a session.
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'ecdop.sqlite3'}"
    )
    # hide_parameters: a database error's message (and so the log) must not carry the values of
    # the failed statement, which may be a child's name or NHS number.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # Sessions hold who is signed in to a system about dead children: short, strict cookies.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # A browser that has signed in before keeps its own allowance of wrong attempts.
    KNOWN_BROWSER_COOKIE_NAME = "ecdop_known_browser"
    # The browser may forget the cookie sooner; the server's record decides when it stops working.
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 4
    MAX_CONTENT_LENGTH = 1024 * 1024
    # A document kept with a case (post-mortem reports, chronologies): the largest accepted.
    DOCUMENT_MAX_BYTES = int(os.environ.get("ECDOP_DOCUMENT_MAX_MB", "20")) * 1024 * 1024
    # Text answers go compressed (Flask-Compress): brotli, else gzip. Pages are compressed too:
    # the CSRF token's signature changes every second and no page reflects text an attacker
    # chose in an address, which is what a compression side channel (BREACH) needs.
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
        "application/problem+json", "image/svg+xml", "text/plain",
    ]  # fmt: skip
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # argon2id with RFC 9106's second recommended profile (64 MiB, 3 passes, 4 lanes), above
    # OWASP's minimum; a change here rehashes each password at its owner's next sign-in.
    PASSWORD_HASHING = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
    # Server-side sessions: ended by 30 minutes without a request, or 12 hours after sign-in.
    SESSION_IDLE_MINUTES = int(os.environ.get("ECDOP_SESSION_IDLE_MINUTES", "30"))
    SESSION_LIFETIME_HOURS = int(os.environ.get("ECDOP_SESSION_LIFETIME_HOURS", "12"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    # Each API token's allowance: a force's system notifies a death at a time, not in bulk.
    API_RATE_LIMIT = os.environ.get("ECDOP_API_RATE_LIMIT", "60 per minute")
    CASES_PER_PAGE = 25
    SERVICE_NAME = "ecdop"
    # Addresses in outgoing messages are built from this, never from the request's Host header.
    PUBLIC_BASE_URL = os.environ.get("ECDOP_PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # How many reverse proxies stand in front: X-Forwarded-For is believed that far, no further.
    # Production reads it as text, and validate() makes it a number or refuses to start.
    TRUSTED_PROXY_COUNT: int | str | None = int(os.environ.get("ECDOP_TRUSTED_PROXIES", "0"))
    MAIL_FROM = os.environ.get("ECDOP_MAIL_FROM", "ecdop@localhost")
    # Outgoing mail. SMTP_SECURITY: "starttls" (port 587), "tls" (port 465) or "none".
    SMTP_HOST = os.environ.get("ECDOP_SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("ECDOP_SMTP_PORT", "25"))
    SMTP_SECURITY = os.environ.get("ECDOP_SMTP_SECURITY", "starttls")
    SMTP_USERNAME = os.environ.get("ECDOP_SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("ECDOP_SMTP_PASSWORD", "")
    SMTP_TIMEOUT = 10
    # How long a sender's claim on a batch of messages lasts. A sender that dies mid-batch
    # leaves its messages untouched this long; only then may another send them again.
    OUTBOX_CLAIM_SECONDS = int(os.environ.get("ECDOP_OUTBOX_CLAIM_SECONDS", "300"))
    # Senders working through the outbox side by side, each on its own SMTP connection
    # (PostgreSQL only; on SQLite, one).
    OUTBOX_SENDERS = int(os.environ.get("ECDOP_OUTBOX_SENDERS", "4"))
    SEED_DEMO_ALLOWED = False
    # Ordinary English words (Debian's wbritish): a part of a child's name that is also one
    # ("Rose", "Hill") is looked for only where it is written as a name.
    WORD_LIST = os.environ.get("ECDOP_WORD_LIST", "/usr/share/dict/british-english")
    # Reports cover reporting years starting in April (as national returns do) or January.
    REPORTING_YEAR_START_MONTH = 1 if os.environ.get("ECDOP_REPORTING_YEAR") == "calendar" else 4
    DEMO_PASSWORD = os.environ.get("ECDOP_DEMO_PASSWORD", "demo-password-2026")
    # The audit chain's key (HMAC-SHA-256): in the environment of ecdop's processes, never in
    # the database, so that whoever owns the database cannot re-seal a rewritten trail. Keys
    # used before a rotation stay here, comma-separated, so earlier events still verify.
    AUDIT_KEY = os.environ.get("ECDOP_AUDIT_KEY", "")
    AUDIT_EARLIER_KEYS = [
        key.strip() for key in os.environ.get("ECDOP_AUDIT_EARLIER_KEYS", "").split(",")
        if key.strip()
    ]  # fmt: skip
    # Where the daily checkpoint of the audit chain is e-mailed: a mailbox the database's
    # administrators cannot reach (an information governance or audit team's).
    AUDIT_CHECKPOINT_ADDRESS = os.environ.get("ECDOP_AUDIT_ADDRESS", "")
    REQUIRED_KEYS: tuple[str, ...] = ("SECRET_KEY", "AUDIT_KEY", "SQLALCHEMY_DATABASE_URI")

    # Strict-Transport-Security: sent only where every address is https (production).
    HSTS_SECONDS = 0
    PERMISSIONS_POLICY = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    )

    @classmethod
    def complete(cls, settings: dict) -> None:
        """Fill in what this environment may derive for itself (nothing, by default)."""

    @classmethod
    def validate(cls, settings: dict) -> None:
        missing = [ENVIRONMENT_NAMES.get(key, key) for key in cls.REQUIRED_KEYS
                   if not settings.get(key)]  # fmt: skip
        if missing:
            raise ConfigurationRefused(
                f"Missing required configuration: {', '.join(missing)}. To try ecdop on "
                "this computer, set ECDOP_ENV=development (make run does)."
            )
        for key in ("SECRET_KEY", "AUDIT_KEY"):
            if len(settings[key]) < MINIMUM_SECRET_KEY_LENGTH:
                raise ConfigurationRefused(
                    f"{ENVIRONMENT_NAMES.get(key, key)} must be a random value of "
                    f"{MINIMUM_SECRET_KEY_LENGTH}+ characters"
                )
        if settings.get("SMTP_SECURITY") not in ("starttls", "tls", "none"):
            raise ConfigurationRefused("ECDOP_SMTP_SECURITY must be starttls, tls or none")


def is_loopback_address(base_url: str) -> bool:
    return (urlsplit(base_url).hostname or "") in LOOPBACK_HOSTS


def development_secret_key(path: Path = DEVELOPMENT_SECRET_KEY_FILE) -> str:
    """This computer's own random key: made once, readable by its owner only."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class DevelopmentConfig(BaseConfig):
    SEED_DEMO_ALLOWED = True
    # `make run` starts a local mail catcher here.
    SMTP_HOST = os.environ.get("ECDOP_SMTP_HOST", "127.0.0.1")
    SMTP_PORT = int(os.environ.get("ECDOP_SMTP_PORT", "1025"))
    SMTP_SECURITY = os.environ.get("ECDOP_SMTP_SECURITY", "none")
    # Unset, the address follows the port being served (PORT), so links in caught mail open.
    PUBLIC_BASE_URL = os.environ.get("ECDOP_PUBLIC_BASE_URL", "")

    @classmethod
    def complete(cls, settings: dict) -> None:
        if not settings.get("PUBLIC_BASE_URL"):
            settings["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
        # Only a server that nobody else can reach may make up its own key.
        if is_loopback_address(settings["PUBLIC_BASE_URL"]):
            if not settings.get("SECRET_KEY"):
                settings["SECRET_KEY"] = development_secret_key()
            if not settings.get("AUDIT_KEY"):
                settings["AUDIT_KEY"] = development_secret_key(DEVELOPMENT_AUDIT_KEY_FILE)


class TestConfig(BaseConfig):
    TESTING = True
    # A new key for each run of the suite: no key written down anywhere opens anything.
    SECRET_KEY = secrets.token_urlsafe(48)
    AUDIT_KEY = secrets.token_urlsafe(48)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "ECDOP_TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.sqlite3'}"
    )
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "1000 per minute"
    # The clock is frozen, so every request of the suite falls in one window.
    API_RATE_LIMIT = "1000000 per minute"
    # Real argon2id, the cheapest parameters: the suite creates and signs in hundreds of users.
    PASSWORD_HASHING = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    SEED_DEMO_ALLOWED = True
    PUBLIC_BASE_URL = "http://localhost"
    # Tests that send mail start their own SMTP sink and point these at it.
    SMTP_HOST = "127.0.0.1"
    SMTP_PORT = 1
    SMTP_SECURITY = "none"
    SMTP_TIMEOUT = 5


class ProductionConfig(BaseConfig):
    # __Host-: the browser sends it only to this host, over https, for every path.
    SESSION_COOKIE_NAME = "__Host-ecdop_session"
    KNOWN_BROWSER_COOKIE_NAME = "__Host-ecdop_known_browser"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_PATH = "/"
    PREFERRED_URL_SCHEME = "https"
    PUBLIC_BASE_URL = os.environ.get("ECDOP_PUBLIC_BASE_URL", "")
    # No default: believing a hop that is not there lets anyone choose the address the audit
    # trail records and the per-address limits count. The deployment says how many (0 too).
    TRUSTED_PROXY_COUNT = os.environ.get("ECDOP_TRUSTED_PROXIES")  # an int once validated
    HSTS_SECONDS = 60 * 60 * 24 * 365 * 2
    REQUIRED_KEYS = (*BaseConfig.REQUIRED_KEYS, "PUBLIC_BASE_URL")

    @classmethod
    def validate(cls, settings: dict) -> None:
        super().validate(settings)
        if urlsplit(settings["PUBLIC_BASE_URL"]).scheme != "https":
            raise ConfigurationRefused(
                "Production needs ECDOP_PUBLIC_BASE_URL to be an https:// address"
            )
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            raise ConfigurationRefused("Production needs DATABASE_URL pointing at PostgreSQL")
        # Several web processes must share one count, or each token gets its limit per process.
        if not settings.get("RATELIMIT_STORAGE_URI", "").startswith(REDIS_SCHEMES):
            raise ConfigurationRefused("Production needs RATELIMIT_STORAGE_URI pointing at Redis")
        settings["TRUSTED_PROXY_COUNT"] = trusted_proxy_count(settings.get("TRUSTED_PROXY_COUNT"))


def trusted_proxy_count(value: object) -> int:
    """ECDOP_TRUSTED_PROXIES, which production must state: how many reverse proxies stand in
    front (0 for none)."""
    text = str(value).strip() if value is not None else ""
    if not text.isdigit():
        raise ConfigurationRefused(
            "Production needs ECDOP_TRUSTED_PROXIES: how many reverse proxies stand in front "
            "of ecdop and add X-Forwarded-For (0 if none; 1 behind one load balancer)"
        )
    return int(text)


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[BaseConfig]:
    # Unset means production: a deployment that forgot to say gets every safeguard.
    name = name or os.environ.get("ECDOP_ENV") or "production"
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigurationRefused(
            f"Unknown ECDOP_ENV {name!r}; use one of {', '.join(CONFIGS)}"
        ) from None
