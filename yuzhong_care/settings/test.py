"""Test settings: SQLite in memory unless DATABASE_URL names PostgreSQL."""
from .base import *  # noqa: F401,F403
from .base import BASE_DIR, env

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
DEMO_ACCOUNTS = True
# Feature tests sign in with force_login; the second factor has its own tests,
# which switch it on with the `settings` fixture (tests/accounts/test_two_factor.py).
PORTAL_2FA_REQUIRED_ROLES: list[str] = []
PORTAL_2FA_FOR_ADMIN = False
