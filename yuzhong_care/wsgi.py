import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuzhong_care.settings.production")

application = get_wsgi_application()

# Load every view now, then move what start-up allocated (~90,000 long-lived
# objects: modules, models, URL patterns) out of the garbage collector's sight:
# its full collections kept re-scanning them, a third of a dashboard's time on
# the city-scale data (README → Performance).
import_module(settings.ROOT_URLCONF)
gc.freeze()
