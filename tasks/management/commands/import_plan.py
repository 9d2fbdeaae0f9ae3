import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from tasks.plan_table import PlanTableError
from tasks.services import plan_import


class Command(BaseCommand):
    help = "从任务分解表（.xlsx，列：序号、工作内容、具体任务、牵头单位、责任单位）导入一个新的实施方案。全部通过校验才保存。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件路径")
        parser.add_argument("--title", default="", help="方案名称（默认取表格标题行）")
        parser.add_argument("--document-number", default="", help="文号")
        parser.add_argument("--issuer", default="", help="印发单位")
        parser.add_argument("--issued-on", default=None, help="印发日期 YYYY-MM-DD")

    def handle(self, *args, **options):
        issued_on = None
        if options["issued_on"]:
            try:
                issued_on = dt.date.fromisoformat(options["issued_on"])
            except ValueError:
                raise CommandError(f"印发日期“{options['issued_on']}”格式错误，应为 YYYY-MM-DD。") from None
        try:
            with open(options["file"], "rb") as source:
                plan = plan_import(
                    source=source, title=options["title"], document_number=options["document_number"],
                    issuer=options["issuer"], issued_on=issued_on,
                )
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{options['file']}") from None
        except PlanTableError as exc:
            raise CommandError("导入失败，未保存任何数据：\n" + "\n".join(exc.errors)) from None
        count = plan.items.count()
        self.stdout.write(self.style.SUCCESS(f"已导入“{plan.title}”，共 {count} 项任务（方案编号 {plan.pk}）。"))
