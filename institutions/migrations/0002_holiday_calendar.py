"""The working-day calendar becomes the district's own table: WorkdayOverride
(date, is_workday, note) → HolidayDay (date, kind 放假/调休上班, name), the
coordinators' existing rows kept (a workday override becomes 调休上班, a day-off
override 放假), and HolidayYear records which years are loaded."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def overrides_to_kinds(apps, schema_editor):
    HolidayDay = apps.get_model("institutions", "HolidayDay")
    HolidayDay.objects.filter(is_workday=True).update(kind="work")
    HolidayDay.objects.filter(is_workday=False).update(kind="off")


def kinds_to_overrides(apps, schema_editor):
    HolidayDay = apps.get_model("institutions", "HolidayDay")
    HolidayDay.objects.filter(kind="work").update(is_workday=True)
    HolidayDay.objects.filter(kind="off").update(is_workday=False)


class Migration(migrations.Migration):

    dependencies = [
        ("institutions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("WorkdayOverride", "HolidayDay"),
        migrations.AddField(
            model_name="holidayday",
            name="kind",
            field=models.CharField(choices=[("off", "放假"), ("work", "调休上班")], default="off", max_length=8,
                                   verbose_name="类型"),
        ),
        migrations.AlterField(
            model_name="holidayday", name="is_workday",
            field=models.BooleanField(default=False, verbose_name="是否工作日"),
        ),
        migrations.RunPython(overrides_to_kinds, kinds_to_overrides),
        migrations.RemoveField(model_name="holidayday", name="is_workday"),
        migrations.RenameField(model_name="holidayday", old_name="note", new_name="name"),
        migrations.AlterField(
            model_name="holidayday", name="name",
            field=models.CharField(blank=True, max_length=100, verbose_name="节日/说明"),
        ),
        migrations.AlterModelOptions(
            name="holidayday",
            options={"ordering": ["-date"], "verbose_name": "节假日与调休", "verbose_name_plural": "节假日与调休"},
        ),
        migrations.CreateModel(
            name="HolidayYear",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name="年度")),
                ("source", models.CharField(choices=[("library", "库"), ("file", "文件"), ("manual", "手工")],
                                            default="manual", max_length=8, verbose_name="来源")),
                ("loaded_at", models.DateTimeField(verbose_name="导入时间")),
                ("loaded_by", models.ForeignKey(blank=True, null=True,
                                                on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                                to=settings.AUTH_USER_MODEL, verbose_name="导入人")),
            ],
            options={"verbose_name": "节假日安排年度", "verbose_name_plural": "节假日安排年度", "ordering": ["-year"]},
        ),
    ]
