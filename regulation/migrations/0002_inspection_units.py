"""The inspecting units of task 12 (区妇幼保健、疾病预防控制、卫生监督): the plan's annex
names none of them as a unit, so the portal adds them (idempotent; never removed). Their ids
are fixed far above the plan fixture's (1–31), which `loaddata` writes by id."""
from django.db import migrations

UNITS = ((901, "区妇幼保健院", 910), (902, "区疾控中心", 920), (903, "区卫生健康执法支队", 930))


def add_units(apps, schema_editor):
    Department = apps.get_model("agencies", "Department")
    for pk, name, position in UNITS:
        if not Department.objects.filter(name=name).exists() and not Department.objects.filter(pk=pk).exists():
            Department.objects.create(pk=pk, name=name, kind="government", position=position)


class Migration(migrations.Migration):
    dependencies = [
        ("regulation", "0001_inspections_staff_complaints"),
        ("agencies", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_units, migrations.RunPython.noop)]
