"""Coordinators keep editing the calendar in the admin. RenameModel renamed
WorkdayOverride's content type, but its permissions kept their codenames
(change_workdayoverride …), which the admin no longer asks for: rename them,
and give the 督办管理员 group the new HolidayYear's permissions too."""
from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")
COORDINATOR_GROUP = "督办管理员"  # accounts.services.COORDINATOR_GROUP


def permissions_follow(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for action in ACTIONS:
        old = Permission.objects.filter(content_type__app_label="institutions", codename=f"{action}_workdayoverride")
        if not Permission.objects.filter(content_type__app_label="institutions", codename=f"{action}_holidayday").exists():
            old.update(codename=f"{action}_holidayday", name=f"Can {action} 节假日与调休")
    app_config = apps.get_app_config("institutions")
    app_config.models_module = True  # create_permissions skips an app without one
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    group = Group.objects.filter(name=COORDINATOR_GROUP).first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(
            content_type__app_label="institutions", content_type__model__in=["holidayday", "holidayyear"]
        ))


class Migration(migrations.Migration):

    dependencies = [
        ("institutions", "0003_seed_holidays"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(permissions_follow, migrations.RunPython.noop)]
