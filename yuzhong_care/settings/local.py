"""Embedded default for `make run`: SQLite, console e-mail, filesystem broker."""
from .base import *  # noqa: F401,F403
from .base import env

# Off by default, so `make run` shows the portal's own Chinese error pages (403, 404, 500, an
# expired form) as users meet them; DEBUG=true brings back Django's technical pages.
DEBUG = env.bool("DEBUG", default=False)
# With DEBUG off, runserver serves no static files: WhiteNoise serves them straight from
# static/ and the apps (no collectstatic needed), re-reading a changed file on the next request.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A development key only; production refuses to start without its own.
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
DEMO_ACCOUNTS = True
