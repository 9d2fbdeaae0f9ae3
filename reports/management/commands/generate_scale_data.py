"""python manage.py generate_scale_data [--scale 1.0] [--months 60] [--seed 2026] [--staff N] [--inspections N]

A deterministic city-scale dataset for bench/ (run it on an empty, migrated
database of its own, e.g. DATABASE_URL=postgres://…/yz_bench)."""
import time

from django.core.management.base import BaseCommand, CommandError

from reports.scale import BENCH_PASSWORD, MARK, Scale, generate
from tasks.models import Plan


class Command(BaseCommand):
    help = "生成用于性能测试的城市规模数据（约40个方案、20万份报告、2万家机构、20万从业人员、5万次检查；可用 --scale 缩小）。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="规模系数（1.0 为全量）")
        parser.add_argument("--months", type=int, default=60, help="报送月数（默认60，即五年）")
        parser.add_argument("--plans", type=int, help="方案数（默认 40×规模系数）")
        parser.add_argument("--institutions", type=int, help="机构数（默认 20000×规模系数）")
        parser.add_argument("--staff", type=int, help="从业人员数（默认每家机构10人，即 200000×规模系数）")
        parser.add_argument("--inspections", type=int, help="监督检查数（默认每家机构2.5次，即 50000×规模系数）")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--force", action="store_true", help="库中已有规模数据时仍然追加")

    def handle(self, *args, **options):
        if Plan.objects.filter(title__startswith=MARK).exists() and not options["force"]:
            raise CommandError("数据库中已有规模数据；请换用空数据库（或加 --force 追加）。")
        overrides = {k: options[k] for k in ("plans", "institutions", "staff", "inspections") if options.get(k) is not None}
        scale = Scale.fraction(options["scale"], months=options["months"], seed=options["seed"], **overrides)
        started = time.perf_counter()
        generate(scale, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"用时 {time.perf_counter() - started:.1f} 秒。性能测试账号 bench-viewer / bench-coordinator，"
            f"密码 {BENCH_PASSWORD}"
        ))
