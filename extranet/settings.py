"""Maillage settings: one module that declares everything, read from the environment.

With no variable set at all, this is the embedded default: DEBUG on, SQLite, in-memory channel
layer and cache, e-mails written to ``var/mail/``. Production sets at least ``DEBUG=false``,
``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL`` (see README, "Production").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from extranet.env import env_bool, env_int, env_list, env_str

# Lets Django's generic classes (ModelAdmin[Space], ModelForm[Space]) be subscripted at runtime.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MAILLAGE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed, obviously unsafe key so sessions survive restarts of the demo.
    SECRET_KEY = "dev-insecure-maillage-key-change-me-" + "x" * 32  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "extranet",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "documents",
    "calendars",
    "forums",
    "directory",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "extranet.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "extranet.middleware.SessionActivityMiddleware",
    "extranet.middleware.MFARequiredMiddleware",
]

ROOT_URLCONF = "extranet.urls"
WSGI_APPLICATION = "extranet.wsgi.application"
ASGI_APPLICATION = "extranet.asgi.application"

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
                "extranet.context_processors.maillage",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "maillage.sqlite3"),
            "OPTIONS": {
                # Daphne serves requests from several threads: WAL lets readers proceed while one
                # writer works, IMMEDIATE avoids "database is locked" on read-then-write upgrades.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": env_str("MAILLAGE_TEST_SQLITE", "") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer (Redis in production, in-process by default) -------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "maillage"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # A socket waits for its messages with BZPOPMIN for 5 s; redis-py 8 gives up
                # reading after 5 s by default, which killed every idle WebSocket consumer with
                # "Timeout reading from ...". Reads get longer than that wait; connecting does not.
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 5}
                ],
                "prefix": env_str("CHANNELS_PREFIX", "maillage"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "extranet.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "extranet.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Maillage] "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Maillage"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# allauth would write the session row on every request; SessionActivityMiddleware does it at
# most every SESSION_ACTIVITY_INTERVAL seconds instead.
USERSESSIONS_TRACK_ACTIVITY = False
SESSION_ACTIVITY_INTERVAL = env_int("SESSION_ACTIVITY_INTERVAL", 300)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "extranet" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Document files: outside any web root, served only by the permission-checked download view.
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(VAR_DIR / "documents")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DOCUMENTS_ROOT)},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DOCUMENTS_MAX_UPLOAD_MB = env_int("DOCUMENTS_MAX_UPLOAD_MB", 50)
DOCUMENTS_EXTRACTION_TIMEOUT = env_int("DOCUMENTS_EXTRACTION_TIMEOUT", 60)
DOCUMENTS_EXTRACTION_MEMORY_MB = env_int("DOCUMENTS_EXTRACTION_MEMORY_MB", 512)
# Behind nginx: e.g. "/protected-documents/" mapped with `internal; alias <DOCUMENTS_ROOT>/;`.
DOCUMENTS_ACCEL_REDIRECT_PREFIX = env_str("DOCUMENTS_ACCEL_REDIRECT_PREFIX")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# --- Calendars (Radicale at /dav/) ------------------------------------------------------------
# "database": collections and items in this database (SQLite embedded, PostgreSQL in production;
# several app servers may share it). "file": Radicale's own folder (RADICALE_STORAGE_DIR), kept
# for `manage.py dav_storage import/export` and the benchmark.
RADICALE_STORAGE = env_str("RADICALE_STORAGE", "database")
RADICALE_STORAGE_DIR = Path(env_str("RADICALE_STORAGE_DIR", str(VAR_DIR / "radicale")))
RADICALE_LOG_LEVEL = env_str("RADICALE_LOG_LEVEL", "warning")
# Deletion records of the database storage's sync history kept this long (`dav_storage prune`);
# a client whose sync token is older does a full sync.
DAV_CHANGE_RETENTION_DAYS = env_int("DAV_CHANGE_RETENTION_DAYS", 90)
# ETag-only PROPFIND and sync-collection answers of the database storage are streamed a page of
# rows at a time (calendars/dav/streaming.py); off: Radicale builds every answer in memory.
DAV_STREAMING = env_bool("DAV_STREAMING", True)
# Where the web agenda reaches CalDAV: this same server by default, or a standalone Radicale.
CALDAV_URL = env_str("CALDAV_URL", SITE_URL + "/dav/")
ASGI_MOUNTS = {"/dav": "calendars.dav.app.asgi_application"}

# --- Directory --------------------------------------------------------------------------------
# Logos and photos: outside any web root, served by the permission-checked views.
DIRECTORY_MEDIA_DIR = Path(env_str("DIRECTORY_MEDIA_DIR", str(VAR_DIR / "directory")))
# A card not verified for this many days is "stale": its owners are reminded, editors list it.
DIRECTORY_STALE_AFTER_DAYS = env_int("DIRECTORY_STALE_AFTER_DAYS", 365)
# Confirmed registrants of a training session get a reminder this many hours before it starts
# (`send_training_reminders`, run every hour or once a day).
TRAINING_REMINDER_HOURS = env_int("TRAINING_REMINDER_HOURS", 48)
DIRECTORY_MAX_IMAGE_MB = env_int("DIRECTORY_MAX_IMAGE_MB", 5)
# CSV bulk import by directory editors: larger files are refused, to be split.
DIRECTORY_IMPORT_MAX_MB = env_int("DIRECTORY_IMPORT_MAX_MB", 5)
DIRECTORY_IMPORT_MAX_ROWS = env_int("DIRECTORY_IMPORT_MAX_ROWS", 20000)

# --- Background tasks (django-tasks, database backend: works on SQLite and PostgreSQL) -------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL_BACKEND = env_str("EMAIL_BACKEND")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_URL_BACKEND:
    EMAIL_BACKEND = EMAIL_URL_BACKEND
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # Demo: every e-mail lands as a file a person running `make run` can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind the reverse proxy (nginx, Caddy) that terminates TLS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Maillage -------------------------------------------------------------------------------
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
INVITATION_VALIDITY_DAYS = env_int("INVITATION_VALIDITY_DAYS", 14)
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "maillage-demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Radicale logs every request at INFO; its own [logging] section applies only when it
        # runs as a standalone server.
        "radicale": {"level": env_str("RADICALE_LOG_LEVEL", "warning").upper()},
    },
}

# Static files straight from the apps while developing (no collectstatic for `make run`).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Search ---------------------------------------------------------------------------------
# "auto": PostgreSQL full-text search on PostgreSQL, Whoosh (files in SEARCH_INDEX_DIR) otherwise.
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "auto")
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(VAR_DIR / "search")))

# --- Public portal (/portal/) ---------------------------------------------------------------
PORTAL_SITE_NAME = env_str("PORTAL_SITE_NAME", "Portail du Pays")
# Origins whose pages may read the JSON API and feeds from a browser (CORS); "*" for any.
PORTAL_CORS_ORIGINS = env_list("PORTAL_CORS_ORIGINS")
# Sites allowed to show the embeddable agenda in an <iframe> (CSP frame-ancestors); empty: any.
PORTAL_EMBED_ANCESTORS = env_list("PORTAL_EMBED_ANCESTORS")
# Seconds a browser or shared cache may reuse a public page or feed without asking again.
PORTAL_CACHE_MAX_AGE = env_int("PORTAL_CACHE_MAX_AGE", 300)
# Changing it changes every ETag of the portal (forces clients to download pages again).
PORTAL_ETAG_SALT = env_str("PORTAL_ETAG_SALT")
