"""Settings shared by every environment. Everything that differs between
machines comes from the environment (see .env.example)."""
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from accounts.roles import COORDINATES  # plain constants; the settings name no role themselves

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "core",
    "audit",
    "accounts",
    "agencies",
    "messenger",
    "tasks",
    "institutions",
    "progress",
    "regulation",
    "reports",
    "notifications",
    "api",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF (which parses the body): keeps path parts of upload names so they are refused.
    "core.uploads.PathAwareUploadMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every view needs a login unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Coordinators and the admin site need the second factor before anything else.
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yuzhong_care.urls"
WSGI_APPLICATION = "yuzhong_care.wsgi.application"

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
                "core.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# Django's renderer, with <select> written in Python (core/forms_renderer.py).
FORM_RENDERER = "core.forms_renderer.PortalFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# PostgreSQL's JIT compiles queries whose estimated cost looks high; the portal's
# are short reads, and on the city-scale dataset the district overview's lights
# query spent 2.8 s of 3.5 s compiling (see README → Performance). Off unless PG_JIT=true.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env.bool("PG_JIT", default=False):
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (_pg_options.get("options", "") + " -c jit=off").strip()
# SQLite (development, small installs): every transaction takes the write lock when it
# begins (BEGIN IMMEDIATE), waiting up to 20 s for it. With SQLite's default deferred
# transactions two reviewers approving one report both read it, and the second write
# fails with "database is locked" (a 500); now the second waits, then reads the first's
# result and gets the same conflict message as on PostgreSQL (select_for_update there).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_options.setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before Django checks them.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeout (OWASP ASVS 3.3: 30 minutes): a session expires SESSION_IDLE_TIMEOUT
# seconds after it was last renewed. accounts.sessions renews it on a signed-in
# request at most every SESSION_RENEW_SECONDS (a write per page would cost every
# page a transaction), so the timeout in effect lies between the two, never above.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Login lockout (django-axes): a username+IP pair is locked after
# AXES_FAILURE_LIMIT failures, for AXES_COOLOFF_MINUTES (never "forever").
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_USERNAME_CALLABLE = "accounts.axes.username_from_request"
# The client address of a lock: REMOTE_ADDR, or X-Forwarded-For when the request
# comes from a declared reverse proxy (addresses or networks, comma-separated; the
# shipped nginx site: TRUSTED_PROXIES=127.0.0.1). Empty: no proxy is trusted.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "accounts.axes.client_ip"

# Two-factor sign-in (TOTP): required for these roles and for every superuser or staff
# account, before any page (accounts.two_factor). Only both off switches it off (tests).
PORTAL_2FA_REQUIRED_ROLES = env.list("PORTAL_2FA_REQUIRED_ROLES", default=sorted(role.value for role in COORDINATES))
PORTAL_2FA_FOR_ADMIN = env.bool("PORTAL_2FA_FOR_ADMIN", default=True)
OTP_TOTP_ISSUER = "渝中区托育督办平台"

# Content Security Policy: no inline scripts or styles, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
# Chinese only (issue 14, item 12): one language, no switch, no translation catalogue.
LANGUAGES = [("zh-hans", "简体中文")]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives outside static and is never served by URL: only
# permission-checked views stream it.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="渝中区托育督办平台 <noreply@localhost>")

# Celery: the broker is Redis in production; the embedded default uses kombu's
# filesystem transport so `make run` needs no server.
CELERY_BROKER_URL = env("REDIS_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = BASE_DIR / "var" / "celery"
    # kombu's filesystem transport fails on a missing folder; any process may publish first.
    for _folder in ("queue", "processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # jobs are idempotent: a crash re-runs, never loses
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {}

# Portal rules that a deployment may tune.
PORTAL = {
    "SITE_TITLE": _("渝中区婴幼儿照护服务督办平台"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Embedded default only: demo accounts and data (production sets DEMO_ACCOUNTS = False).
DEMO_ACCOUNTS = False
DEMO_PASSWORD = env("DEMO_PASSWORD", default="")
# Each app adds a builder that extends the demo story; they run in this order.
DEMO_DATA_BUILDERS: list[str] = [
    "tasks.demo.build",  # plans' lifecycle: the 2020 plan ended 2025-12-31, the demo plan 2026–2027 in force
    "progress.demo.build",  # reporting since 2020-07: reports in every state, notices, completions
    "institutions.demo.build",  # 20 institutions at every filing stage, 2020's first filings, demo-institution's own
    "reports.demo.build",  # one finished big export for demo-viewer
    "messenger.demo.build",  # 区人力社保局's DingTalk robot, inactive (nothing is sent in `make run`)
    "regulation.demo.build",  # an inspection with an overdue rectification, staff, a blocked banned person, a complaint
    "notifications.demo.build",  # today's digests over all of the above: keep last
]
AXES_VERBOSE = False

# Institutions and filings (issue 4).
# District population for 托位数 per 1,000 residents, and the 2025 target.
PORTAL_POPULATION = env.int("PORTAL_POPULATION", default=660000)
PORTAL_PLACES_PER_THOUSAND_TARGET = env.str("PORTAL_PLACES_PER_THOUSAND_TARGET", default="4.5")
# Working-day deadlines from a complete submission (国卫办人口发〔2019〕25号).
FILING_RECEIPT_WORKING_DAYS = env.int("FILING_RECEIPT_WORKING_DAYS", default=5)
FILING_NOTICE_WORKING_DAYS = env.int("FILING_NOTICE_WORKING_DAYS", default=15)
# The review queue turns yellow at this many working days left, red at 0 or overdue.
FILING_QUEUE_YELLOW_DAYS = env.int("FILING_QUEUE_YELLOW_DAYS", default=2)
# Filing materials: size limit per file.
FILING_DOCUMENT_MAX_BYTES = env.int("FILING_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
ROSTER_MAX_BYTES = env.int("ROSTER_MAX_BYTES", default=20 * 1024 * 1024)

# Progress reporting (issue 3).
# Traffic lights (DESIGN.md): yellow when a milestone is due within
# MILESTONE_DUE_SOON_DAYS, or the current period's report is due within
# REPORT_DUE_SOON_DAYS and not submitted.
PORTAL_LIGHTS = {
    "MILESTONE_DUE_SOON_DAYS": env.int("LIGHT_MILESTONE_DAYS", default=7),
    "REPORT_DUE_SOON_DAYS": env.int("LIGHT_REPORT_DAYS", default=3),
}
# Evidence files (core.uploads.validate_upload): size limit per file.
PORTAL_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)


# --- notifications (issue 6) ---
# Reminders and notifications. Defaults of the rules; coordinators
# change them at runtime in the admin (提醒设置), no deploy needed.
PORTAL_REMINDERS = {
    "REPORT_DAYS_BEFORE": env.list("REMINDER_REPORT_DAYS", cast=int, default=[3, 1]),
    "MILESTONE_DAYS_BEFORE": env.list("REMINDER_MILESTONE_DAYS", cast=int, default=[14, 7, 1]),
    "FILING_WORKING_DAYS": env.int("REMINDER_FILING_WORKING_DAYS", default=2),
    "ESCALATE_LEADER_DAYS": env.int("REMINDER_ESCALATE_LEADER_DAYS", default=1),
    "ESCALATE_COORDINATOR_DAYS": env.int("REMINDER_ESCALATE_COORDINATOR_DAYS", default=3),
    "CATCH_UP_DAYS": env.int("REMINDER_CATCH_UP_DAYS", default=3),
    "DIGEST_MAX_ITEMS": env.int("REMINDER_DIGEST_MAX_ITEMS", default=30),
}
# Absolute links in e-mails (no request there to build them from).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The daily digest's time (Asia/Shanghai, HH:MM).
REMINDER_DIGEST_AT = tuple(int(x) for x in env("REMINDER_DIGEST_AT", default="08:30").split(":"))

# Redis broker: the visibility timeout is explicit (no ETA/countdown may exceed
# it; e-mail retries back off to at most half of it), and a publish gives up
# fast when Redis is down (the state is in the database; the next run catches up).
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": env.int("REDIS_VISIBILITY_TIMEOUT", default=3600),
        "socket_connect_timeout": 3,
        "max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
    }

# celery beat (exactly one beat runs: `celery beat` in production, the
# embedded worker's --beat in `make run`). Times are CELERY_TIMEZONE (Asia/Shanghai).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE.update({
    "notifications-daily-digest": {
        "task": "notifications.daily_digest",
        "schedule": crontab(hour=REMINDER_DIGEST_AT[0], minute=REMINDER_DIGEST_AT[1]),
    },
    # Runs the digest if 08:30 was missed (beat or broker down); a no-op once it ran.
    "notifications-digest-catch-up": {
        "task": "notifications.digest_catch_up",
        "schedule": crontab(minute="5,35", hour="9-21"),
    },
    "progress-open-reporting-periods": {
        "task": "notifications.open_reporting_periods",
        "schedule": crontab(hour=0, minute=20),
    },
    "institutions-filing-review-deadlines": {
        "task": "notifications.filing_review_deadlines",
        "schedule": crontab(hour=15, minute=0),  # the job itself skips days off (调休 aware)
    },
})
# --- end notifications ---

# --- dashboards and reports (issue 5) ---
# Rendered dashboard bodies are cached under the data version (reports/cache.py),
# so a change shows on the next page load; 0 turns the cache off.
REPORTS_DASHBOARD_CACHE_SECONDS = env.int("REPORTS_DASHBOARD_CACHE_SECONDS", default=600)
# On-time report rate: the reports due in the last N months before the as-of date.
REPORTS_ON_TIME_MONTHS = env.int("REPORTS_ON_TIME_MONTHS", default=12)
# The district overview is rendered again within a minute of a change (reports/warm.py).
CELERY_BEAT_SCHEDULE["reports-warm-dashboards"] = {"task": "reports.warm_dashboards", "schedule": 60.0}
# Dashboard fragments live in this cache. Embedded: each process its own memory.
# Production shares one (CACHE_URL, Redis) between the web workers and the Celery
# worker that renders ahead (settings/production.py).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# --- end dashboards and reports ---

# --- degrade, don't fail (issue 12) ---
# After a failed call the Redis cache is skipped this many seconds (each call a miss).
REDIS_CACHE_RETRY_SECONDS = env.float("REDIS_CACHE_RETRY_SECONDS", default=5)
# Big exports: a job queued but not picked up, or running but silent (no heartbeat),
# this many minutes is sent again by the sweep (every minute); a job that began
# EXPORT_JOB_MAX_ATTEMPTS runs and went silent again is failed and its requester told.
EXPORT_JOB_STALE_MINUTES = env.float("EXPORT_JOB_STALE_MINUTES", default=5)
EXPORT_JOB_MAX_ATTEMPTS = env.int("EXPORT_JOB_MAX_ATTEMPTS", default=3)
CELERY_BEAT_SCHEDULE["reports-sweep-export-jobs"] = {"task": "reports.sweep_export_jobs", "schedule": 60.0}
# --- end degrade ---

# --- work messenger: DingTalk / WeCom group robots (issue 16, point 6) ---
# Fernet key(s) for the robots' stored credentials, comma-separated (the first encrypts; rotate by
# putting the new key first). Unset: derived from SECRET_KEY with HKDF (messenger/crypto.py).
MESSENGER_KEY = env("MESSENGER_KEY", default="")
# Webhook hosts a coordinator may enter (SSRF guard): the official DingTalk and WeCom hosts; a
# 专有钉钉 deployment adds its own robot host here. Only https unless MESSENGER_HTTPS_ONLY is off (tests).
MESSENGER_ALLOWED_HOSTS = env.list("MESSENGER_ALLOWED_HOSTS", default=["oapi.dingtalk.com", "qyapi.weixin.qq.com"])
MESSENGER_HTTPS_ONLY = True
MESSENGER_TIMEOUT_SECONDS = 5
# Retries of a robot that fails passingly (5xx, timeout, rate limit): after 1, 5 and 30 minutes.
MESSENGER_RETRY_SECONDS = (60, 300, 1800)
# Inbox categories about one person (password and role changes, their own export's download link) stay
# out of the unit's group chat.
MESSENGER_PERSONAL_CATEGORIES = frozenset({"account", "export"})
CELERY_BEAT_SCHEDULE["messenger-sweep-deliveries"] = {"task": "messenger.sweep_deliveries", "schedule": 600.0}
# --- end work messenger ---
# --- Regulation (regulation/): the key of the person-ID hash, the complaint limits ---
# HMAC-SHA256 key for matching staff across institutions by ID number (never stored in full).
# Production refuses to start without it; changing it orphans every stored hash.
PERSON_ID_KEY = env("PERSON_ID_KEY", default="dev-only-person-id-key-not-for-production")
# Public complaints: at most this many per client address per hour.
REGULATION_COMPLAINTS_PER_HOUR = env.int("REGULATION_COMPLAINTS_PER_HOUR", default=5)
# Working days the assigned unit has to reply to a complaint.
REGULATION_COMPLAINT_REPLY_WORKDAYS = env.int("REGULATION_COMPLAINT_REPLY_WORKDAYS", default=5)
# Days before a certificate or 健康证明 expires when the institution is reminded.
REGULATION_EXPIRY_WARNING_DAYS = env.int("REGULATION_EXPIRY_WARNING_DAYS", default=30)
CELERY_BEAT_SCHEDULE["regulation-daily-reminders"] = {
    "task": "regulation.daily_reminders",
    "schedule": crontab(hour=8, minute=10),
}
# --- API (issue 16) ---
# /api/v1/: token clients registered by coordinators (api/), each acting as its bound portal user.
# Calls per client (DRF's rate syntax: N/s, N/min, N/hour, N/day).
API_RATE = env("API_RATE", default="600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.ClientScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.ClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DATE_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "渝中区婴幼儿照护服务督办平台 API",
    "DESCRIPTION": "读取督办数据（按客户端绑定账号的可见范围），并报送进展报告。错误按 RFC 9457 返回 application/problem+json。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.database_neutral"],
}
# Demo: a client for demo-officer's unit system, its token in var/demo-api-token.txt (before the digests, kept last).
DEMO_DATA_BUILDERS.insert(DEMO_DATA_BUILDERS.index("notifications.demo.build"), "api.demo.build")
# --- end API ---
