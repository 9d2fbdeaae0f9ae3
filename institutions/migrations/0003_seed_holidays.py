"""Seed the calendar from `chinese-calendar` for the years it knows (its
`holidays` and `workdays`, named in Chinese from its Holiday enum), and mark
those years loaded (source 库). A date a coordinator already edited keeps the
coordinator's row. After this the library is not read again."""
from django.db import migrations


def seed(apps, schema_editor):
    from core import clock
    from institutions.holidays import library_arrangement

    HolidayDay = apps.get_model("institutions", "HolidayDay")
    HolidayYear = apps.get_model("institutions", "HolidayYear")
    years, rows = library_arrangement()
    kept = set(HolidayDay.objects.values_list("date", flat=True))
    HolidayDay.objects.bulk_create(
        [HolidayDay(date=day, kind=kind, name=name) for day, kind, name in rows if day not in kept],
        batch_size=500,
    )
    now = clock.now()
    loaded = set(HolidayYear.objects.values_list("year", flat=True))
    HolidayYear.objects.bulk_create(
        [HolidayYear(year=year, source="library", loaded_at=now) for year in years if year not in loaded]
    )


def unseed(apps, schema_editor):
    from institutions.holidays import library_arrangement

    HolidayDay = apps.get_model("institutions", "HolidayDay")
    HolidayYear = apps.get_model("institutions", "HolidayYear")
    _, rows = library_arrangement()
    wanted = {(day, kind, name) for day, kind, name in rows}
    doomed = [pk for pk, day, kind, name in HolidayDay.objects.values_list("pk", "date", "kind", "name")
              if (day, kind, name) in wanted]
    HolidayDay.objects.filter(pk__in=doomed).delete()
    HolidayYear.objects.filter(source="library").delete()


class Migration(migrations.Migration):

    dependencies = [("institutions", "0002_holiday_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
