"""Databases that loaded the 2020 plan before milestones had a metric source:
tasks 8 and 9's 2020 targets are computed from the institutions registry."""
from django.db import migrations

SOURCES = {
    (8, "完成现有机构规范注册信息和备案登记"): "institutions.filing_completion_rate",
    (9, "指导扶持建设1家示范性婴幼儿照护服务机构"): "institutions.demonstration_count",
}


def forwards(apps, schema_editor):
    Milestone = apps.get_model("tasks", "Milestone")
    for (number, title), source in SOURCES.items():
        Milestone.objects.filter(
            plan__document_number="渝中府办〔2020〕28号", task__kind=1, task__number=number, title=title,
            metric_source="",
        ).update(metric_source=source)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0002_milestone_metric_confirmation")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
