"""Production: configured by the environment only. Refuses to start without
its secrets rather than falling back to something unsafe."""
import re

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import CACHES, DATABASES, env

for _name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "PERSON_ID_KEY"):
    if not env(_name, default=""):
        raise ImproperlyConfigured(f"生产环境必须设置环境变量 {_name}（{_name} must be set in production）")

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DEMO_ACCOUNTS = False
# Persistent connections: opening one per request costs both processes a few ms
# (PostgreSQL forks a backend); health checks drop a connection the server closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# One cache for every process (reports/warm.py renders dashboards in the Celery
# worker for the web workers): Redis database 1 beside the broker's unless set.
_redis = env("REDIS_URL", default="")
if env("CACHE_URL", default="") or _redis:
    CACHES = {"default": env.cache_url_config(env("CACHE_URL", default="") or re.sub(r"/\d*$", "", _redis) + "/1")}
# Redis down is a cache miss, not a 500 (reports/cache.py): short socket timeouts
# bound a failing call (a stopped server refuses at once; a lost host costs at
# most this), and the backend skips the server for REDIS_CACHE_RETRY_SECONDS after one.
if CACHES["default"]["BACKEND"].endswith("redis.RedisCache"):
    _cache_timeout = env.float("REDIS_CACHE_TIMEOUT", default=0.5)
    CACHES["default"]["BACKEND"] = "reports.cache.ResilientRedisCache"
    CACHES["default"]["OPTIONS"] = {
        "socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout,
        **CACHES["default"].get("OPTIONS", {}),
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only a loopback benchmark over plain HTTP turns these off (SECURE_COOKIES=false).
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
