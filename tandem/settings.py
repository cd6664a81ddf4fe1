"""Django settings for Tandem, read from the environment with safe local defaults."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tandem.env import (
    env_bool,
    env_ice_servers,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The demo visitor site (/demo/, /demo/checkout/): on with DEBUG (`make run`), off in
# production unless asked for.
TANDEM_DEMO_PAGES = env_bool("TANDEM_DEMO_PAGES", DEBUG)
# The public key that `make run` (DEBUG on) uses. Anyone can sign resume tokens and
# sessions with it, so without DEBUG the server refuses to start on it or on no key.
DEVELOPMENT_SECRET_KEY = "tandem-local-development-key-not-for-production"
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set (a long random string, the same for every process) when "
        "DEBUG is off; see docs/deploy.md. For local use set DEBUG=1, as `make run` does."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# Origins of Tandem's own pages when a proxy changes the Host header (e.g. https://tandem.example.com).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "cobrowse",
    "agents",
    "presence",
    "siteconnect",
    "demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "agents.middleware.AgentPagesCSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tandem.urls"
ASGI_APPLICATION = "tandem.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- SQLite under concurrent writers -----------------------------------------------------
# Every socket writes (sessions, timelines) from its own thread. SQLite's defaults make a
# writer that finds the database busy fail with "database is locked": a transaction that
# read first cannot wait for the lock it then needs. BEGIN IMMEDIATE takes the write lock
# up front, so writers queue for up to TANDEM_SQLITE_TIMEOUT_SECONDS instead; WAL lets
# readers carry on while one writes. PostgreSQL needs none of this.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env_int("TANDEM_SQLITE_TIMEOUT_SECONDS", 20, minimum=1),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # Several processes: Redis pub/sub by default (docs/architecture.md, "At scale"): each
    # frame is one PUBLISH (sent in batches, core/redis_layer.py), delivered at once or
    # not at all, with no per-channel capacity or expiry to drop frames under load. The
    # core layer (TANDEM_CHANNEL_LAYER) keeps its capacity and expiry, and drops frames
    # past them.
    _layer = env_str("TANDEM_CHANNEL_LAYER", "core.redis_layer.RedisPubSubLayer")
    # redis-py 8 gives up on a socket read after 5 s, but the layers wait on Redis longer
    # than that when nothing arrives: no read timeout.
    _layer_config: dict = {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]}
    if _layer.endswith(".core.RedisChannelLayer"):
        _layer_config |= {"capacity": 1000, "expiry": 30}
    CHANNEL_LAYERS = {"default": {"BACKEND": _layer, "CONFIG": _layer_config}}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    # One process: Tandem's own in-memory layer (core/layers.py), whose cost does not
    # grow with the number of open sockets as Channels' InMemoryChannelLayer's does.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "core.layers.LocalChannelLayer",
            "CONFIG": {"capacity": 1000, "expiry": 30},
        }
    }
    # Presence keeps one entry per online visitor: Django's default of 300 entries
    # would silently forget visitors past a couple of hundred.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# Login throttling (django-axes) on /accounts/login/ and /admin/login/: after
# TANDEM_LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is refused (HTTP 429) for TANDEM_LOGIN_COOLOFF_MINUTES; a right password resets
# the count. Only failures count. `manage.py axes_reset` lifts every lockout at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("TANDEM_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TANDEM_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (for the cool-off); successes are not
AXES_HTTP_RESPONSE_CODE = 429
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/agent/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only deployments that run collectstatic name a directory; local use serves the build.
STATIC_ROOT = env_str("STATIC_ROOT", "") or None
STATICFILES_DIRS = [BASE_DIR / "static" / "dist", BASE_DIR / "static" / "public"]
# Serve straight from the build output: no collectstatic step for local use or tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Compressed: the build writes .gz and .br beside each bundle (static/build.mjs), and
# collectstatic writes them for everything else. No manifest (hashed names): the loader
# names its bundles by their plain URL, and tests and `make run` run without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Production: HTTPS and the proxy in front (docs/deploy.md) ---------------------------
# Off by default so that `make run` works over plain http://127.0.0.1; a deployment
# behind TLS turns them on (`manage.py check --deploy` is clean with the documented set).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("TANDEM_SECURE_COOKIES", False)
SECURE_SSL_REDIRECT = env_bool("TANDEM_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("TANDEM_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TANDEM_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("TANDEM_HSTS_PRELOAD", False)
# The header in which the TLS-terminating proxy says a request came over HTTPS, e.g.
# X-Forwarded-Proto; the proxy must set it on every request (overwriting the client's).
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("TANDEM_PROXY_SSL_HEADER")

# Per-socket limits. A frame over the size limit is answered with an error frame and
# close code 4413; a socket over the rate limit with an error frame and close code 4429.
# daphne drops any WebSocket message over 1 MiB before Tandem sees it; stay below that so
# a too-big frame is answered with an error frame instead of a silent disconnect.
TANDEM_WS_MAX_FRAME_BYTES = env_int(
    "TANDEM_WS_MAX_FRAME_BYTES", 256 * 1024, minimum=4096, maximum=1024 * 1024 - 1024
)
TANDEM_WS_RATE_PER_SECOND = env_int("TANDEM_WS_RATE_PER_SECOND", 200, minimum=1)
TANDEM_WS_RATE_BURST = env_int("TANDEM_WS_RATE_BURST", 600, minimum=1)
# The largest frame the server sends (clients' WebSocket libraries commonly refuse more than
# 1 MiB); never below the client frame limit, so every relayed frame fits.
TANDEM_WS_MAX_SEND_BYTES = env_int(
    "TANDEM_WS_MAX_SEND_BYTES",
    1024 * 1024,
    minimum=TANDEM_WS_MAX_FRAME_BYTES,
    maximum=64 * 1024 * 1024,
)
# What may wait to be sent to a client that reads slowly before frames for it are dropped
# (agent viewers) or its socket is closed with 4408 (every other socket).
TANDEM_WS_MAX_PENDING_BYTES = env_int(
    "TANDEM_WS_MAX_PENDING_BYTES", 16 * 1024 * 1024, minimum=64 * 1024
)
# Per client address: open sockets in one server process, and session starts per minute
# across all processes (0: no limit). Behind a proxy, name the header it sets with the
# client's address; only then is any such header believed.
TANDEM_CLIENT_MAX_SOCKETS = env_int("TANDEM_CLIENT_MAX_SOCKETS", 200, minimum=0)
TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE = env_int(
    "TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE", 60, minimum=0
)
TANDEM_CLIENT_IP_HEADER = env_str("TANDEM_CLIENT_IP_HEADER", "")
# Seconds a signed snapshot request (an agent's `rid`) stays valid for the visitor's reply.
TANDEM_SNAPSHOT_REQUEST_MAX_AGE = env_int("TANDEM_SNAPSHOT_REQUEST_MAX_AGE", 60, minimum=1)
# A visitor page keeps its session across navigations and dropped connections:
# it retries for TANDEM_VISITOR_RECONNECT_SECONDS, and the server keeps a session whose
# visitor is gone for TANDEM_VISITOR_GRACE_SECONDS (a little longer) before ending it.
TANDEM_VISITOR_RECONNECT_SECONDS = env_int("TANDEM_VISITOR_RECONNECT_SECONDS", 60, minimum=1)
TANDEM_VISITOR_GRACE_SECONDS = env_int("TANDEM_VISITOR_GRACE_SECONDS", 75, minimum=0)
# Presence: a visitor whose page sent nothing (it pings every 30 s) for this long is gone;
# an agent's message for an offline visitor waits this long for it to come back.
TANDEM_PRESENCE_TIMEOUT_SECONDS = env_int("TANDEM_PRESENCE_TIMEOUT_SECONDS", 90, minimum=10)
# A visitor whose last page went away (to the next page of the site, or closed) stays
# online this long, so that browsing a site is one visit, not a leave and a return per click.
TANDEM_PRESENCE_LEAVE_GRACE_SECONDS = env_int("TANDEM_PRESENCE_LEAVE_GRACE_SECONDS", 10, minimum=0)
# How often an open dashboard drops visitors whose heartbeat stopped without a goodbye.
TANDEM_PRESENCE_SWEEP_SECONDS = env_int("TANDEM_PRESENCE_SWEEP_SECONDS", 30, minimum=1)
# An open dashboard refreshes its agent's availability every TANDEM_PRESENCE_SWEEP_SECONDS;
# one not heard from for this long (its server process died) stops counting.
TANDEM_AVAILABILITY_TIMEOUT_SECONDS = env_int("TANDEM_AVAILABILITY_TIMEOUT_SECONDS", 90, minimum=10)
TANDEM_PRESENCE_MESSAGE_TTL_SECONDS = env_int(
    "TANDEM_PRESENCE_MESSAGE_TTL_SECONDS", 24 * 3600, minimum=60
)
# A unique presence connection (connectUnique) holds its 6-digit id this long; each
# extendUnique() adds as much again.
TANDEM_PRESENCE_UNIQUE_SECONDS = env_int("TANDEM_PRESENCE_UNIQUE_SECONDS", 300, minimum=10)
# How long the signed resume token a visitor page keeps in sessionStorage stays valid;
# every resume issues a fresh one.
TANDEM_RESUME_TOKEN_MAX_AGE = env_int("TANDEM_RESUME_TOKEN_MAX_AGE", 8 * 3600, minimum=60)
# A token that carries a session to another trusted domain travels in a URL: it lives
# only long enough for that page to load.
TANDEM_HANDOFF_TOKEN_MAX_AGE = env_int("TANDEM_HANDOFF_TOKEN_MAX_AGE", 120, minimum=5)
# Sessions outlive no server process (core/leases.py, cobrowse/sweeps.py): each process
# says it is alive every TANDEM_PROCESS_HEARTBEAT_SECONDS and counts as dead 3 heartbeats
# after its last; every TANDEM_SWEEP_SECONDS one process (under a lease) counts a dead
# process's sockets as closed and ends the sessions whose visitor left more than
# TANDEM_VISITOR_GRACE_SECONDS ago. 0 turns this process's sweeps off.
TANDEM_PROCESS_HEARTBEAT_SECONDS = env_int("TANDEM_PROCESS_HEARTBEAT_SECONDS", 5, minimum=1)
TANDEM_SWEEP_SECONDS = env_int("TANDEM_SWEEP_SECONDS", 10, minimum=0)
# STUN/TURN servers for screen share and agent video (WebRTC), a JSON list of
# RTCIceServer dicts. Empty: direct connections only, enough on one network.
TANDEM_ICE_SERVERS = env_ice_servers("TANDEM_ICE_SERVERS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "one_line": {
            "()": "core.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "console_one_line": {"class": "logging.StreamHandler", "formatter": "one_line"},
    },
    "loggers": {
        "tandem": {
            "handlers": ["console"],
            "level": env_str("TANDEM_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # Login failures and lockouts (usernames and addresses masked).
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Requests Django refuses as suspicious (a Host not in ALLOWED_HOSTS, too many
        # fields): anyone can send them, so one line each, never a traceback.
        "django.security": {
            "handlers": ["console_one_line"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}

# The REST API (api/, docs/rest-api.md): an API token (`Authorization: Bearer`) or an
# agent's login session; JSON in and out; errors as {t, code, msg}.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": "Tandem's REST API. Presence endpoints follow Glance's Presence REST API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    # Swagger UI from the pinned drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The asset proxy (cobrowse/asset_proxy.py): the replayed page's images, fonts, styles and
# media reach the agent's browser only through Tandem. Private, loopback and link-local
# addresses are refused unless TANDEM_ASSET_ALLOW_PRIVATE (the local demo on 127.0.0.1
# needs it; so it follows DEBUG). Sizes cap what one fetch reads and what one cache entry
# keeps; the token an agent's viewer carries lives TANDEM_ASSET_TOKEN_SECONDS. Fetches
# run on TANDEM_ASSET_FETCH_THREADS threads of their own per process.
TANDEM_ASSET_ALLOW_PRIVATE = env_bool("TANDEM_ASSET_ALLOW_PRIVATE", DEBUG)
TANDEM_ASSET_MAX_BYTES = env_int("TANDEM_ASSET_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
TANDEM_ASSET_TIMEOUT_SECONDS = env_int("TANDEM_ASSET_TIMEOUT_SECONDS", 10, minimum=1)
TANDEM_ASSET_CACHE_SECONDS = env_int("TANDEM_ASSET_CACHE_SECONDS", 3600, minimum=0)
TANDEM_ASSET_CACHE_MAX_BYTES = env_int("TANDEM_ASSET_CACHE_MAX_BYTES", 1024 * 1024, minimum=0)
TANDEM_ASSET_TOKEN_SECONDS = env_int("TANDEM_ASSET_TOKEN_SECONDS", 12 * 3600, minimum=60)
TANDEM_ASSET_FETCH_THREADS = env_int("TANDEM_ASSET_FETCH_THREADS", 16, minimum=1, maximum=256)

# Content-Security-Policy of the agent's pages (/agent/, /accounts/), sent by django-csp
# through agents.middleware.AgentPagesCSPMiddleware: mirrored visitor content runs no
# script and loads nothing from outside Tandem (its assets come through the asset proxy).
# The replay iframe is about:blank, sandboxed without allow-scripts, and inherits this.
# The same middleware sends `Referrer-Policy: no-referrer` on the pages under /agent/
# (same-origin on the log-in pages, whose forms post themselves).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],  # CSP Level 3: 'self' covers ws(s):// to this host
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
