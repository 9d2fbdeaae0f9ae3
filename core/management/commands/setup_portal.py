"""Bring a migrated database to a usable state: the 2020 plan, and in the
embedded default the demo accounts and demo data. Safe to run again: nothing
that exists is overwritten."""
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from accounts.demo import demo_accounts_ensure, demo_password
from accounts.models import User
from tasks.models import Plan

PLAN_FIXTURE = "plan_2020"
PLAN_DOCUMENT_NUMBER = "渝中府办〔2020〕28号"


class Command(BaseCommand):
    help = "载入实施方案数据；开发环境下创建演示账号与演示数据（可重复执行）。"

    def handle(self, *args, **options):
        if Plan.objects.filter(document_number=PLAN_DOCUMENT_NUMBER).exists():
            self.stdout.write("实施方案已存在，跳过载入。")
        else:
            call_command("loaddata", PLAN_FIXTURE, verbosity=0)
            self.stdout.write(self.style.SUCCESS("已载入实施方案（渝中府办〔2020〕28号）及15项任务。"))
        if not settings.DEMO_ACCOUNTS:
            return
        password = demo_password()
        demo_accounts_ensure(password=password)
        for dotted in settings.DEMO_DATA_BUILDERS:
            import_string(dotted)(stdout=self.stdout)
        self.stdout.write("\n演示账号（密码均为 %s）：" % password)
        # Every demo account, also those a builder adds (regulation's inspector and kindergarten).
        for user in User.objects.filter(username__startswith="demo-").select_related("department").order_by("pk"):
            unit = user.department.name if user.department_id else "—"
            self.stdout.write(f"  {user.username:<18} {user.get_role_display():<8} {unit}")
        if settings.PORTAL_2FA_REQUIRED_ROLES:
            self.stdout.write(
                "督办管理员首次登录需用验证器应用扫码绑定动态口令；没有手机时可运行\n"
                "  .venv/bin/python manage.py demo_totp demo-coordinator\n获取当前口令（仅开发环境）。"
            )
