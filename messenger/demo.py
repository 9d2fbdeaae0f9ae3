"""Demo robot for the embedded default: 区人力社保局's DingTalk group robot,
added by demo-coordinator and left **inactive**, so 工作消息 shows a configured
robot while `make run` sends nothing anywhere (its token and secret are made
up). A coordinator adds a real one on the page. Idempotent."""
from __future__ import annotations

from accounts.models import User
from agencies.models import Department

from .models import MessengerChannel
from .services import messenger_channel_create, messenger_channel_deactivate

UNIT = "区人力社保局"


def build(*, stdout) -> None:
    if MessengerChannel.objects.exists():
        stdout.write("工作消息演示数据已存在，跳过。")
        return
    coordinator = User.objects.filter(username="demo-coordinator").first()
    unit = Department.objects.filter(name=UNIT).first()
    if coordinator is None or unit is None:
        return
    channel = messenger_channel_create(
        actor=coordinator, unit=unit, kind=MessengerChannel.Kind.DINGTALK, name="工作群（演示，未启用）",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=demo-not-a-real-token",
        secret="SECdemo-not-a-real-secret",
    )
    messenger_channel_deactivate(actor=coordinator, channel=channel)
    stdout.write(f"已添加{UNIT}的钉钉群机器人（演示，已停用，不会发送）。")
