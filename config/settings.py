"""Django settings for Industry Hubs, read from environment variables (see .env.example)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def _env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def _env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "production" turns on the checks below and the secure defaults; anything else is development.
ENVIRONMENT = os.environ.get("DJANGO_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = _env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG).")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to 50 or more random characters.")
    # Django's own deploy check asks for at least 5 distinct characters; a key typed by hand
    # ("aaaa...", "changeme" repeated) is guessable however long, so ask for much more.
    if len(set(SECRET_KEY)) < 20 or SECRET_KEY.startswith(("django-insecure", "change-me")):
        raise ImproperlyConfigured(
            "SECRET_KEY looks typed or copied, not random: generate one (see .env.example)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names.")
    if not os.environ.get("DATABASE_URL"):
        raise ImproperlyConfigured("DATABASE_URL must point at the PostgreSQL database.")
else:
    SECRET_KEY = SECRET_KEY or "development-only-key-never-use-in-production-0123456789abcdef"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    # Admin modules are registered explicitly (config.apps): autodiscovery would import
    # django-leaflet's admin, which needs GDAL.
    "config.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django.forms",
    "django_filters",
    "leaflet",
    "allauth",
    "allauth.account",
    "import_export",
    "simple_history",
    "django_tasks_db",
    "accounts",
    "hubs",
]

MIDDLEWARE = [
    # First: the balancer's /healthz and /readyz need no allowed host, HTTPS or session.
    "hubs.health.HealthCheckMiddleware",
    # Which database a request reads from (removes itself without a replica).
    "config.db_router.ReplicaRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PrivateAccountPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hubs.middleware.MailFailureMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so that it sees exceptions raised by the views first.
    "hubs.middleware.RateLimitStoreDownMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hubs.context_processors.site",
            ],
        },
    },
]

# Form widgets may use the project's templates (the admin's map widget does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# PostgreSQL connections: kept open CONN_MAX_AGE seconds, or taken from a psycopg 3 pool of
# DATABASE_POOL_MAX_SIZE per process (DATABASE_POOL), each checked before use; while the primary
# restarts, a request waits up to DATABASE_POOL_TIMEOUT seconds for a connection rather than
# failing at once. Behind PgBouncer in transaction mode (DATABASE_PGBOUNCER),
# server-side cursors cannot outlive a transaction, so Django must not use them.
DATABASE_POOL = _env_bool("DATABASE_POOL", False)
DATABASE_PGBOUNCER = _env_bool("DATABASE_PGBOUNCER", False)
PREPARE_THRESHOLD = 5


def _database(url, *, pool=DATABASE_POOL, **options):
    database = dj_database_url.parse(
        url,
        conn_max_age=0 if pool else _env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
    if pool and database["ENGINE"].endswith("postgresql"):
        from psycopg_pool import ConnectionPool

        options["pool"] = {
            "min_size": 1,
            "max_size": _env_int("DATABASE_POOL_MAX_SIZE", 4),
            "timeout": _env_int("DATABASE_POOL_TIMEOUT", 10),
            "check": ConnectionPool.check_connection,
        }
    if database["ENGINE"].endswith("postgresql"):
        # Parameters travel apart from the SQL, so a statement's text is the same whatever the
        # search: psycopg prepares one a connection has run PREPARE_THRESHOLD times, and
        # PostgreSQL then skips parsing it. Each run is still planned for its own values: a
        # generic plan, made once for any values, read a whole country's box 1.6 to 3 times
        # slower (docs/benchmarks.md). No JIT: compiling a plan to machine code took 35 ms of
        # a 62 ms read of a sector's hubs, more than any page's read could win back.
        # PgBouncer in transaction mode (1.18, Debian's) can keep no prepared statement on one
        # server connection, and refuses startup options: neither there (set jit = off in
        # postgresql.conf instead, docs/operations.md).
        options["server_side_binding"] = True
        if DATABASE_PGBOUNCER:
            options["prepare_threshold"] = None
        else:
            options["prepare_threshold"] = PREPARE_THRESHOLD
            options["options"] = "-c plan_cache_mode=force_custom_plan -c jit=off"
    database["OPTIONS"] = {**database.get("OPTIONS", {}), **options}
    database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_PGBOUNCER
    return database


DATABASES = {
    "default": _database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
# A streaming replica of the primary (config/db_router.py): anonymous visitors' pages read from
# it; whoever wrote in the last READ_YOUR_WRITES_SECONDS reads from the primary; a replica that
# is down or more than REPLICA_MAX_LAG_SECONDS behind (checked every REPLICA_CHECK_SECONDS per
# process) is left aside until it catches up. Unset: everything reads from the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    # A replica that does not answer must not hold a request long: the primary is the fallback.
    # So no pool, which would wait for a connection: a refused one fails at once.
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL, pool=False, connect_timeout=2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
READ_YOUR_WRITES_SECONDS = _env_int("READ_YOUR_WRITES_SECONDS", 10)
REPLICA_MAX_LAG_SECONDS = _env_int("REPLICA_MAX_LAG_SECONDS", 5)
REPLICA_CHECK_SECONDS = _env_int("REPLICA_CHECK_SECONDS", 2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "accounts.hashers.OneLaneArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# Accounts (django-allauth): email and password, the address confirmed before first use.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Industry Hubs] "
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# How many proxies of ours stand in front of the site (the TLS proxy: 1). Rate limits count the
# client address that the outermost of them saw; 0 counts the connecting address, and
# X-Forwarded-For, which anyone can send, is then ignored.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
# Per-IP and per-key limits, counted in the shared cache below so that every worker sees them.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Per address only: a per-account limit would let an attacker lock the real owner out.
    "login_failed": "10/m/ip,60/h/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "3/m/user",
    "contact": "5/h/user,20/d/user",
    # Ours, counted the same way: invitations mail any address, flags reach the curators.
    "invite": "5/h/user,20/d/user",
    "flag": "10/h/user,30/d/user",
    # An organizer's messages to a meeting's attendees.
    "message_attendees": "5/h/user,20/d/user",
    "upload": "10/h/user,30/d/user",
    # A claim may mail a work address and always reaches the curators.
    "claim": "5/h/user,10/d/user",
    # Organizers inviting businesses nearby (at most 20 a time): each send mails strangers.
    "hub_invite": "3/h/user,10/d/user",
}

# "default" holds the rate-limit counters (allauth reads them there) and the directory version,
# so production needs one store shared by all workers. Cached pages live apart, in "pages": a
# bounded store in each worker's memory, so no flood of pages can evict a counter.
REDIS_URL = os.environ.get("REDIS_URL", "")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must point at Redis, which holds the rate limits.")
PAGE_CACHE_MAX_ENTRIES = _env_int("PAGE_CACHE_MAX_ENTRIES", 500)
FRAGMENT_CACHE_MAX_ENTRIES = _env_int("FRAGMENT_CACHE_MAX_ENTRIES", 1000)
# What typed places resolve to (hubs/lookups.py), remembered in each worker's memory.
LOOKUP_CACHE_MAX_ENTRIES = _env_int("LOOKUP_CACHE_MAX_ENTRIES", 5000)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_MAX_ENTRIES},
    },
    # Search URLs asked once so far: a page with a query is kept only when asked again, so
    # one-off searches don't push popular pages out of "pages" (hubs/pagecache.py).
    "pages_asked": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages-asked",
        "OPTIONS": {"MAX_ENTRIES": PAGE_CACHE_MAX_ENTRIES * 10},
    },
    # Parts of pages that every visitor sees alike (hubs.pagecache.shared_fragments).
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": FRAGMENT_CACHE_MAX_ENTRIES},
    },
    "lookups": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lookups",
        "OPTIONS": {"MAX_ENTRIES": LOOKUP_CACHE_MAX_ENTRIES},
    },
}

# Background work (mail, share cards, scheduled jobs) runs as Django tasks. "database": the
# django-tasks-db backend, a row enqueued in the same database as the data and run by
# `manage.py db_worker` (production's default). "immediate": run in-process as soon as it is
# enqueued, which mail does on commit (development's default, so `make run` needs no worker).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database" if PRODUCTION else "immediate")
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _task_backends:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'immediate'.")
TASKS = {"default": {"BACKEND": _task_backends[TASKS_BACKEND], "QUEUES": ["default"]}}
# A message the mail server refuses is tried again after 1, 2, 4... minutes (at most an hour
# apart), this many times in all, then kept as failed for the curators to retry from the admin.
MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 8)
MAIL_RETRY_BASE_SECONDS = _env_int("MAIL_RETRY_BASE_SECONDS", 60)
# Seconds /readyz waits for the database and the cache before it answers 503.
READYZ_TIMEOUT_SECONDS = float(os.environ.get("READYZ_TIMEOUT_SECONDS", "2"))

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Django serves uploaded files under MEDIA_URL itself, in production too (enough for one
# machine). Turn it off when the web server in front serves MEDIA_ROOT at /media/.
SERVE_MEDIA = _env_bool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # WhiteNoise's compressed, hashed files in production; each address worked out once.
        "BACKEND": (
            "hubs.staticfiles.ManifestStorage"
            if PRODUCTION
            else "hubs.staticfiles.DevelopmentStorage"
        )
    },
}

_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_smtp_options = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": _env_int("EMAIL_PORT", 587),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": _env_bool("EMAIL_USE_TLS", True),
    # A mail server that hangs holds a worker (or, in development, a request) this long at most.
    "timeout": _env_int("EMAIL_TIMEOUT", 10),
}
_mailer_options = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _mailer_options = _smtp_options
elif _email_backend.endswith("filebased.EmailBackend"):
    # Writes each message to a file: for browser tests that read the mail a visitor gets.
    _mailer_options = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Industry Hubs <hello@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Production defaults are strict; each can be relaxed by its variable.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

# The site's public address, for links in emails sent outside a request (the freshness check).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Map tiles: any XYZ tile server; OpenStreetMap's by default.
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
_tiles_origin = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILES_URL.replace("{s}", "a")))

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", _tiles_origin],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Hub stages follow the number of active member businesses unless a curator overrides them.
HUB_STAGE_EMERGING_MEMBERS = _env_int("HUB_STAGE_EMERGING_MEMBERS", 5)
HUB_STAGE_ESTABLISHED_MEMBERS = _env_int("HUB_STAGE_ESTABLISHED_MEMBERS", 20)
# A search with no hub within this many kilometres says so and invites the visitor to start one.
HUB_NEAR_RADIUS_KM = _env_int("HUB_NEAR_RADIUS_KM", 150)

# Public pages served to anonymous visitors are cached this long (0 turns it off); any write to
# the directory makes them stale at once.
PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 300)
# Parts of pages every visitor sees alike (a hub page's lists), signed-in visitors included, are
# kept at most this long (0 turns it off); any write to the directory makes them stale at once.
FRAGMENT_CACHE_SECONDS = _env_int("FRAGMENT_CACHE_SECONDS", 300)

# New hubs wait for a curator unless this is on.
HUB_AUTO_APPROVE = _env_bool("HUB_AUTO_APPROVE", False)
# Starting a hub first shows hubs of the same industry within this distance.
HUB_DUPLICATE_RADIUS_KM = _env_int("HUB_DUPLICATE_RADIUS_KM", 50)
# "I'd join one": this many businesses of an industry within this radius are invited together.
INTEREST_THRESHOLD = _env_int("INTEREST_THRESHOLD", 3)
INTEREST_RADIUS_KM = _env_int("INTEREST_RADIUS_KM", 50)

# Curators' imports run in one transaction. Exported cells that look like formulas are quoted by
# the resources themselves (hubs.opendata.safe_cell, the rule of every CSV the site writes); the
# library's own escaping, which only strips one leading "=", is off.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Listings not confirmed for this many months are asked to confirm; hubs still unconfirmed
# this many months later are flagged to curators.
FRESHNESS_REMIND_MONTHS = _env_int("FRESHNESS_REMIND_MONTHS", 12)
FRESHNESS_FLAG_MONTHS = _env_int("FRESHNESS_FLAG_MONTHS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
