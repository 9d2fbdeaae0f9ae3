"""manage.py load_quality_standard FILE: the structure of 《托育机构质量评估标准》(dimensions, items,
points, veto items, grades) from a UTF-8 text file — all or nothing, every bad line named."""
from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from institutions.services.quality import quality_standard_load


class Command(BaseCommand):
    help = "导入托育机构质量评估标准（维度、项目、分值、一票否决项、等级）；有任何错误则不保存。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="记录为导入人的督办管理员账号（默认：运维）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError("文件不是 UTF-8 编码的文本。") from None
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"账号“{options['user']}”不存在。")
        try:
            standard = quality_standard_load(actor=actor, text=text)
        except ValidationError as exc:
            raise CommandError("未导入任何内容：\n" + "\n".join(exc.messages)) from None
        items = sum(d.items.count() for d in standard.dimensions.all())
        note = "（示例，非标准原文）" if standard.illustrative else ""
        self.stdout.write(f"已导入{standard.title} {standard.code}{note}：{standard.dimensions.count()}个维度，{items}个项目。")
