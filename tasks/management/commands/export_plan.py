from django.core.management.base import BaseCommand, CommandError

from core.spreadsheets import harden_workbook
from tasks.models import Plan, Task
from tasks.plan_table import write_plan_table


class Command(BaseCommand):
    help = "把实施方案的任务导出为任务分解表（.xlsx，附件格式）。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="方案编号（默认最新一个）")
        parser.add_argument("--out", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        plans = Plan.objects.all()
        plan = plans.filter(pk=options["plan"]).first() if options["plan"] else plans.first()
        if plan is None:
            raise CommandError("找不到该实施方案。")
        items = Task.objects.filter(plan=plan).with_units()
        # Task titles and texts are typed by people: written as text, never as formulas.
        harden_workbook(write_plan_table(items, caption="渝中区3岁以下婴幼儿照护服务工作任务分解表")).save(options["out"])
        self.stdout.write(self.style.SUCCESS(f"已导出 {items.count()} 项任务到 {options['out']}"))
