"""Development only: the current TOTP code of a demo account, so the demo can
be tried without a phone. Refuses to run where demo accounts are off (production)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "（仅开发环境）显示演示账号当前的动态口令。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEMO_ACCOUNTS:
            raise CommandError("仅限开发环境使用。")
        device = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed", "-id").first()
        if device is None:
            raise CommandError(f"{username} 尚未开始绑定动态口令：请先用该账号登录，打开绑定页面。")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
