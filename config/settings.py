"""Settings for the team maturity workshop service.

Every value comes from the environment. With nothing set the service runs
in development mode on a SQLite file beside this project.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import dj_database_url

from core import logs, mail
from core.refusals import ConfigurationError

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigurationError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
            "random string (or set DEBUG=true for local development)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.apps.MaturityAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "axes",
    "core",
    "maturity",
    "teams",
    "workshops",
    "experiments",
    "progress",  # after the apps it reads; its demo history before the playbook's
    "playbook",
    "identity",
    "audit",
    "privacy",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (core/logs.py).
    "core.logs.RequestId",
    # Compresses what every later one wrote (config/compress.py).
    "config.compress.Compress",
    # Static files are answered before Django, by ServeStatic (core/static.py),
    # with the strict headers from core.security.static_headers.
    "django.middleware.security.SecurityMiddleware",
    "core.security.CSPMiddleware",  # django-csp's, building the header once
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Someone signed in through the provider is checked with it again every
    # OIDC_RECHECK_MINUTES (needs the session, the user and the messages).
    "identity.recheck.middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into our sign-in page with a message.
    "axes.middleware.AxesMiddleware",
    # After the CSP middleware: adds the identity provider to form-action.
    "identity.middleware.provider_form_action",
]

# django-axes checks every sign-in attempt first (it needs the request, so
# tests sign in with client.force_login or through the sign-in page).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "identity.backends.PasswordBackend",
    "identity.backends.OrganisationBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        # Django's, with each context emptied once drawn (core/cycles.py);
        # named as Django's is, for django-template-partials to find.
        "BACKEND": "core.cycles.Templates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "teams.context_processors.roles",
                "identity.context_processors.sign_in_options",
            ],
        },
    },
]

try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ConfigurationError(
        f"DATABASE_URL cannot be used ({error}); set it like "
        "postgres://user:pass@host:5432/maturity, or unset it for SQLite"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI Django runs each request's code in a thread of its own, so a
    # connection kept per thread (CONN_MAX_AGE) would be a new connection per
    # request, left open behind it. A pool per server process instead:
    # each request borrows a connection and gives it back at its end; one
    # that died with the database (a restart, a fail-over) is checked and
    # replaced before it is lent (CONN_HEALTH_CHECKS: the pool's check).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DATABASE_POOL_SIZE", 16),
        # How long a request waits for a connection before the kind error
        # page: the database is away, or every connection is busy.
        "timeout": 3,
        # Stop a backing-off reconnection early: the next request that needs
        # a connection tries again at once, so a database that is back is
        # used within a request or two, not after a doubling wait.
        "reconnect_timeout": 2,
    }
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters travel apart from the SQL, so PostgreSQL can keep each
        # statement's plan: prepared on a pooled connection once it has been
        # sent there five times, then neither parsed nor planned again. The
        # database's CPU for a page falls by half or more (a workshop read
        # with its team, facilitator and chosen area: 0.60 ms, then 0.16).
        # Off (false) for a pooler that cannot keep prepared statements:
        # PgBouncer before 1.21, or later with max_prepared_statements = 0.
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several browser tabs poll at once; wait for the write lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not shared-cache memory: the browser tests' live server
    # thread writes while the test thread reads, and shared-cache SQLite
    # answers "table is locked" at once instead of waiting like a file in WAL mode.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling: after AXES_FAILURE_LIMIT failed attempts for one username
# from one address, that pair waits AXES_COOLOFF_MINUTES. Locking on the pair
# (not the username alone) means nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "audit.events.client_ip"
# Behind the load balancer every request comes from it; it appends the
# client's address to X-Forwarded-For, and that one hop is all we trust.
TRUSTED_PROXY_HOPS = 1 if env_bool("BEHIND_PROXY", False) else 0

# Organisation sign-in with OpenID Connect (identity/; docs/operators.md "Organisation
# sign-in"). Off unless OIDC_ISSUER is set. mozilla-django-oidc reads the
# OIDC_RP_* and OIDC_USE_* names below.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "").strip() or (
    OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration" if OIDC_ISSUER else ""
)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
# offline_access: the refresh token the service re-checks people with.
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile email offline_access").strip()
# What the sign-in request carries when it asks for offline_access: OpenID
# Connect Core (section 11) lets a provider drop offline_access unless the
# request has prompt=consent, and some do (panva's oidc-provider). Entra ID
# and Keycloak issue the refresh token without it, and Entra ID would show
# its consent screen (or "Need admin approval") at every sign-in: set it
# empty for them. Sent as query parameters, like prompt=consent.
try:
    OIDC_OFFLINE_ACCESS_PARAMS = dict(
        parse_qsl(
            os.environ.get("OIDC_OFFLINE_ACCESS_PARAMS", "prompt=consent").strip(),
            strict_parsing=True,
        )
    )
except ValueError:
    raise ConfigurationError(
        "OIDC_OFFLINE_ACCESS_PARAMS must be query parameters like prompt=consent, or empty, "
        f"not {os.environ['OIDC_OFFLINE_ACCESS_PARAMS']!r}"
    ) from None
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGORITHM", "RS256").strip()
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "").strip() or "your organisation account"
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "").strip() or "groups"
OIDC_FACILITATOR_GROUPS = env_list("OIDC_FACILITATOR_GROUPS", [])
OIDC_ADMIN_GROUPS = env_list("OIDC_ADMIN_GROUPS", [])
OIDC_ALLOWED_TENANTS = env_list("OIDC_ALLOWED_TENANTS", [])
OIDC_ALLOWED_EMAIL_DOMAINS = [d.lower() for d in env_list("OIDC_ALLOWED_EMAIL_DOMAINS", [])]
# Seconds to wait for the provider (discovery, token, keys, userinfo)
# before telling the person it is not answering.
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
# How often someone signed in through the provider is checked with it again
# (identity/recheck.py): a leaver's session ends and a role taken away goes
# within this many minutes.
OIDC_RECHECK_MINUTES = env_int("OIDC_RECHECK_MINUTES", 15)
if OIDC_RECHECK_MINUTES < 1:
    raise ConfigurationError("OIDC_RECHECK_MINUTES must be at least 1")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for signing out at the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "identity:callback"
# Password sign-in: on by default; off leaves it to the named break-glass
# accounts (for when the provider is down or misconfigured).
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
BREAK_GLASS_ACCOUNTS = env_list("BREAK_GLASS_ACCOUNTS", [])
if OIDC_ISSUER:
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ConfigurationError(
            "OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too"
        )
    _issuer = urlsplit(OIDC_ISSUER)
    if _issuer.scheme != "https" and _issuer.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigurationError(f"OIDC_ISSUER must be an https:// address, not {OIDC_ISSUER!r}")
    if "openid" not in OIDC_RP_SCOPES.split():
        raise ConfigurationError(f"OIDC_SCOPES must include openid, not {OIDC_RP_SCOPES!r}")
elif not PASSWORD_SIGN_IN:
    raise ConfigurationError(
        "PASSWORD_SIGN_IN is off but no OIDC_ISSUER is set: nobody could sign in"
    )

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]


def _static_headers(headers, path, url):
    from core.security import static_headers

    static_headers(headers, path, url)


SERVESTATIC_ADD_HEADERS_FUNCTION = _static_headers
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.static.Storage"
        )
    },
}


def env_site_url(name: str) -> str:
    """The service's own address, without a trailing slash, or ''."""
    value = os.environ.get(name, "").strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"{name} must be the service's address, like https://maturity.example.nhs.uk,"
            f" not {value!r}"
        )
    return value


# The address links in emails start with (a workshop's summary, review
# reminders): one address, whichever server or command sends them.
SITE_URL = env_site_url("SITE_URL")

# Mail (review reminders, password resets, a workshop's summary) through the
# organisation's relay: EMAIL_URL in one value, or one setting at a time
# (core/mail.py). Without a relay emails are written to the log. A relay
# that is half configured is refused here, not at the first email.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "team-maturity@localhost"
_email = {
    "EMAIL_HOST": os.environ.get("EMAIL_HOST", "").strip(),
    "EMAIL_PORT": env_int("EMAIL_PORT", 25),
    "EMAIL_HOST_USER": os.environ.get("EMAIL_HOST_USER", ""),
    "EMAIL_HOST_PASSWORD": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", False),
    "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
    "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", 10),
}
_email_url = os.environ.get("EMAIL_URL", "").strip()
if _email_url:
    if _email["EMAIL_HOST"]:
        raise ConfigurationError("Set EMAIL_URL or EMAIL_HOST, not both")
    _email |= mail.from_url(_email_url)
mail.check(
    _email,
    from_email=DEFAULT_FROM_EMAIL,
    from_email_set=bool(os.environ.get("DEFAULT_FROM_EMAIL", "").strip()),
    site_url=SITE_URL,
)
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
EMAIL_BACKEND = (
    "core.mail.EmailBackend"
    if _email["EMAIL_HOST"]
    else "django.core.mail.backends.console.EmailBackend"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. HTTPS-only settings switch on when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# htmx sends the token from <body data-hx-headers>, so no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions end when the browser closes (shared NHS computers) and, however
# long the browser stays open, 8 hours after sign-in (a working day; a
# workshop never runs that long). Run `manage.py clearsessions` daily.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)


def env_days(name: str, default: int) -> int:
    days = env_int(name, default)
    if days < 1:
        raise ConfigurationError(f"{name} must be at least 1 day, not {days}")
    return days


# How long data about people is kept (privacy/retention.py; the privacy
# notice at /privacy/ quotes these). `manage.py apply_retention` enforces
# them; run it daily from cron. The team's own record (agreed scores, notes
# added to it, vote counts and spreads, experiments, the playbook) is kept.
RETENTION_DAYS = {
    # The names typed on phones, and which phone gave which vote, note or
    # dot: this long after the workshop closes.
    "phones": env_days("RETAIN_PHONE_NAMES_DAYS", 30),
    # Failed attempts to join a workshop (the client's address).
    "failed_joins": env_days("RETAIN_FAILED_JOINS_DAYS", 90),
    # Sign-in attempts kept for throttling and the sign-in log (django-axes).
    "sign_ins": env_days("RETAIN_SIGN_IN_EVENTS_DAYS", 90),
    # The audit trail (audit/).
    "audit": env_days("RETAIN_AUDIT_DAYS", 730),
}
# A workshop nobody closed is closed by apply_retention after this many days
# with no activity, so its phones' names then follow "phones" above.
AUTO_CLOSE_DAYS = env_days("AUTO_CLOSE_DAYS", 7)
# Who people write to for a copy of their data or to be erased: the
# organisation's data protection officer or the service's owner (an email
# address or a web page), named on the privacy notice.
PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "").strip()
# What pages draw again and again from the same rows (a team's history and
# exports, the playbook's counts and orders) is kept under a key made from
# those rows' versions (core/kept.py), so it is never stale whichever
# process drew it. Each process keeps its own by default; with several
# servers, CACHE_URL=redis://host:6379/0 shares one (pip install
# .[redis]), so each page is drawn once for them all.
CACHE_URL = os.environ.get("CACHE_URL", "").strip() or "locmem://"
_cache_scheme = urlsplit(CACHE_URL).scheme
if env_int("CACHE_MAX_ENTRIES", 1000) < 1:
    raise ConfigurationError("CACHE_MAX_ENTRIES must be at least 1")
if _cache_scheme == "locmem":
    _kept_cache = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kept",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
    }
elif _cache_scheme in {"redis", "rediss"}:
    _kept_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
else:
    raise ConfigurationError(
        f"CACHE_URL must be locmem:// or redis://host:port/db, not {CACHE_URL!r}"
    )
# A day at most: every key names its content, so this only bounds memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "kept": {**_kept_cache, "TIMEOUT": 24 * 60 * 60},
}
# The live room is pushed (workshops/push.py, docs/contributors.md "The live room"): every
# open screen of a live workshop holds one server-sent events stream.
# On PostgreSQL each server process LISTENs on one connection of its own;
# a transaction-mode pooler (PgBouncer) cannot carry LISTEN, so the
# listener may have its own address, straight to the database.
LIVE_LISTEN_DATABASE_URL = os.environ.get("LIVE_LISTEN_DATABASE_URL", "").strip()
# A comment line on every idle stream this often keeps proxies and load
# balancers from closing it (most close idle connections after 60 s).
LIVE_HEARTBEAT_SECONDS = env_int("LIVE_HEARTBEAT_SECONDS", 15)
# A room's screens are redrawn at once for a change, then at most this
# often while changes keep coming: a burst of votes is a few redraws.
LIVE_REDRAW_MS = env_int("LIVE_REDRAW_MS", 200)
# Past this many open streams in one server process, new ones are told to
# come back later (503 with Retry-After) and the page polls meanwhile; also
# before a stream would pass the process's file descriptors (less
# LIVE_FD_RESERVE) or its memory (less LIVE_MEMORY_RESERVE_MB), and while
# LIVE_MAX_OPENING streams are opening at once: being checked, or waiting
# for their first state to be drawn (workshops/budget.py).
LIVE_MAX_STREAMS = env_int("LIVE_MAX_STREAMS", 20_000)
LIVE_FD_RESERVE = env_int("LIVE_FD_RESERVE", 256)
LIVE_MEMORY_RESERVE_MB = env_int("LIVE_MEMORY_RESERVE_MB", 64)
LIVE_MAX_OPENING = env_int("LIVE_MAX_OPENING", 8)
# ... and while the process's event loop runs this far behind (a flood of
# openings): the streams it holds and the answers it owes stay on time.
LIVE_MAX_LAG_MS = env_int("LIVE_MAX_LAG_MS", 250)
# Past this many ordinary requests in flight in one server process (being
# answered or queued for the threads that run Django's views), new ones
# get 503 with Retry-After at once instead of waiting for seconds.
MAX_REQUESTS_IN_FLIGHT = env_int("MAX_REQUESTS_IN_FLIGHT", 64)
# Threads per server process that run the ordinary views (config/asgi.py).
# The interpreter runs one at a time; more let a view's wait for the
# database overlap another's work. Each holds at most one database
# connection, so keep it below DATABASE_POOL_SIZE.
VIEW_THREADS = env_int("VIEW_THREADS", 8)
if (
    min(
        LIVE_HEARTBEAT_SECONDS,
        LIVE_MAX_STREAMS,
        LIVE_MAX_OPENING,
        LIVE_MAX_LAG_MS,
        MAX_REQUESTS_IN_FLIGHT,
        VIEW_THREADS,
    )
    < 1
):
    raise ConfigurationError(
        "LIVE_HEARTBEAT_SECONDS, LIVE_MAX_STREAMS, LIVE_MAX_OPENING, MAX_REQUESTS_IN_FLIGHT "
        "and VIEW_THREADS must be at least 1"
    )
if min(LIVE_FD_RESERVE, LIVE_MEMORY_RESERVE_MB, LIVE_REDRAW_MS) < 0:
    raise ConfigurationError(
        "LIVE_FD_RESERVE, LIVE_MEMORY_RESERVE_MB and LIVE_REDRAW_MS cannot be negative"
    )
# Refuse oversized posts before any form sees them, with a clear 413 page
# (config.views.bad_request). 64 KB is several times the longest form here
# (a playbook entry); fields also carry their own max_length.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's health check and the app's own health must not be
# redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# One line a record, each with its request id; an expected refusal (below
# 500) without a traceback; LOG_FORMAT=json for log collectors (core/logs.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ConfigurationError(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
# ACCESS_LOG: one line a request (method, path, status, time, request id).
LOGGING = logs.config(
    os.environ.get("LOG_LEVEL", "WARNING"), LOG_FORMAT, access_log=env_bool("ACCESS_LOG", False)
)
