"""Tribune's one settings module, read from the environment.

Every knob is an environment variable with a default that makes `make run` work on a
bare machine: SQLite and media under `var/`, a file cache, mail written to
files. Production sets `TRIBUNE_PRODUCTION=1`, which turns on HTTPS-only cookies and
HSTS and refuses to start without a real `SECRET_KEY` and `ALLOWED_HOSTS`.
README.md lists every variable.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (1/0, true/false), not {value!r}"
    )


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("TRIBUNE_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("TRIBUNE_PRODUCTION")
DEBUG = env_bool("DEBUG")


def _secret_key() -> str:
    """The key from the environment; in demo mode, one generated once under var/."""
    if key := env("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (TRIBUNE_PRODUCTION=1)."
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def local_site_url(host: str, port: str | int) -> str:
    """The address a browser on this machine opens for a server bound to host:port.

    `manage.py serve` binds HOST and PORT; without SITE_URL, links in mail, feeds
    and the sitemap must point at that same server. A wildcard address (0.0.0.0,
    ::) is not one a browser can open, so the loopback name stands in for it.
    """
    host = {"0.0.0.0": "127.0.0.1", "::": "localhost", "[::]": "localhost"}.get(
        host, host
    )
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


SITE_URL = (
    env("SITE_URL") or local_site_url(env("HOST") or "127.0.0.1", env("PORT") or 8000)
).rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
_site_host = urlsplit(SITE_URL).hostname
if _site_host and _site_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_site_host)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or [SITE_URL]

# Tribune's apps, each above the ones before it: an app imports only the apps
# listed before it (an architecture contract in `make test` checks this).
INSTALLED_APPS = [
    "pagecache",
    "accounts",
    "newsroom",
    "discussion",
    "ratings",
    "subscriptions",
    "moderation",
    "privacy",
    "transfer",
    "demo",
    "server",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "config.middleware.LongURLMiddleware",
    "config.middleware.OutOfRangeIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.AdminFramingMiddleware",
    "csp.middleware.CSPMiddleware",
    # /?p=ID and /?page_id=ID of an imported WordPress site (before the cache,
    # which would serve the front page for them).
    "transfer.middleware.WordPressShortLinkMiddleware",
    "pagecache.middleware.AnonymousPageCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "wagtail.contrib.settings.context_processors.settings",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# --- Data --------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tribune.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web and worker processes read while one writes; IMMEDIATE
    # transactions take the write lock up front instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # One connection per worker process, kept: opening SQLite and setting its
    # pragmas on every request costs more than the query it serves.
    DATABASES["default"]["CONN_MAX_AGE"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "tribune"),
        }
    }
    PAGECACHE_GENERATIONS_DIR = None  # page-cache generations live in Redis too
else:
    # Each process keeps its own cache; the few values every process must agree
    # on (which cached pages went stale) are small files under var/.
    # Django's default of 300 entries is too few: every new guest's vote or
    # comment adds rate-limit counters, and at 300 the cache drops a third of
    # itself, cached pages included (bench/README.md, "votes.sh").
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_MAX_ENTRIES", 5000)},
        }
    }
    PAGECACHE_GENERATIONS_DIR = VAR_DIR / "generations"

# Background work: Django's tasks API, stored in the database and run by
# `manage.py db_worker` (started beside the web server by `make run`). For a large
# site, TASKS_BACKEND=django_tasks_rq.RQBackend keeps the queue in Redis (REDIS_URL)
# and `manage.py serve` starts an RQ worker instead.
TASKS_BACKEND = env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
RQ_BACKEND = "django_tasks_rq.RQBackend"
if TASKS_BACKEND == RQ_BACKEND:
    INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {
    "default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 300}
}

# --- Mail --------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Global News <news@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Static and media --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Media is served by the app in the demo; production puts a web server or object
# storage in front (see README).
SERVE_MEDIA = env_bool("SERVE_MEDIA", not PRODUCTION)

# --- Wagtail -----------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Tribune"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_MB", 10) * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "newsroom.forms.ImageForm"
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"avif": "avif", "webp": "webp", "bmp": "png"}
WAGTAIL_I18N_ENABLED = False
WAGTAILEMBEDS_FINDERS = []  # embeds are rendered by newsroom.blocks, never fetched
# The admin calls no third party: Gravatar would receive a hash of each editor's
# e-mail address, the update check tells wagtail.org who runs which version.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
TAGGIT_CASE_INSENSITIVE = True

# --- Page cache (pagecache) -----------------------------------------------------
PAGECACHE_TIMEOUT = 600  # seconds; a safety net: invalidation normally comes first
# Cookies that make a page personal (never cached) or that change it (part of
# the key). The session cookie always bypasses the cache.
PAGECACHE_BYPASS_COOKIES = ["messages", "tribune_recent"]
PAGECACHE_VARY_COOKIES = ["tribune_sort"]

# --- Site tunables (newsroom) -----------------------------------------------------
NEWSROOM_PAGE_SIZE = env_int("NEWSROOM_PAGE_SIZE", 10)  # articles per listing page
NEWSROOM_FEED_SIZE = env_int("NEWSROOM_FEED_SIZE", 20)  # items per feed
NEWSROOM_TOC_MIN_HEADINGS = 3  # a table of contents from this many headings
NEWSROOM_WORDS_PER_MINUTE = 230  # for "N min read"
NEWSROOM_SEARCH_MAX_QUERY = 200  # longer queries are cut, never refused

# --- Discussion tunables ----------------------------------------------------------
DISCUSSION_MAX_LENGTH = env_int("DISCUSSION_MAX_LENGTH", 5000)  # characters, trimmed
DISCUSSION_MAX_DEPTH = env_int(
    "DISCUSSION_MAX_DEPTH", 3
)  # nesting shown; deeper flattens
DISCUSSION_EDIT_WINDOW = env_int("DISCUSSION_EDIT_WINDOW", 15 * 60)  # seconds
# How long a guest's browser keeps showing them their comment that waits for a
# moderator (their pages are rendered for them meanwhile).
DISCUSSION_HELD_VISIBLE_SECONDS = env_int("DISCUSSION_HELD_VISIBLE_SECONDS", 7 * 86400)
DISCUSSION_PAGE_SIZE = env_int("DISCUSSION_PAGE_SIZE", 20)  # top-level threads per page
DISCUSSION_REPLIES_SHOWN = env_int(
    "DISCUSSION_REPLIES_SHOWN", 5
)  # per thread, then "more"
DISCUSSION_DEFAULT_SORT = env(
    "DISCUSSION_DEFAULT_SORT", "oldest"
)  # oldest|newest|votes
DISCUSSION_CLOSE_AFTER_DAYS = env_int("DISCUSSION_CLOSE_AFTER_DAYS", 90)  # 0: never
DISCUSSION_POLL_SECONDS = env_int("DISCUSSION_POLL_SECONDS", 30)  # "new comments" check
DISCUSSION_DUPLICATE_WINDOW = env_int("DISCUSSION_DUPLICATE_WINDOW", 10 * 60)  # seconds
DISCUSSION_MIN_FILL_SECONDS = env_int("DISCUSSION_MIN_FILL_SECONDS", 3)  # form honeypot
# Rate limits: (requests, seconds) per reader and per IP address.
DISCUSSION_POST_RATE = (env_int("DISCUSSION_POSTS_PER_MINUTE", 6), 60)
DISCUSSION_VOTE_RATE = (env_int("DISCUSSION_VOTES_PER_MINUTE", 60), 60)
DISCUSSION_POST_RATE_PER_IP = (env_int("DISCUSSION_POSTS_PER_MINUTE_PER_IP", 20), 60)
DISCUSSION_VOTE_RATE_PER_IP = (env_int("DISCUSSION_VOTES_PER_MINUTE_PER_IP", 200), 60)

# --- Moderation -------------------------------------------------------------------
# post: published unless the checks hold it; pre: every comment waits for a
# moderator; newcomers: held until the author has this many approved comments.
DISCUSSION_MODERATION = env("DISCUSSION_MODERATION", "post")
# Off: comments are not reviewed at all (no bans, no checks); for measuring only.
MODERATION_ENABLED = env_bool("MODERATION_ENABLED", True)
MODERATION_NEWCOMER_APPROVED = env_int("MODERATION_NEWCOMER_APPROVED", 1)
# Readers' reports that hide a comment until a moderator decides.
MODERATION_REPORT_THRESHOLD = env_int("MODERATION_REPORT_THRESHOLD", 3)
MODERATION_REPORTS_PER_HOUR = env_int("MODERATION_REPORTS_PER_HOUR", 20)
# Each process remembers recent comments for the repeat check this long, then reads
# them afresh (in between it asks only for newer ones).
MODERATION_RECENT_MEMO_SECONDS = env_int("MODERATION_RECENT_MEMO_SECONDS", 3)
# Vote stuffing, as the desk flags it: more votes than this on one comment from one
# IP hash, and votes cast within these minutes of a reader's first activity.
MODERATION_VOTE_BURST = env_int("MODERATION_VOTE_BURST", 5)
MODERATION_NEW_READER_MINUTES = env_int("MODERATION_NEW_READER_MINUTES", 10)

# The classifier: a starter model of the labelled comments shipped with the
# moderation app (STARTER; kept under MODEL_DIR, var/models by default) until there
# are this many moderators' decisions, with at least MIN_EACH approved and MIN_EACH
# rejected; then trained on both every RETRAIN_EVERY decisions. It holds comments it
# scores from HOLD (0-1).
MODERATION_CLASSIFIER_STARTER = env_bool("MODERATION_CLASSIFIER_STARTER", True)
MODERATION_MODEL_DIR = env("MODERATION_MODEL_DIR") or VAR_DIR / "models"
MODERATION_CLASSIFIER_MIN_DECISIONS = env_int(
    "MODERATION_CLASSIFIER_MIN_DECISIONS", 200
)
MODERATION_CLASSIFIER_MIN_EACH = env_int("MODERATION_CLASSIFIER_MIN_EACH", 30)
MODERATION_CLASSIFIER_RETRAIN_EVERY = env_int("MODERATION_CLASSIFIER_RETRAIN_EVERY", 50)
MODERATION_CLASSIFIER_HOLD = float(env("MODERATION_CLASSIFIER_HOLD", "0.65"))

# --- Ratings tunables ---------------------------------------------------------------
# Ratings given, changed or taken back per minute, per reader and per IP address
# (an IPv6 /64 counts as one address); more are refused with 429 and Retry-After.
RATINGS_PER_MINUTE = env_int("RATINGS_PER_MINUTE", 20)
RATINGS_PER_MINUTE_PER_IP = env_int("RATINGS_PER_MINUTE_PER_IP", 100)

# --- Subscriptions tunables ---------------------------------------------------------
# Notification mail: who it comes from and where answers go (empty: no Reply-To).
SUBSCRIPTIONS_FROM_EMAIL = env("SUBSCRIPTIONS_FROM_EMAIL", DEFAULT_FROM_EMAIL)
SUBSCRIPTIONS_REPLY_TO = env("SUBSCRIPTIONS_REPLY_TO", "")
# A confirmation link works this long; an address is sent at most one confirmation
# mail in this many hours, however often someone asks.
SUBSCRIPTIONS_CONFIRM_MAX_AGE = (
    env_int("SUBSCRIPTIONS_CONFIRM_MAX_AGE_HOURS", 72) * 3600
)
SUBSCRIPTIONS_CONFIRM_QUIET = env_int("SUBSCRIPTIONS_CONFIRM_QUIET_HOURS", 6) * 3600
# The "my subscriptions" and unsubscribe links in every mail work this long.
SUBSCRIPTIONS_LINK_MAX_AGE = env_int("SUBSCRIPTIONS_LINK_MAX_AGE_DAYS", 90) * 86400
# Subscribe requests per IP address (or IPv6 /64) per hour; more get 429.
SUBSCRIPTIONS_REQUESTS_PER_HOUR_PER_IP = env_int(
    "SUBSCRIPTIONS_REQUESTS_PER_HOUR_PER_IP", 30
)
# A mail still failing this long after its event is given up (and recorded).
SUBSCRIPTIONS_GIVE_UP_AFTER = 24 * 3600
# A failed send is tried again after this many seconds, then three times longer
# each time, up to the cap.
SUBSCRIPTIONS_RETRY_SECONDS = env_int("SUBSCRIPTIONS_RETRY_SECONDS", 15)
SUBSCRIPTIONS_RETRY_MAX_SECONDS = env_int("SUBSCRIPTIONS_RETRY_MAX_SECONDS", 900)
# Mail a worker took and has not recorded this long after (the worker died) goes
# back to the queue; a worker gives back what it has not sent after half of it.
SUBSCRIPTIONS_CLAIM_LEASE_SECONDS = env_int("SUBSCRIPTIONS_CLAIM_LEASE_SECONDS", 600)
# Batches of mail each worker sends at once, each over its own SMTP connection.
SUBSCRIPTIONS_SENDERS = env_int("SUBSCRIPTIONS_SENDERS", 4)
# Daily-digest subscribers get their mail at this hour (0-23, in TIME_ZONE).
SUBSCRIPTIONS_DIGEST_HOUR = env_int("SUBSCRIPTIONS_DIGEST_HOUR", 7)
# A reader gets at most this many comment mails an hour from one article; the rest
# of that hour's comments come in one mail when the hour ends.
SUBSCRIPTIONS_THROTTLE_PER_HOUR = env_int("SUBSCRIPTIONS_THROTTLE_PER_HOUR", 10)
# PostgreSQL only: record sent mail without waiting for the disk (faster; a crash of
# the database server itself may then send its last fraction of a second again).
SUBSCRIPTIONS_QUICK_COMMITS = env_bool("SUBSCRIPTIONS_QUICK_COMMITS")

# --- Privacy ------------------------------------------------------------------------
# IP hashes (comments, votes, ratings), moderation evidence, report notes and
# ended IP bans older than this many days are purged by a daily task.
PRIVACY_RETENTION_DAYS = env_int("PRIVACY_RETENTION_DAYS", 90)
# A link to see, download or erase one's data works this long; an address is sent
# at most one such link in PRIVACY_MAIL_QUIET_HOURS, however often someone asks.
PRIVACY_LINK_MAX_AGE = env_int("PRIVACY_LINK_MAX_AGE_HOURS", 24) * 3600
PRIVACY_MAIL_QUIET = env_int("PRIVACY_MAIL_QUIET_HOURS", 3) * 3600
# Requests for a link per IP address (or IPv6 /64) per hour; more get 429.
PRIVACY_REQUESTS_PER_HOUR_PER_IP = env_int("PRIVACY_REQUESTS_PER_HOUR_PER_IP", 10)
# The hour of the day (0-23, in TIME_ZONE) the purge runs.
PRIVACY_PURGE_HOUR = env_int("PRIVACY_PURGE_HOUR", 4)

# --- Security ----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# No inline script or style anywhere public: every script and stylesheet is a
# file from 'self'; the nonce is there for the rare case that needs one.
CONTENT_SECURITY_POLICY = {
    # The Wagtail admin uses inline styles and scripts of its own.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
# Readers' accounts: how long a sign-up verification link stays valid.
ACCOUNTS_VERIFY_MAX_AGE = env_int("ACCOUNTS_VERIFY_MAX_AGE_HOURS", 72) * 3600
ACCOUNTS_RATE_LIMIT = env_int("ACCOUNTS_RATE_LIMIT", 5)  # sign-ups etc. per IP...
ACCOUNTS_RATE_PERIOD = 3600  # ...per this many seconds
# Apps above accounts tell it what it cannot know itself: the names no reader may
# take (authors, the site's name) and what the site is called in mail. Dotted
# paths of functions taking no arguments.
ACCOUNTS_RESERVED_NAMES = ["newsroom.services.reserved_names"]
ACCOUNTS_SITE_NAME = "newsroom.services.site_name"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Logs: one line per request on stdout -----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # The request line is ours (config.middleware); Django's own would repeat it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # One line per task is noise beside the request log; failures still show.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
