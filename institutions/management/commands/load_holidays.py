from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from institutions.holidays import FORMAT_HELP
from institutions.services import holiday_arrangement_load


class Command(BaseCommand):
    help = (
        "导入一个年度的节假日安排（国务院办公厅通知），替换该年度已有的放假/调休日期并标记为已导入；"
        "待审核备案的期限随之重算并通知审核人员。文件为 UTF-8 文本，" + FORMAT_HELP
        + "文件中“放假”日期所在的年度即导入的年度；相邻年度的“上班”日（如元旦前的周末）只写入该日。"
        "有任何一行错误则全部不导入（报告行号）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="节假日安排文本文件路径（UTF-8），如 holidays-2027.txt")
        parser.add_argument("--user", default="", help="以哪个督办管理员账号导入（记入历史）；默认不指定")

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"找不到账号：{options['user']}")
        path = options["file"]
        try:
            with open(path, encoding="utf-8-sig") as source:
                lines = source.read().splitlines()
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError("文件不是 UTF-8 编码的文本，请另存为 UTF-8 后重试。") from None
        try:
            result = holiday_arrangement_load(lines=lines, actor=actor, label=f"文件 {path.rsplit('/', 1)[-1]}")
        except ValidationError as exc:
            raise CommandError("导入失败，未保存任何数据：\n" + "\n".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        years = "、".join(f"{y}年" for y in result.years)
        self.stdout.write(self.style.SUCCESS(
            f"已导入{years}节假日安排：放假{result.days_off}天，调休上班{result.make_up_days}天。"
        ))
        if result.changes:
            self.stdout.write(f"重算了{len(result.changes)}件待审核备案的期限（已通知审核人员）：")
            for change in result.changes:
                self.stdout.write(f"  {change}")
