"""Settings, all from the environment, with safe production defaults.

Embedded mode (`make run`) sets DEBUG=1 and uses the SQLite file; production sets
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and FIELD_ENCRYPTION_KEY.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from `.env` (written by `make run` with fresh random
    keys) without overriding the real environment."""
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            os.environ.setdefault(key.strip(), value.strip())


load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [x.strip() for x in os.environ.get(name, default).split(",") if x.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
FIELD_ENCRYPTION_OLD_KEYS = env_list("FIELD_ENCRYPTION_OLD_KEYS")
if os.environ.get("PYTEST_VERSION"):
    # Tests only: fixed keys. Production refuses to start without real keys (below).
    SECRET_KEY = SECRET_KEY or "dev-insecure-secret-key-do-not-use-in-production"
    FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or "00112233445566778899aabbccddeeff"


class MissingKeys(ImproperlyConfigured):
    """No keys: manage.py says so in one message, not a traceback."""


if not SECRET_KEY or not FIELD_ENCRYPTION_KEY:
    raise MissingKeys(
        "生产环境必须设置 SECRET_KEY 和 FIELD_ENCRYPTION_KEY 环境变量。"
        " SECRET_KEY and FIELD_ENCRYPTION_KEY are not set: `make env` writes a .env with fresh keys"
        " (`make run` does it first), or set them as .env.example shows.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "xinfang.accounts",
    "xinfang.orgs",
    "xinfang.cases",
    "xinfang.rules",
    "xinfang.notifications",
    "xinfang.jobs",
    "xinfang.supervision",
    "xinfang.portal",
    "xinfang.disclosure",
    "xinfang.triage",
    "xinfang.analytics",
    "xinfang.insights",
    "xinfang.assessment",
    "xinfang.integrity",
    "xinfang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "xinfang.accounts.middleware.LoginRequiredMiddleware",  # Django's, public views first
    "django.contrib.messages.middleware.MessageMiddleware",
    "xinfang.portal.access.AccessCookieMiddleware",  # the public pages' grants (no session)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinfang.lib.plans.PlanModeMiddleware",  # generic plans for the portal's key lookups (PostgreSQL)
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent registrations queue
        # instead of failing with "database is locked" on lock upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so threads and the live server share it; one per
    # process so parallel test runs never write to the same file.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
else:
    # No per-request health check: it is a "SELECT 1" round trip on every request
    # that touches the database (a public tracking query makes only one other). A
    # connection that died with a server restart fails one request and is then
    # closed and replaced (Django closes a connection after an error).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    if env_bool("DATABASE_PREPARED", True):
        # Parameters bound by the server, and statements prepared on each connection
        # after a few uses: the server then skips parsing and planning of the
        # queries every request repeats (a quarter of the PostgreSQL CPU before).
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
        if env_bool("DATABASE_CUSTOM_PLANS", True):
            # But planned for their parameters every time: with generic plans, chosen after
            # five runs, the inbox and full-text search ran twice as slow on skewed data
            # (search p95 430 ms against 215 ms). The public portal's views switch their
            # connection to generic plans (xinfang/lib/plans.py): key lookups and
            # single-row inserts, a quarter less PostgreSQL CPU per online petition.
            DATABASES["default"]["OPTIONS"]["options"] = "-c plan_cache_mode=force_custom_plan"
    # One test database per process, so two test runs on one server never collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/cases/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

if os.environ.get("PYTEST_VERSION"):
    # Hashing strength is not under test; PBKDF2 would dominate the suite's time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# One language: no LocaleMiddleware (it negotiated Accept-Language on every
# request to pick the only one there is); LANGUAGE_CODE is always active.
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Media is never served directly: attachments go through an access-checked view.

# Attachments: what a registrar may upload (extension -> accepted sniffed types).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {"default": {"BACKEND": "xinfang.jobs.backend.DatabaseBackend"}}

# Staff sessions in the database (the public pages keep none: xinfang/portal/access.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "xinfang.portal.redis_cache.RedisCache",  # Django's, one client per pool
                         "LOCATION": os.environ["REDIS_URL"]}
    # Sessions read from the shared cache, written through to the database (kept across a Redis restart).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # jieba prints its dictionary loading at INFO; keep it quiet.
    "loggers": {"jieba": {"level": "WARNING"}},
}

# --- Public portal (xinfang.portal) -----------------------------------------------------------
PORTAL_REGION_ROOT = os.environ.get("PORTAL_REGION_ROOT", "3202")  # 无锡市: picker and routing stay inside
PORTAL_POW_BITS = int(os.environ.get("PORTAL_POW_BITS", 16))  # proof-of-work difficulty (leading zero bits)
PORTAL_TRUSTED_PROXIES = int(os.environ.get("PORTAL_TRUSTED_PROXIES", 0))  # proxies adding X-Forwarded-For
PORTAL_SMS_ECHO = env_bool("PORTAL_SMS_ECHO", DEBUG)  # demo without SMS gateway: show the code (DEBUG only)
PORTAL_KIOSK_IDLE_SECONDS = 90
PORTAL_RATE_LIMITS: dict = {}  # overrides of xinfang.portal.ratelimit.DEFAULTS: {"submit_phone": (5, 86400)}

# --- Notifications (xinfang.notifications): SMS gateway, e-mail, outbox delivery ---------------
# SMS: "console" (default) prints and appends to SMS_FILE with the phone masked; "http" posts to a
# provider. SMS_HTTP_TEMPLATE is a JSON object whose strings may use {phone} {text} {sign} {key};
# with SMS_HTTP_SECRET each request carries X-Timestamp and X-Signature: sha256=HMAC(ts + "." + body).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
SMS_FILE = os.environ.get("SMS_FILE", str(BASE_DIR / "var" / "sms.log"))  # "" disables the file
SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "【阳光信访】")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_FORMAT = os.environ.get("SMS_HTTP_FORMAT", "json")  # json | form
SMS_HTTP_TEMPLATE = os.environ.get(
    "SMS_HTTP_TEMPLATE", '{"phone": "{phone}", "text": "{sign}{text}", "idempotency_key": "{key}"}')
SMS_HTTP_SECRET = os.environ.get("SMS_HTTP_SECRET", "")
SMS_HTTP_SIGNATURE_HEADER = os.environ.get("SMS_HTTP_SIGNATURE_HEADER", "X-Signature")
SMS_TIMEOUT = float(os.environ.get("SMS_TIMEOUT", 10))
# E-mail: console in DEBUG, SMTP otherwise, unless EMAIL_BACKEND says so.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend" if DEBUG
                               else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "阳光信访 <noreply@localhost>")
# Delivery; anything left out takes the default in xinfang/notifications/conf.py.
NOTIFICATIONS = {
    "MAX_ATTEMPTS": int(os.environ.get("NOTIFY_MAX_ATTEMPTS", 12)),  # then the message is marked failed
    "BACKOFF_BASE_SECONDS": 30,  # 30 s · 2^n …
    "BACKOFF_MAX_SECONDS": 3600,  # … at most hourly
    "CLAIM_SECONDS": 120,  # a worker's lease on the messages it is sending
    "EVALUATION_INVITE_DELAY_HOURS": int(os.environ.get("EVALUATION_INVITE_DELAY_HOURS", 1)),
}

# Covering indexes (INCLUDE columns) speed up the dashboard rollups on
# PostgreSQL; SQLite simply builds them without the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
