"""Celery application: the broker comes from settings (Redis in production,
kombu's filesystem transport in the embedded default)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuzhong_care.settings.local")

app = Celery("yuzhong_care")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Jobs live in each app's jobs.py (an app called `tasks` with a tasks.py reads badly).
app.autodiscover_tasks(related_name="jobs")
