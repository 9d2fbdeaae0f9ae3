from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate


def _calendar_seeded(sender, using="default", **kwargs) -> None:
    """The working-day calendar is reference data (like content types): a migration
    seeds it from the holiday library, and a database emptied after migrating (a
    test's flush) gets the seed back. Only when the table holds no year at all,
    so a coordinator's edits are never undone by a later migrate."""
    from .models import HolidayYear  # inside: apps.py loads before models can be imported
    from .services import holiday_calendar_seed_from_library  # inside: imports models (apps.py loads first)

    if HolidayYear._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated to a point before the calendar existed
    if not HolidayYear.objects.using(using).exists():
        holiday_calendar_seed_from_library()


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = "托育机构与备案"

    def ready(self) -> None:
        post_migrate.connect(_calendar_seeded, sender=self, dispatch_uid="institutions.calendar_seeded")
