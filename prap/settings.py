"""PRAP Tracker settings: one file, every deploy-specific value from the environment.

Safe local defaults: SQLite in the project folder, local-memory cache, e-mail to the console,
debug off unless DEBUG=true. See the README's "Configuration" and "Deploying" tables for every
variable.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from prap.headers import static_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or .env), or set DEBUG=true "
            "for local development."
        )
    SECRET_KEY = "local-development-only-not-a-secret"  # noqa: S105 - used only when DEBUG

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute address of the site, for links in e-mails and feeds sent outside a request.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The Django admin, behind the same sign-in and second step as every staff page.
    "prap.apps.PrapAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Full-text search lookups for PostgreSQL; nothing of it runs on SQLite.
    "django.contrib.postgres",
    "django_filters",
    "django_tables2",
    "simple_history",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "prap.apps.PrapConfig",
    # The domain, lowest layer first: models, QuerySets, forms and the rules for every write.
    "plans",
    "accounts",
    "indicators",
    "workstreams",
    "actions",
    "engagement",
    "panels",
    "search",
    "alerts",
    # The pages above it, by audience, and the demonstration data (README, "Project layout").
    "public",
    "staff",
    "demo",
]

# Order matters. Health probes answer first (no host check, no logging, no database for
# /healthz). The request log wraps everything else so it times and records every response,
# errors included. The header middleware sits above WhiteNoise so static files, redirects and
# error pages carry the same Content-Security-Policy, X-Frame-Options and security headers.
MIDDLEWARE = [
    "prap.middleware.HealthCheckMiddleware",
    "prap.middleware.RequestLogMiddleware",
    # Public pages in the cache are answered here, for visitors without cookies, with the
    # headers the middleware below gave them when they were rendered (plans/cache.py).
    "plans.cache.PublicPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "prap.middleware.NoStoreMiddleware",
    "prap.middleware.RefuseNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The quarterly return's form has six fields a row: more than Django's 1,000 for a
    # force with over 166 deliverables due. Its view says how many it takes, and the form
    # is read with that limit here, before the CSRF check reads it with the usual one.
    "prap.middleware.LargeFormMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff sessions end after 30 idle minutes, 12 hours, or "Sign out everywhere".
    "accounts.middleware.StaffSessionMiddleware",
    # A staff form sent after the session ended is kept for its person, and given back
    # filled in once they have signed in again (after CSRF; before the sign-in redirect).
    "accounts.middleware.KeptFormMiddleware",
    # Which second-step device verified this session (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    # Deny by default: every view needs a signed-in user unless it is marked
    # @login_not_required (public pages, sign-in, password reset)...
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ...and a session verified by the second step (REQUIRE_MFA), unless marked
    # @mfa_not_required (the second step's own pages, sign-out).
    "accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "prap.urls"
WSGI_APPLICATION = "prap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plans.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Keep connections open between requests and check them before reuse, so a database
    # restart costs no failed requests once the server is back.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["NAME"] not in ("", ":memory:"):
    # An SQLite file shared by the web server and the task worker (two processes): take the
    # write lock when a transaction starts and wait up to 20 seconds for it, rather than
    # failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://prap")}
# django-environ leaves "?key_prefix=" from the URL under a key Django does not read.
if "key_prefix" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = CACHES["default"].pop("key_prefix")
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Room for every force's roadmap and the deliverable pages people read (the default
    # of 300 entries would keep evicting them at national size).
    # Each stored page also has a small entry saying where it is, for a database outage
    # (plans/cache.py), hence twice the pages' room.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 6000)
elif CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Losing Redis costs speed, not pages: failures are misses, with short time-outs and a
    # pause before trying again (prap/cache_backends.py).
    CACHES["default"]["BACKEND"] = "prap.cache_backends.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
        socket_timeout=env.float("CACHE_TIMEOUT", default=0.5),
        retry_seconds=env.float("CACHE_RETRY_SECONDS", default=5),
    )

# Public pages (plans/cache.py): kept in the cache above under the version of their content
# (PUBLIC_PAGE_CACHE), for at most PUBLIC_PAGE_CACHE_SECONDS; sent with an ETag and
# "Cache-Control: public, max-age=PUBLIC_MAX_AGE" so browsers and a CDN can help too.
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=3600)
PUBLIC_MAX_AGE = env.int("PUBLIC_MAX_AGE", default=60)
# Where a cached page's freshness is checked (plans/cache.py): the content versions read from
# the shared cache (Redis), so a page from the cache costs no database query; a write sets
# them when it commits. With local memory each process has its own cache and would not see
# another's writes, so the versions are read from the database on every request instead.
PUBLIC_VERSIONS_IN_CACHE = env.bool(
    "PUBLIC_VERSIONS_IN_CACHE",
    default=CACHES["default"]["BACKEND"] == "prap.cache_backends.ResilientRedisCache",
)
PUBLIC_VERSION_CACHE_SECONDS = env.int("PUBLIC_VERSION_CACHE_SECONDS", default=5)
# With Redis, each process also keeps the versions it read, while Redis tells it of every
# change to them (client tracking, prap/cache_backends.py KeptKeys): a page from the cache
# then costs no round trip at all. The prefix is plans.cache.VERSION_KEY_PREFIX.
PUBLIC_VERSIONS_IN_PROCESS = PUBLIC_VERSIONS_IN_CACHE and env.bool(
    "PUBLIC_VERSIONS_IN_PROCESS",
    default=CACHES["default"]["BACKEND"] == "prap.cache_backends.ResilientRedisCache",
)
if PUBLIC_VERSIONS_IN_PROCESS:
    CACHES["default"]["OPTIONS"].update(
        kept_in_process=["prap:version"], kept_seconds=PUBLIC_VERSION_CACHE_SECONDS
    )
# Each process also keeps the pages it last answered (plans/cache.py, PagesInMemory), up to
# this many bytes, so that a page from the shared cache is not fetched from Redis on every
# request; its freshness is still checked every time. 0 turns it off (the default with the
# local-memory cache, which is in the process already).
PUBLIC_PAGE_MEMORY_BYTES = env.int(
    "PUBLIC_PAGE_MEMORY_BYTES", default=16 * 1024 * 1024 if PUBLIC_VERSIONS_IN_CACHE else 0
)
# The release running (a commit id or version), part of every public page's cache key so
# that two releases sharing a cache during a deploy never serve each other's pages; unset, a
# digest of the code is used (prap/release.py).
RELEASE = env.str("RELEASE", default="")

vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PRAP Tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (README, "Background tasks"): e-mail is never sent during a request; it
# is queued and a worker sends it. By default the queue is a table in the site's own database
# (django-tasks-db), worked by `manage.py db_worker`, which `make run` starts beside the web
# server. TASKS_BACKEND=immediate runs each task at once in the process that queues it (the
# tests, or a one-process setup with no worker).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env.str("TASKS_BACKEND", default="database")
if _task_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {_task_backend!r}: use one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_task_backend], "QUEUES": ["default"]}}

# E-mail alerts (README, "E-mail alerts"): how long a confirmation link works, how long an
# unconfirmed sign-up is kept, and the sign-up throttle.
ALERTS_CONFIRM_SECONDS = env.int("ALERTS_CONFIRM_SECONDS", default=3 * 24 * 60 * 60)
ALERTS_UNCONFIRMED_DAYS = env.int("ALERTS_UNCONFIRMED_DAYS", default=7)
ALERTS_SIGN_UP_EMAIL_LIMIT = env.int("ALERTS_SIGN_UP_EMAIL_LIMIT", default=3)
ALERTS_SIGN_UP_ADDRESS_LIMIT = env.int("ALERTS_SIGN_UP_ADDRESS_LIMIT", default=20)
ALERTS_SIGN_UP_WINDOW_SECONDS = env.int("ALERTS_SIGN_UP_WINDOW_SECONDS", default=60 * 60)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"

# Multi-factor authentication (django-otp): every staff account sets up an authenticator app
# (TOTP) on its first sign-in and enters a code from it, or a single-use recovery code, on
# every sign-in, the Django admin included. On unless DEBUG is on, so local development stays
# easy; never turn it off in production (check --deploy warns).
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=not DEBUG)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="PRAP Tracker")
# Changing the second step needs the password again, entered at most this long ago.
REAUTHENTICATION_SECONDS = env.int("REAUTHENTICATION_SECONDS", default=10 * 60)

# Sign-in throttling (accounts/throttle.py), NCSC guidance: about 10 attempts, then a cool-off
# rather than a permanent lock. Counted per account and, with a higher limit, per address, so
# people sharing a police network address are not locked out by one of them.
SIGN_IN_ACCOUNT_LIMIT = env.int("SIGN_IN_ACCOUNT_LIMIT", default=10)
SIGN_IN_ADDRESS_LIMIT = env.int("SIGN_IN_ADDRESS_LIMIT", default=100)
SIGN_IN_COOL_OFF_SECONDS = env.int("SIGN_IN_COOL_OFF_SECONDS", default=15 * 60)
# Password-reset requests (accounts/throttle.py): at most this many links to one address, and
# requests from one client address, in the window.
PASSWORD_RESET_ACCOUNT_LIMIT = env.int("PASSWORD_RESET_ACCOUNT_LIMIT", default=3)
PASSWORD_RESET_ADDRESS_LIMIT = env.int("PASSWORD_RESET_ADDRESS_LIMIT", default=20)
PASSWORD_RESET_WINDOW_SECONDS = env.int("PASSWORD_RESET_WINDOW_SECONDS", default=60 * 60)
# How many proxies in front of the application append to X-Forwarded-For (0: none, the
# client's address is REMOTE_ADDR). Behind one TLS proxy, 1.
PROXY_HOPS = env.int("PROXY_HOPS", default=0)

# Staff sessions (accounts/middleware.py): signed out after this long without a request, and
# after this long whatever happens. The cookie lives no longer than the absolute limit.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# The warning before the idle time-out (static/js/session-timeout.js) comes this long before it,
# with a button to stay signed in; a form sent after a time-out is kept this long for its
# person to get back once signed in again (accounts/kept_forms.py).
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=120)
KEPT_FORM_SECONDS = env.int("KEPT_FORM_SECONDS", default=60 * 60)

# Where people report an accessibility problem (named on /accessibility/); empty: the
# statement points them to the force whose plan it is and to the national team.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")

# NCSC password guidance: length and a deny-list of common passwords, no composition rules
# (so no NumericPasswordValidator: "must contain a non-digit" is a composition rule).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "prap.storage.StaticStorage"},
}

# Uploads. Spreadsheets are at most 5 MB each (actions.spreadsheets.files.MAX_BYTES; a larger
# file is refused as it arrives, see actions/spreadsheets/uploads.py). A request of up to two
# such files and its form fields is held in memory, never written to a temporary file. Other
# form posts (the quarterly return page is the largest) stay under Django's usual 2.5 MB of
# fields.
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
# data.police.uk monthly stop and search files (indicators.police_uk): the largest file, .zip,
# or CSV inside a .zip accepted, in bytes. A month of the Metropolitan Police is about 2 MB.
STOP_SEARCH_MAX_BYTES = env.int("STOP_SEARCH_MAX_BYTES", default=25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Security. Defaults are strict unless DEBUG is on. Behind a TLS-terminating proxy that sets
# X-Forwarded-Proto, set SECURE_PROXY_SSL_HEADER=true (and keep SECURE_SSL_REDIRECT on, or
# turn it off if the proxy already redirects plain HTTP).
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Browser features no page uses are off for every page and any frame (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "hid",
        "bluetooth",
        "display-capture",
        "midi",
        "accelerometer",
        "gyroscope",
        "magnetometer",
    )
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Cookies are Secure and "__Host-" prefixed (Secure, Path=/, no Domain: the browser refuses to
# let another subdomain set or read them) unless SECURE_COOKIES=false, for a local run over
# plain HTTP where a browser would drop Secure cookies.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_NAME = "__Host-sessionid" if SECURE_COOKIES else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp). Strict for every page: no inline script or style, no
# eval, no plugins, no <base>, no framing, forms post only here. Templates therefore carry no
# <script> bodies, no style="..." attributes and no on*="..." handlers (see README, Security).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# WhiteNoise answers static files itself, before the views: it adds their headers too.
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

# Reference to the reporting cycle: a return is due this many days after its quarter ends.
RETURN_DEADLINE_DAYS = env.int("RETURN_DEADLINE_DAYS", default=30)

# Structured logs: one JSON object a line on stdout, UTC timestamps, request id, user id,
# force and path on every line written during a request; secrets redacted (prap/logs.py).
# Security events go to the "prap.security" logger. Plain lines for a person at a terminal when
# DEBUG is on (make run), unless LOG_FORMAT says otherwise.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
# Django's dictConfig, with records made without the caller's file and line (prap/logs.py).
LOGGING_CONFIG = "prap.logs.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "prap.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "prap.logs.JsonFormatter"},
        "plain": {
            "format": "{asctime} {levelname} {name} [{request_id}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The request log (prap.request) records every response; Django's own line for 4xx
        # would only repeat it.
        "django.request": {"level": "ERROR"},
        "prap.security": {"level": "INFO"},
    },
}
