"""Django settings for Patroon, configured through the environment (12-factor).

Every variable Patroon reads is listed in ``docs/configuration.md``. Secrets and encryption keys
are generated on first start into ``PATROON_VAR_DIR/secrets`` and are never stored in the
database or committed.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from patroon.security.secrets import new_token, read_or_create

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR = Path(os.environ.get("PATROON_VAR_DIR", PROJECT_DIR / "var")).resolve()
SECRETS_DIR = Path(os.environ.get("PATROON_SECRETS_DIR", VAR_DIR / "secrets"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or read_or_create(
    SECRETS_DIR / "django_secret_key", new_token
)
PATROON_KEYRING_FILE = os.environ.get("PATROON_KEYRING_FILE", str(SECRETS_DIR / "keyring.json"))
PATROON_HMAC_KEY_FILE = os.environ.get("PATROON_HMAC_KEY_FILE", str(SECRETS_DIR / "hmac.key"))
# Ed25519 key that signs evidence exports of the victim-device log (proximity/evidence.py).
PATROON_EVIDENCE_KEY_FILE = os.environ.get(
    "PATROON_EVIDENCE_KEY_FILE", str(SECRETS_DIR / "evidence-signing.key")
)

DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
HTTPS = env_bool("PATROON_HTTPS", True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "patroon.accounts",
    "patroon.audit",
    "patroon.vocabulary",
    "patroon.identity",
    "patroon.signals",
    "patroon.patterns",
    "patroon.risk",
    "patroon.cases",
    "patroon.proximity",
    "patroon.hotline",
    "patroon.registry",
    "patroon.demo",
    "patroon.web",
]

MIDDLEWARE = [
    "patroon.web.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "patroon.web.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "patroon.web.middleware.DutchFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "patroon.api.middleware.ApiVersionMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "patroon.urls"
WSGI_APPLICATION = "patroon.wsgi.application"
ASGI_APPLICATION = "patroon.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "patroon.web.context.navigation",
            ],
        },
    },
]

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
        " PRAGMA mmap_size=268435456; PRAGMA wal_autocheckpoint=16384;"
    ),
}


def _database(url: str) -> dict:
    config = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compiles queries the planner thinks are costly; on OLTP lookups into large
        # tables it adds ~10 ms per query and saves nothing.
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
        if env_bool("DATABASE_POOL", True):
            # Under ASGI every request runs in a thread of its own, and the persistent
            # connection each thread left behind exhausted PostgreSQL (docs/benchmarks.md,
            # Helpline). A pool per process lends a few connections to all its threads.
            config["OPTIONS"]["pool"] = {
                "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
                "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "16")),
                "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
            }
            config["CONN_MAX_AGE"] = 0
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
        config["CONN_MAX_AGE"] = 0
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    return config


DATABASES = {
    "default": _database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'patroon.sqlite3'}"
    )
}
# The identity vault in a database of its own (optional): only the identity app lives there.
if os.environ.get("DATABASE_URL_VAULT"):
    DATABASES["vault"] = _database(os.environ["DATABASE_URL_VAULT"])
    DATABASE_ROUTERS = ["patroon.identity.router.VaultRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"

AXES_FAILURE_LIMIT = int(os.environ.get("PATROON_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Patroon"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Security headers. Nothing is loaded from outside this server.
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: Chromium sends "Origin: null" on same-origin POSTs under
# no-referrer, which fails CSRF origin checking. Nothing is sent to other sites either way.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("PATROON_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "patroon.api.authentication.OrganisationTokenAuthentication"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "patroon.api.problems.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Patroon API",
    "DESCRIPTION": (
        "Intake of signals (meldingen) from agency systems. Follows the NL API Design Rules: "
        "the major version is in the URL, every response carries an `API-version` header and "
        "errors are `application/problem+json` listing each invalid field."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
API_VERSION = SPECTACULAR_SETTINGS["VERSION"]

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PATROON_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "patroon.web.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "patroon.web.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PATROON_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Called with the signals just stored, inside the intake transaction.
PATROON_SIGNAL_STORED_HOOKS = [
    "patroon.patterns.services.signals_stored",
    "patroon.cases.hooks.signals_stored",
]
# Called with the ids of signals whose persons changed (after a link, merge or split).
PATROON_SIGNAL_PERSONS_CHANGED_HOOKS = ["patroon.patterns.services.refresh_signals"]
# The red-flag rules (policy data); a malformed file stops the application at start.
PATROON_RULES_FILE = os.environ.get(
    "PATROON_RULES_FILE", str(BASE_DIR / "patterns" / "data" / "red_flags.yaml")
)
# Called with (organisation code, source reference, position, new person) of every mention
# whose identity record moved to another person (link, merge, split, undo, rebuild).
PATROON_PERSONS_MOVED_HOOKS = ["patroon.signals.services.persons_moved"]
# Called with every change of persons (identity.moves.Moved): references held outside the
# vault follow a person that a merge emptied, and go back when the merge is undone.
PATROON_PERSON_CHANGE_HOOKS = ["patroon.signals.follow.person_changed"]
# Those references, as app.Model.field (signals and timelines follow through their mentions).
PATROON_PERSON_REF_FIELDS = [
    "cases.Case.victim_ref",
    "cases.Case.perpetrator_ref",
    "cases.Child.person_ref",
    "risk.Assessment.victim_ref",
    "risk.Assessment.perpetrator_ref",
    "risk.Disagreement.victim_ref",
    "registry.Victim.person_ref",
]
# Called with what followed (signals.follow.Followed), inside the same transaction.
PATROON_REFS_FOLLOWED_HOOKS = ["patroon.cases.hooks.refs_followed"]
PATROON_PERSON_RESOLVER = os.environ.get(
    "PATROON_PERSON_RESOLVER", "patroon.identity.resolution.LinkageResolver"
)

# --- Hotline (hulplijn): public pages, anonymous reports, chat. See docs/hotline.md. ---
# WebSocket chat: with REDIS_URL several ASGI workers share a Redis channel layer; without it
# one process keeps the layer in memory (the embedded default of `make run`).
REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 1500, "expiry": 30},
        }
        if REDIS_URL
        else {
            "BACKEND": "patroon.hotline.layers.ThrottledInMemoryChannelLayer",
            "CONFIG": {"capacity": 1500},
        }
    )
}
PATROON_HOTLINE_DANGER_FILE = os.environ.get(
    "PATROON_HOTLINE_DANGER_FILE", str(BASE_DIR / "hotline" / "data" / "danger_phrases.yaml")
)
# Keyed hashes of client addresses are deleted after this many minutes.
PATROON_HOTLINE_IP_RETENTION_MINUTES = int(
    os.environ.get("PATROON_HOTLINE_IP_RETENTION_MINUTES", "60")
)
PATROON_HOTLINE_IP_SALT = os.environ.get("PATROON_HOTLINE_IP_SALT") or read_or_create(
    SECRETS_DIR / "hotline_ip_salt", new_token
)
PATROON_HOTLINE_REPORTS_PER_CLIENT_HOUR = int(
    os.environ.get("PATROON_HOTLINE_REPORTS_PER_CLIENT_HOUR", "10")
)
PATROON_HOTLINE_MESSAGES_PER_CLIENT_MINUTE = int(
    os.environ.get("PATROON_HOTLINE_MESSAGES_PER_CLIENT_MINUTE", "30")
)
PATROON_HOTLINE_REPORTS_GLOBAL_MINUTE = int(
    os.environ.get("PATROON_HOTLINE_REPORTS_GLOBAL_MINUTE", "6000")
)
PATROON_HOTLINE_OPEN_FAILURES = int(os.environ.get("PATROON_HOTLINE_OPEN_FAILURES", "5"))
PATROON_HOTLINE_LOCKOUT_MINUTES = int(os.environ.get("PATROON_HOTLINE_LOCKOUT_MINUTES", "30"))
PATROON_HOTLINE_MAX_CHARS = int(os.environ.get("PATROON_HOTLINE_MAX_CHARS", "5000"))
# Proof of work asked of the browser before a report is accepted: leading zero bits of a
# SHA-256 (0 = off; 16 costs a phone well under a second).
PATROON_HOTLINE_POW_BITS = int(os.environ.get("PATROON_HOTLINE_POW_BITS", "0"))
# PBKDF2 iterations for a passphrase the reporter chose (generated ones carry 76 random bits).
PATROON_HOTLINE_PBKDF2_ITERATIONS = int(
    os.environ.get("PATROON_HOTLINE_PBKDF2_ITERATIONS", "200000")
)
PATROON_HOTLINE_PRESENCE_SECONDS = int(os.environ.get("PATROON_HOTLINE_PRESENCE_SECONDS", "120"))
PATROON_HOTLINE_ANSWER_HOURS = int(os.environ.get("PATROON_HOTLINE_ANSWER_HOURS", "24"))

# --- Casusregie: notifications by e-mail (console in development). See docs/cases.md. ---
EMAIL_BACKEND = os.environ.get(
    "PATROON_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("PATROON_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PATROON_EMAIL_PORT", "25"))
EMAIL_USE_TLS = os.environ.get("PATROON_EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("PATROON_EMAIL_FROM", "patroon@localhost")
# Links in e-mails point here.
PATROON_BASE_URL = os.environ.get("PATROON_BASE_URL", "http://127.0.0.1:8000")
# Where the quick-exit button goes: a neutral site, replacing the page in the history.
PATROON_HOTLINE_EXIT_URL = os.environ.get("PATROON_HOTLINE_EXIT_URL", "https://www.buienradar.nl/")
