"""Embedded default for `make run`: SQLite, console e-mail, filesystem broker."""
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A development key only; production refuses to start without its own.
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
DEMO_ACCOUNTS = True
