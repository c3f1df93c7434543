"""Settings for Alliance Registry, read from the environment.

Development needs nothing set. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import base64
import datetime
import hashlib
import ipaddress
import os
from email.utils import formataddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1 or 0.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envnetworks(name: str, default: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses and networks, comma-separated; * is every address."""
    items = [spec for item in envlist(name, default) for spec in (["0.0.0.0/0", "::/0"] if item == "*" else [item])]
    try:
        return [ipaddress.ip_network(item) for item in items]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None


def csp_hashes(*sources: str) -> str:
    """CSP source expressions admitting these exact inline snippets."""
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in sources)


DEBUG = envbool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "registry.apps.AxesConfig",
    "import_export",
    "records",
    "jobs",
    "members",
    "contacts",
    "notices",
    "governance",
    "alliance",
    "registry",
]

MIDDLEWARE = [
    "registry.middleware.RequestLogMiddleware",
    # First of the rest: a sign-in turned away (registry/logins.py) costs the least it can.
    "registry.middleware.LoginGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "registry.middleware.RequestLimitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "registry.middleware.ContentSecurityPolicyMiddleware",
    "registry.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'registry.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DATABASE_PREPARED_STATEMENTS", False):
    # The server binds the parameters, so that psycopg prepares a query after its fifth use on a connection
    # and PostgreSQL plans it once rather than on every request: a member page's two queries took 1.2 ms
    # to plan and 0.4 ms to run. gunicorn turns it on (registry/gunicorn.conf.py). Commands leave it off: a
    # bulk write's statements carry thousands of parameters, and binding them on the server made
    # bulk_create of 100,000 members a fifth slower. Turn it off behind a pooler that cannot keep prepared
    # statements, such as PgBouncer in transaction mode before 1.21.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# Timeouts, so that a slow or hung database gives the 503 page within seconds rather than holding every
# worker: connecting gives up after DATABASE_CONNECT_TIMEOUT; the server ends a statement that runs longer
# than DATABASE_STATEMENT_TIMEOUT, and the app stops waiting for a server that does not answer at all a
# second after that (registry/postgresql). Web requests get 5 s (registry/gunicorn.conf.py sets it); the
# task worker and commands 300 s, for an import's or an export's larger statements. 0 is no timeout.
DATABASE_CONNECT_TIMEOUT = envint("DATABASE_CONNECT_TIMEOUT", 2)
DATABASE_STATEMENT_TIMEOUT = envint("DATABASE_STATEMENT_TIMEOUT", 300)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "registry.postgresql"
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
    if DATABASE_STATEMENT_TIMEOUT > 0:
        options["options"] = f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
        DATABASES["default"]["ANSWER_TIMEOUT"] = DATABASE_STATEMENT_TIMEOUT + 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every app process: the cache lives in the database, not in one process's memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "registry_cache",
        # Public pages are cached per language (see records/caching.py): room for thousands of members.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # Each process keeps the public pages it served last (and the admin's filter choices), under the
    # same versioned keys: a page it serves again within a second of reading the version costs no query.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-pages",
        "OPTIONS": {"MAX_ENTRIES": envint("PAGE_CACHE_ENTRIES", 200)},
    },
    # Files waiting between an admin import's preview and its confirmation, shared by every app process,
    # in a table of their own: culling the public pages' entries must not take a file with them.
    "import_files": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "registry_import_files",
    },
}

# Public pages are cached until the data changes (records/caching.py). PUBLIC_CACHE=0 renders every
# request afresh: for measuring the pages themselves, as `make bench` does.
PUBLIC_CACHE = envbool("PUBLIC_CACHE", True)

# The file kept between an import's preview and its confirmation lives in a shared cache, so any
# app instance can confirm what another previewed.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "records.import_files.ImportFileStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Organisation.Meta.permissions: members.import_organisation and members.export_organisation.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# The largest file the admin imports at all, in bytes and in rows; larger ones go through
# `manage.py import_members`. import-export has no setting of its own for this.
IMPORT_MAX_UPLOAD_SIZE = envint("IMPORT_MAX_UPLOAD_SIZE", 100 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200_000)
# Up to these, the admin keeps the file in the cache between preview and confirmation, and checks and
# writes it within one request; a larger file is previewed and imported by a task worker (members/tasks.py),
# its page showing the progress. 5 MB is 10,000 rows with a paragraph of description each.
IMPORT_REQUEST_MAX_SIZE = envint("IMPORT_REQUEST_MAX_SIZE", 5 * 1024 * 1024)
# Measured on PostgreSQL with 100,000 members, an XLSX file of 10,000 rows took at most 6.2 s to
# preview and 3.3 s to confirm, well inside gunicorn's 30-second timeout on a slow hour; a CSV file of
# 20,000 rows 5.6 s and 2.7 s, but 20,000 XLSX rows 10.5 s. The preview read the file twice then
# (counted, then checked); it reads it once now, and a 10,000-row XLSX previews in under 2 s.
IMPORT_REQUEST_MAX_ROWS = envint("IMPORT_REQUEST_MAX_ROWS", 10_000)
# Request bodies: refused with a 413 on their Content-Length, before any of the body is read
# (registry.middleware.RequestLimitsMiddleware). The public site takes forms only; the admin takes import
# files, up to IMPORT_MAX_UPLOAD_SIZE and a margin, so that a file a little too large is told so by the
# import form rather than by an error page. gunicorn has no limit on a body of its own; the proxy's
# (nginx's client_max_body_size) should be the admin's. See docs/operations.md.
MAX_REQUEST_BODY = envint("MAX_REQUEST_BODY", 1024 * 1024)
ADMIN_MAX_REQUEST_BODY = envint("ADMIN_MAX_REQUEST_BODY", IMPORT_MAX_UPLOAD_SIZE + 10 * 1024 * 1024)
# Form fields other than files (Django's default, stated): a larger body is refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded files stay in memory up to the size the admin imports within a request; a larger one (a worker's
# import, of up to IMPORT_MAX_UPLOAD_SIZE) is spooled to a temporary file while it arrives, then kept in
# the storage, never held whole in a process's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_REQUEST_MAX_SIZE
CSRF_FAILURE_VIEW = "registry.views.csrf_failure"

# Django's default hashers, PBKDF2 computed at a low CPU priority (registry/logins.py).
PASSWORD_HASHERS = [
    "registry.logins.YieldingPBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Counts grouped as each language writes them: 12,345 in English; Chinese writes 12345 (Django's formats).
USE_THOUSAND_SEPARATOR = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes the files whitenoise serves; each test server collects into a directory of its own.
STATIC_ROOT = Path(os.environ.get("STATIC_DIR") or BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
# Files the app writes and keeps (an import's upload, an export's file) go through the storage API. The
# default keeps them under FILES_DIR; several app instances and workers on several machines need a
# storage they share: FILES_DIR on a shared mount, or another backend here.
MEDIA_ROOT = Path(os.environ.get("FILES_DIR") or BASE_DIR / "var" / "files")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Production security: on by default when DEBUG is off. Behind a proxy that terminates TLS, set
# SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto so Django knows the original request was HTTPS.
_https = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _https)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", _https)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _https)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", _https)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{proxy_header.upper().replace('-', '_')}", "https")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# The proxies in front of the app (addresses or networks, * for any), as gunicorn reads them: the client
# address they put in X-Forwarded-For is believed, for the login lockout and the request log.
FORWARDED_ALLOW_IPS = envnetworks("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Everything the site uses comes from itself. django-import-export's export page carries one inline
# event handler (its "Select all" toggle) and two inline styles: 'unsafe-hashes' admits exactly those.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; "
    f"style-src 'self' 'unsafe-hashes' {csp_hashes('padding: 0;', 'font-weight: bold;')}; "
    f"script-src 'self' 'unsafe-hashes' {csp_hashes('onSelectToggleChange(event)')}; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# Login throttling (registry/logins.py): five failures lock that username from that address for a while,
# and twenty from one address lock it for every username (password spraying). The attempts live in the
# database, so every app process sees them. At most LOGIN_CONCURRENT_CHECKS passwords are checked at once
# on a machine (half its cores: hashing one takes a core for a third of a second), the others turned away.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_CONCURRENT_CHECKS = envint("LOGIN_CONCURRENT_CHECKS", max(1, (os.cpu_count() or 2) // 2))
LOGIN_SLOT_DIR = Path(os.environ.get("LOGIN_SLOT_DIR") or BASE_DIR / "var" / "login-slots")
AXES_FAILURE_LIMIT = "registry.logins.failure_limit"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registry/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = []  # the security log must say which account and address were locked
AXES_CLIENT_IP_CALLABLE = "registry.middleware.client_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "registry.logs.JSONFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "json": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Requests, imports and lockouts: structured, one JSON object per line.
        "registry": {"handlers": ["json"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["json"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": [], "propagate": False},  # registry.requests says the same, structured
    },
}

SEED_DIR = BASE_DIR / "fixtures"

# A withdrawal's reason can be longer than simple-history's default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Background work (notices' mail, the admin's long exports and imports) runs in task workers on the database:
# Django's tasks framework through the django-tasks backport and its database backend (django-tasks-db), so
# that any number of workers (`make worker`, `manage.py db_worker`) on any machine share it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail to members' contacts. With EMAIL_HOST set it goes out by SMTP; without, each message is written as a
# file under var/mail, where a newcomer can read what would have been sent.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (port 465) exclude each other.")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
_MAIL_FROM = os.environ.get("MAIL_FROM", "secretariat@localhost")
if "@" not in _MAIL_FROM:
    raise ImproperlyConfigured(f"MAIL_FROM={_MAIL_FROM!r} is not an e-mail address.")
DEFAULT_FROM_EMAIL = formataddr((os.environ.get("MAIL_FROM_NAME", "联盟秘书处"), _MAIL_FROM))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
