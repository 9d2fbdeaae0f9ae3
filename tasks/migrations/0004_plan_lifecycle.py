"""Plans get a lifecycle (draft → in force → ended). Plans that exist already
were live before the lifecycle existed: they become in force from their
issue date, so nothing they showed changes."""
from django.db import migrations, models


def existing_plans_in_force(apps, schema_editor):
    Plan = apps.get_model("tasks", "Plan")
    for plan in Plan.objects.all():
        plan.status = "in_force"
        plan.in_force_from = plan.issued_on
        plan.save(update_fields=["status", "in_force_from"])


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0003_milestone_metric_sources_2020'),
    ]

    operations = [
        migrations.AddField(
            model_name='plan',
            name='closing_summary',
            field=models.TextField(blank=True, verbose_name='结束总结'),
        ),
        migrations.AddField(
            model_name='plan',
            name='ended_on',
            field=models.DateField(blank=True, null=True, verbose_name='结束日期'),
        ),
        migrations.AddField(
            model_name='plan',
            name='in_force_from',
            field=models.DateField(blank=True, help_text='自该日起报送周期、提醒和灯色生效。', null=True, verbose_name='实施起始日'),
        ),
        migrations.AddField(
            model_name='plan',
            name='status',
            field=models.CharField(choices=[('draft', '草案'), ('in_force', '实施中'), ('ended', '已结束')], default='draft', max_length=16, verbose_name='状态'),
        ),
        migrations.RunPython(existing_plans_in_force, migrations.RunPython.noop),
    ]
