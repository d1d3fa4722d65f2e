"""Boai settings. Everything a deployment changes comes from the environment (see .env.example).

`BOAI_ENV=production` turns on the secure defaults that `boai check --deploy` expects; anything
else is a development or test setting with an embedded SQLite database and inline tasks.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from boai.config.env import env_bool, env_int, env_list, env_str, project_root

ENV = env_str("BOAI_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = ENV == "test"
DEBUG = env_bool("BOAI_DEBUG", default=not PRODUCTION and not TESTING)

ROOT_DIR = project_root()
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BOAI_VAR_DIR", str(ROOT_DIR / "var")))

_DEV_SECRET = "insecure-development-key-change-me-" + "0" * 20  # noqa: S105 - development only
SECRET_KEY = env_str("BOAI_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
ALLOWED_HOSTS = env_list("BOAI_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("BOAI_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "treebeard",
    "boai.core",
    "boai.orgs",
    "boai.accounts",
    "boai.people",
    "boai.ledger",
    "boai.firstaid",
    "boai.volunteers",
    "boai.donations",
    "boai.relief",
    "boai.wishes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "boai.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "boai.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "boai.config.urls"
WSGI_APPLICATION = "boai.config.wsgi.application"

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
                "boai.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'boai.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("BOAI_DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE transactions take the write lock up front: no "database is locked" upgrades, and the
    # audit chain's read-then-append is serialised like it is under the PostgreSQL advisory lock.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, tasks -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"

# --- Auth and login security --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTHENTICATION_BACKENDS = ["boai.accounts.backends.RoleBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "boai.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "boai.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests only
BOAI_LOCKOUT_FAILURES = env_int("BOAI_LOCKOUT_FAILURES", 5)
BOAI_LOCKOUT_MINUTES = env_int("BOAI_LOCKOUT_MINUTES", 15)
SESSION_COOKIE_AGE = env_int("BOAI_IDLE_TIMEOUT_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the cookie age becomes an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = env_str("BOAI_OTP_ISSUER", "Boai 博爱")

# --- Personal data protection -------------------------------------------------------------------
# "id:base64key,id:base64key": the first key encrypts, all keys decrypt (rotation with `boai rotate-keys`).
BOAI_FIELD_KEYS = env_str("BOAI_FIELD_KEYS")
BOAI_BLIND_INDEX_KEY = env_str("BOAI_BLIND_INDEX_KEY")
BOAI_COMMITMENT_KEY = env_str("BOAI_COMMITMENT_KEY")

# --- Transparency log (see docs/ledger.md) ------------------------------------------------------
# Origin line of every checkpoint; fixed for the life of the log (production must set it).
BOAI_LOG_ORIGIN = env_str("BOAI_LOG_ORIGIN")
# "name:base64(32-byte Ed25519 seed),...": every key signs every checkpoint (rotation: both sign).
BOAI_LOG_SIGNING_KEYS = env_str("BOAI_LOG_SIGNING_KEYS")
BOAI_LOG_HASH = env_str("BOAI_LOG_HASH", "sm3")  # sm3 or sha256, fixed for the life of the log
BOAI_LOG_CHECKPOINT_SECONDS = env_int("BOAI_LOG_CHECKPOINT_SECONDS", 300)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "boai_language"
TIME_ZONE = env_str("BOAI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "core" / "tabular" / "locale"]

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
BOAI_UPLOAD_MAX_MB = env_int("BOAI_UPLOAD_MAX_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
BOAI_IMPORT_ASYNC_ROWS = env_int("BOAI_IMPORT_ASYNC_ROWS", 2000)
BOAI_IMPORT_WORKERS = env_int("BOAI_IMPORT_WORKERS", 0)  # processes validating a big file; 0 = one per core
BOAI_IMPORT_KEEP_DAYS = env_int("BOAI_IMPORT_KEEP_DAYS", 7)  # uploaded and error sheets are deleted after this

# --- E-mail and SMS -----------------------------------------------------------------------------
EMAIL_HOST = env_str("BOAI_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("BOAI_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("BOAI_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("BOAI_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("BOAI_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("BOAI_DEFAULT_FROM_EMAIL", "boai@localhost")
BOAI_SMS_BACKEND = env_str("BOAI_SMS_BACKEND", "boai.core.sms.FileSmsBackend")
BOAI_SMS_DIR = Path(env_str("BOAI_SMS_DIR", str(VAR_DIR / "sms")))
BOAI_SITE_URL = env_str("BOAI_SITE_URL", "http://127.0.0.1:8000")

# --- First aid and the public AED map ---------------------------------------------------------
BOAI_MAP_TILE_URL = env_str("BOAI_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
BOAI_MAP_TILE_ATTRIBUTION = env_str("BOAI_MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
BOAI_MAP_CENTER = [float(v) for v in env_list("BOAI_MAP_CENTER", ["31.5689", "120.2991"])]  # lat, lng (Wuxi)
BOAI_DIRECTIONS_URL = env_str(
    "BOAI_DIRECTIONS_URL",
    "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route={from_lat},{from_lng};{lat},{lng}",
)
BOAI_PUBLIC_HOLIDAYS = env_list("BOAI_PUBLIC_HOLIDAYS")  # "2027-01-01,2027-02-06..2027-02-14"; empty = built-in
BOAI_CERTIFICATE_NUMBER_PATTERN = env_str("BOAI_CERTIFICATE_NUMBER_PATTERN", "WX-{year}-{seq:06d}")
BOAI_AED_EXPIRY_WARNING_DAYS = env_int("BOAI_AED_EXPIRY_WARNING_DAYS", 30)
BOAI_CERTIFICATE_REMINDER_DAYS = env_int("BOAI_CERTIFICATE_REMINDER_DAYS", 60)
# per-process cache of AED grid cells for the public nearest-AED search (0 turns it off)
BOAI_AED_CELL_CACHE_SECONDS = env_int("BOAI_AED_CELL_CACHE_SECONDS", 0 if TESTING else 30)

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["boai.core.api_permissions.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "boai.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"public": env_str("BOAI_PUBLIC_RATE", "120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Boai API",
    "DESCRIPTION": "Boai (博爱) platform API. Every endpoint is scoped to the caller's organisation subtree.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security headers ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("BOAI_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("BOAI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("BOAI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

# --- Donations (docs/donations.md) ---------------------------------------------------------------
# simulator: the local payment simulator (its own keys under BOAI_PAY_SIM_DIR); live: the real platforms.
BOAI_PAY_MODE = env_str("BOAI_PAY_MODE", "live" if PRODUCTION else "simulator")
BOAI_PAY_CHANNELS = env_list("BOAI_PAY_CHANNELS", ["wechat", "alipay"])
BOAI_PAY_SIM_DIR = env_str("BOAI_PAY_SIM_DIR", str(VAR_DIR / "paysim"))
BOAI_PAY_SIM_DELIVERY = env_str("BOAI_PAY_SIM_DELIVERY", "inprocess")  # or http: POST to the notify URL
BOAI_WECHAT_MCHID = env_str("BOAI_WECHAT_MCHID")
BOAI_WECHAT_APPID = env_str("BOAI_WECHAT_APPID")
BOAI_WECHAT_APIV3_KEY = env_str("BOAI_WECHAT_APIV3_KEY")
BOAI_WECHAT_PRIVATE_KEY = env_str("BOAI_WECHAT_PRIVATE_KEY")  # path to apiclient_key.pem
BOAI_WECHAT_SERIAL = env_str("BOAI_WECHAT_SERIAL")  # serial number of the merchant API certificate
BOAI_WECHAT_PLATFORM_KEYS = env_str("BOAI_WECHAT_PLATFORM_KEYS")  # "serial-or-PUB_KEY_ID:path.pem,..."
BOAI_ALIPAY_APP_ID = env_str("BOAI_ALIPAY_APP_ID")
BOAI_ALIPAY_SELLER_ID = env_str("BOAI_ALIPAY_SELLER_ID")
BOAI_ALIPAY_PRIVATE_KEY = env_str("BOAI_ALIPAY_PRIVATE_KEY")  # path to the application private key (PEM)
BOAI_ALIPAY_PUBLIC_KEY = env_str("BOAI_ALIPAY_PUBLIC_KEY")  # path to Alipay's public key (PEM)
BOAI_ALIPAY_GATEWAY = env_str("BOAI_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do")
BOAI_DONATIONS_LEDGER = env_bool("BOAI_DONATIONS_LEDGER", True)  # off only to measure the log's cost
BOAI_DONATIONS_APPROVAL_THRESHOLD = env_str("BOAI_DONATIONS_APPROVAL_THRESHOLD", "50000")
BOAI_DONATIONS_ONLINE_MAX = env_str("BOAI_DONATIONS_ONLINE_MAX", "50000")
# Micro-wishes (docs/wishes.md)
BOAI_WISH_VALUE_CAP = env_str("BOAI_WISH_VALUE_CAP", "500")  # yuan: larger needs go through relief assistance
BOAI_WISH_CLAIM_DAYS = env_int("BOAI_WISH_CLAIM_DAYS", 7)  # a claim not delivered by then expires
BOAI_WISH_CLAIMS_PER_MOBILE = env_int("BOAI_WISH_CLAIMS_PER_MOBILE", 3)  # undelivered claims one number may hold
BOAI_WISH_CONFIRM_DAYS = env_int("BOAI_WISH_CONFIRM_DAYS", 30)  # validity of a beneficiary's confirmation link
BOAI_WISH_PHOTO_MAX_MB = env_int("BOAI_WISH_PHOTO_MAX_MB", 5)
BOAI_WISH_NUMBER_PATTERN = env_str("BOAI_WISH_NUMBER_PATTERN", "WX-{year}-{seq:06d}")
BOAI_WISHES_LEDGER = env_bool("BOAI_WISHES_LEDGER", True)  # off only for benchmarks

# relief: camp (campaigns, medical-insurance exchange, reports)
BOAI_RELIEF_MEDICAL_RATIO = env_str("BOAI_RELIEF_MEDICAL_RATIO", "0.5")  # suggested relief: share of out-of-pocket
# relief: apps (docs/relief-applications.md)
BOAI_RELIEF_ACK_LINK_HOURS = env_int("BOAI_RELIEF_ACK_LINK_HOURS", 72)  # a household's signing link works this long
BOAI_RELIEF_ACK_MAX_MB = env_int("BOAI_RELIEF_ACK_MAX_MB", 5)  # largest signature image or handover photo
# relief: hh (households and dynamic monitoring, docs/relief-households.md)
BOAI_RELIEF_REVIEW_DAYS = env_int("BOAI_RELIEF_REVIEW_DAYS", 180)  # default interval to a household's next review
BOAI_RELIEF_PHOTO_MAX_MB = env_int("BOAI_RELIEF_PHOTO_MAX_MB", 5)  # per home-visit photo
BOAI_RELIEF_PHOTOS_PER_VISIT = env_int("BOAI_RELIEF_PHOTOS_PER_VISIT", 9)
BOAI_RELIEF_INCOME_DROP_PCT = env_int("BOAI_RELIEF_INCOME_DROP_PCT", 30)  # an income drop this large is sudden
