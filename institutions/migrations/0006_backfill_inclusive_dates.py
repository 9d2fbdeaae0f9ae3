"""普惠 is now designated from a date with its places: an institution already marked 普惠性
counts from its first filing (or registration) with all its 托位, until the coordinator
records the real designation."""
from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Institution = apps.get_model("institutions", "Institution")
    Institution.objects.filter(is_inclusive=True, inclusive_from__isnull=True).update(
        inclusive_from=Coalesce("filed_on", "registered_on"), inclusive_places=F("capacity"),
    )


class Migration(migrations.Migration):
    dependencies = [("institutions", "0005_service_kinds_enrolment_quality")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
