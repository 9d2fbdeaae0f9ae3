"""python manage.py export_progress --out FILE.xlsx [--date YYYY-MM-DD] [--department NAME] [--period YYYY-MM] [--plan ID]

The same workbook as the dashboards' download (reports.excel). It reads as a
viewer (区领导/督查室) would — everything but drafts — or as --user."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from accounts.models import User
from accounts.roles import READ_ONLY_ROLE
from agencies.models import Department
from reports import excel


class Command(BaseCommand):
    help = "导出任务进展情况表（Excel）：附件格式的任务表加状态和最新进展，另附分单位汇总和托育机构汇总。"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="输出文件（.xlsx）")
        parser.add_argument("--date", help="统计截至日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--department", help="单位名称（只导出该单位的任务）")
        parser.add_argument("--period", help="报送周期 YYYY-MM（默认各单位最新审核通过的报告）")
        parser.add_argument("--plan", type=int, help="实施方案编号（默认最新印发的方案）")
        parser.add_argument("--user", help="以该账号的权限范围导出（默认：区领导/督查室的范围）")

    def handle(self, *args, **options):
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"找不到账号“{options['user']}”。")
        else:
            user = User(username="export_progress", role=READ_ONLY_ROLE, is_active=True)  # never saved
        department = None
        if options["department"]:
            department = Department.objects.for_user(user).reporting().filter(name=options["department"]).first()
            if department is None:
                raise CommandError(f"找不到单位“{options['department']}”。")
        try:
            filters = excel.resolve_filters(
                user=user, on=on, plan_id=options["plan"], department=department,
                period_start=excel.parse_period(options["period"] or ""),
            )
        except (ValidationError, Http404) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        excel.build_progress_workbook(user=user, filters=filters).save(options["out"])
        self.stdout.write(self.style.SUCCESS(f"已导出 {filters.subtitle} 的任务进展情况表到 {options['out']}"))
