"""Tending's one settings module. Everything comes from the environment (see README)."""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.csp import CSP

from tending.env import (
    database_from_url,
    ensure_private_dir,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_from_env_or_file,
)

# pyOpenSSL (brought by py_webauthn for attestation certificates) names DSA types when it is
# imported; the warning is about its code, not ours, and would be printed by every command.
warnings.filterwarnings("ignore", message="DSA is deprecated")

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = ensure_private_dir(Path(env_str("TENDING_DATA_DIR", str(BASE_DIR / "data"))).resolve())

DEBUG = env_bool("TENDING_DEBUG", False)
SECRET_KEY = secret_from_env_or_file("TENDING_SECRET_KEY", DATA_DIR / "secret_key")
# True when the key was generated into the data dir: fine for one machine, wrong for several.
SECRET_KEY_FROM_FILE = not env_str("TENDING_SECRET_KEY")

ALLOWED_HOSTS = env_list("TENDING_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TENDING_CSRF_TRUSTED_ORIGINS", [])
# Client addresses from X-Forwarded-For are believed only from these proxies.
TRUSTED_PROXIES = env_list("TENDING_TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "tending",
    "accounts",
    "couples",
    "privacy",
    "activity",
    "notes",
    "commitments",
    "checkins",
    "bids",
    "agreements",
    "closeness",
    "conversations",
    "appreciations",
    "questions",
    "milestones",
    "rituals",
    "projects",
    "measures",
    "insight",
    "safety",
    "outbox",
    "today",
    "push",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    # Two-step sign-in: authenticator apps and recovery codes (see accounts/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Passkeys (WebAuthn) as a django-otp device, behind our own views (accounts/passkeys.py).
    "django_otp_webauthn",
]
ADMIN_ENABLED = env_bool("TENDING_ADMIN", False)
if ADMIN_ENABLED:
    INSTALLED_APPS.append("django.contrib.admin")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tending.static_files.StaticFilesMiddleware",  # whitenoise; hashed names kept a year
    "django.middleware.gzip.GZipMiddleware",  # HTML; BREACH reasoning in docs/decisions.md
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "accounts.middleware.RequestScopeMiddleware",  # per-request lookups kept once
    "privacy.kept_pages.QueryRecordingMiddleware",  # a quiet page shown again: see there
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "privacy.middleware.KeyringMiddleware",
    "privacy.middleware.NotYoursMiddleware",  # PermissionError from a service: the usual 404
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SignedInSessionMiddleware",  # sessions list, idle lock
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.ActivateTimeZoneMiddleware",
]

ROOT_URLCONF = "tending.urls"
WSGI_APPLICATION = "tending.wsgi.application"

# Text limits are stated, never enforced by the browser cutting a paste (tending/forms.py).
FORM_RENDERER = "tending.forms.TendingFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"), DATA_DIR / "tending.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The first loads the person with their key row (one query less on every page); the second
# only keeps sessions signed in before it existed (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.PersonBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "today"
LOGOUT_REDIRECT_URL = "accounts:sign_in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Django's checks, in our words (tending/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tending.passwords.SimilarityValidator"},
    {"NAME": "tending.passwords.LengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "tending.passwords.CommonValidator"},
    {"NAME": "tending.passwords.NumericValidator"},
]

# Failed sign-ins allowed in the window. Unknown devices: per (account, address) pair, per
# address, and per account across addresses. A device where the account signed in before
# (signed device cookie) has only its own budget (see accounts/throttle.py).
SIGN_IN_THROTTLE_PER_PAIR = env_int("TENDING_SIGN_IN_LIMIT", 5)
SIGN_IN_THROTTLE_PER_ADDRESS = env_int("TENDING_SIGN_IN_ADDRESS_LIMIT", 50)
SIGN_IN_THROTTLE_PER_ACCOUNT = env_int("TENDING_SIGN_IN_ACCOUNT_LIMIT", 100)
SIGN_IN_THROTTLE_PER_KNOWN_DEVICE = env_int("TENDING_SIGN_IN_DEVICE_LIMIT", 20)
DEVICE_COOKIE_NAME = "tending_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
# The second step is throttled by accounts.throttle (known devices apart), not per factor:
# django-otp's own per-factor back-off would let a partner who knows the password slow
# the other's authenticator everywhere.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "Tending"
# How long a password step waits for its second step.
SECOND_STEP_SECONDS = 5 * 60
SIGN_IN_THROTTLE_WINDOW_SECONDS = env_int("TENDING_SIGN_IN_WINDOW", 15 * 60)

INVITE_LIFETIME_DAYS = 7
PASSWORD_RESET_TIMEOUT = 2 * 3600

# A page shown again unchanged, for this many seconds at most, while every query it was made
# from answers the same (privacy/kept_pages.py); 0 turns it off.
TENDING_PAGE_KEEP_SECONDS = env_int("TENDING_PAGE_KEEP_SECONDS", 60)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("TENDING_SESSION_DAYS", 14) * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Production is HTTPS behind a proxy or directly; a couple's own machine is plain HTTP on loopback.
HTTPS = env_bool("TENDING_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/"]  # probes often speak plain HTTP to the container
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS and TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict CSP: no inline script or style anywhere, nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("TENDING_STATIC_ROOT", str(BASE_DIR / "staticfiles"))).resolve()
# Hashed, compressed names once `collectstatic` has written a manifest. `./tend start` collects
# with MANIFEST_STORAGE whatever this process chose (see serve.py), so gunicorn's workers, which
# load settings afterwards, find the manifest from the very first start. Plain names before
# that, so tests and a first `manage.py` run work on a clean clone.
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STATIC_MANIFEST = (STATIC_ROOT / "staticfiles.json").exists() and not DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            MANIFEST_STORAGE
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and `./tend start` before collectstatic still find files through the finders; once
# collected, only STATIC_ROOT is served (with its .gz/.br files beside each one).
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_MANIFEST_STRICT = False

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Email goes to the console unless SMTP is configured.
SMTP_HOST = env_str("TENDING_SMTP_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("TENDING_SMTP_PORT", 587),
                "username": env_str("TENDING_SMTP_USER"),
                "password": env_str("TENDING_SMTP_PASSWORD"),
                "use_tls": True,
            },
        }
        if SMTP_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("TENDING_FROM_EMAIL", "Tending <tending@localhost>")
# Where people open Tending: the links in emails the worker sends (it has no request).
SITE_URL = env_str("TENDING_SITE_URL", "http://localhost:8000").rstrip("/")

# Passkeys (WebAuthn). The relying party id is the host name passkeys are bound to, and the
# origins are the exact addresses (scheme, host, port) Tending is opened at; both default to
# TENDING_SITE_URL. Passkeys need a secure context: https, or localhost on this very machine
# (checked at start: accounts.E010-E013, W010, W011; see README).
_SITE = urlsplit(SITE_URL)
OTP_WEBAUTHN_RP_ID = env_str("TENDING_PASSKEY_RP_ID", _SITE.hostname or "").lower()
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "TENDING_PASSKEY_ORIGINS", [f"{_SITE.scheme}://{_SITE.netloc}".lower()]
)
OTP_WEBAUTHN_RP_NAME = "Tending"
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
# A passkey is only ever a second step after the password (the password opens the data key).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_TIMEOUT_SECONDS = SECOND_STEP_SECONDS
# py_webauthn's reasons for refusing a passkey go nowhere: they may carry account ids.
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = ""
# The library's origin check refuses to start on plain HTTP; ours (accounts.checks) only warns
# there, so a practice install over plain HTTP still runs, without passkeys.
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E031"]

# The server process started by `./tend start`.
SERVE_HOST = env_str("TENDING_HOST", "127.0.0.1")
SERVE_PORT = env_int("TENDING_PORT", 8000)
SERVE_WORKERS = env_int("TENDING_WORKERS", 2)

# Logs never carry personal content: no request bodies, no access log with invite paths.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TENDING_LOG_LEVEL", "WARNING")},
}

# Argon2id cost for deriving the key that wraps each person's data key (see docs/privacy.md).
# Defaults are libsodium's "interactive" profile: 2 passes over 64 MiB.
KEY_KDF_OPS = env_int("TENDING_KEY_KDF_OPS", 2)
KEY_KDF_MEM = env_int("TENDING_KEY_KDF_MEM", 64 * 1024 * 1024)
# The HttpOnly cookie holding the per-session secret that opens the data key in the session.
KEY_COOKIE_NAME = "tending_key"

# Web Push: a VAPID key from the environment, else generated into DATA_DIR on first use.
VAPID_PRIVATE_KEY = env_str("TENDING_VAPID_PRIVATE_KEY")
VAPID_SUBJECT = env_str("TENDING_VAPID_SUBJECT", "mailto:tending@localhost")
# Only tests send to a push service on this machine over plain HTTP.
PUSH_ALLOW_LOOPBACK = env_bool("TENDING_PUSH_ALLOW_LOOPBACK", False)
# Quick exit (safety app): the harmless page that replaces Tending, and the operator's own
# list of local help shown on the help page (JSON; see safety/help_resources.example.json).
QUICK_EXIT_URL = env_str("TENDING_QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
HELP_RESOURCES_FILE = env_str("TENDING_HELP_RESOURCES", "")
