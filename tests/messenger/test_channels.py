"""Adding a unit's robot: the address and secret are kept encrypted and never
shown again; only the official hosts over https are accepted (SSRF guard),
when adding and again when sending; DingTalk's signature is DingTalk's."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audit.models import ObjectChange
from messenger import crypto, robots, services
from messenger.models import MessengerChannel, MessengerDelivery
from notifications.services import inbox_notify
from tests.notifications.conftest import make_world

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "SECa1b2c3d4e5f6-group-secret"


@pytest.fixture
def world():
    return make_world()


def test_the_signature_is_dingtalks():
    # A published vector (the `dingding` crate's test): timestamp 1700000000000, secret "secret".
    assert robots.dingtalk_sign("secret", 1700000000000) == "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    url = robots.signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "secret", 1700000000000)
    assert url.endswith("?access_token=t&timestamp=1700000000000&sign=OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D")


@pytest.mark.parametrize(("kind", "url", "problem"), [
    ("dingtalk", "http://oapi.dingtalk.com/robot/send?access_token=t", "https://"),
    ("dingtalk", "https://127.0.0.1/robot/send?access_token=t", "不在允许范围内"),
    ("dingtalk", "https://oapi.dingtalk.com.evil.cn/robot/send?access_token=t", "不在允许范围内"),
    ("dingtalk", "https://user:pw@oapi.dingtalk.com/robot/send?access_token=t", "用户名或密码"),
    ("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1&sign=x", "timestamp"),
    ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "key"),
    ("wecom", "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "https://"),
])
def test_only_the_official_hosts_over_https_are_accepted(world, kind, url, problem):
    with pytest.raises(ValidationError) as refused:
        services.messenger_channel_create(actor=world.people.coordinator, unit=world.unit_a, kind=kind,
                                          name="工作群", webhook_url=url, secret=SECRET if kind == "dingtalk" else "")
    assert problem in refused.value.message_dict["webhook_url"][0]
    assert MessengerChannel.objects.count() == 0


def test_the_official_addresses_are_accepted():
    assert robots.webhook_problem("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=abc") is None
    assert robots.webhook_problem("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a") is None


def test_credentials_are_stored_encrypted_and_kept_out_of_history(world):
    url = "https://oapi.dingtalk.com/robot/send?access_token=very-secret-token"
    channel = services.messenger_channel_create(actor=world.people.coordinator, unit=world.unit_a, kind="dingtalk",
                                                name="工作群", webhook_url=url, secret=SECRET)
    row = MessengerChannel.objects.values().get(pk=channel.pk)
    assert not any("very-secret-token" in str(v) or SECRET in str(v) for v in row.values())
    assert crypto.decrypt(row["webhook_encrypted"]) == url and crypto.decrypt(row["secret_encrypted"]) == SECRET
    assert row["webhook_hint"] == "oapi.dingtalk.com/…oken"
    history = ObjectChange.objects.get()
    assert "very-secret-token" not in str(history.changes) and SECRET not in str(history.changes)
    assert row["webhook_encrypted"] not in str(history.changes)


def test_a_messenger_key_can_be_rotated(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MESSENGER_KEY = old
    token = crypto.encrypt("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
    settings.MESSENGER_KEY = f"{new},{old}"
    assert crypto.decrypt(token).endswith("key=k")
    settings.MESSENGER_KEY = new
    with pytest.raises(crypto.CredentialUnreadable):
        crypto.decrypt(token)


def _channel(world, receiver, token="tok"):
    receiver.dingtalk[token] = SECRET
    return services.messenger_channel_create(actor=world.people.coordinator, unit=world.unit_a, kind="dingtalk",
                                             name="工作群", webhook_url=receiver.dingtalk_url(token), secret=SECRET)


def _notify(user):
    with transaction.atomic():
        inbox_notify(user=user, title="督办单已签发", category="notice")


def test_unreadable_credentials_fail_the_delivery_with_a_clear_reason(world, receiver, settings):
    channel = _channel(world, receiver)
    settings.MESSENGER_KEY = Fernet.generate_key().decode()  # the key changed since the robot was added
    _notify(world.people.a_officer)
    delivery = MessengerDelivery.objects.get(channel=channel)
    assert delivery.status == MessengerDelivery.Status.FAILED and "重新添加" in delivery.last_error
    assert receiver.hits == []


def test_the_host_is_checked_again_before_each_send(world, receiver, settings):
    channel = _channel(world, receiver)
    settings.MESSENGER_ALLOWED_HOSTS = ["oapi.dingtalk.com", "qyapi.weixin.qq.com"]
    settings.MESSENGER_HTTPS_ONLY = True
    _notify(world.people.a_officer)
    delivery = MessengerDelivery.objects.get(channel=channel)
    assert delivery.status == MessengerDelivery.Status.FAILED and "https://" in delivery.last_error
    assert receiver.hits == []


def test_a_redirect_is_not_followed(world, receiver):
    channel = _channel(world, receiver)
    receiver.redirect_to = receiver.dingtalk_url("elsewhere")
    _notify(world.people.a_officer)
    assert len(receiver.hits) == 1  # the 302 itself; its target was never asked
    delivery = MessengerDelivery.objects.get(channel=channel)
    assert delivery.status == MessengerDelivery.Status.FAILED and delivery.last_error == "HTTP 302"


# ---------------------------------------------------------------- the coordinators' page


def _form(receiver, world, **overrides):
    receiver.dingtalk["page-token"] = SECRET
    return {"unit": world.unit_a.pk, "kind": "dingtalk", "name": "甲单位工作群",
            "webhook_url": receiver.dingtalk_url("page-token"), "secret": SECRET, **overrides}


def test_a_coordinator_adds_a_robot_and_never_sees_its_secret_again(client, world, receiver):
    client.force_login(world.people.coordinator)
    response = client.post(reverse("messenger:channels"), _form(receiver, world))
    assert response.status_code == 302
    channel = MessengerChannel.objects.get()
    assert (channel.unit, channel.kind, channel.active, channel.created_by) == (
        world.unit_a, "dingtalk", True, world.people.coordinator)
    page = client.get(reverse("messenger:channels")).content.decode()
    assert "甲单位工作群" in page and "127.0.0.1/…oken" in page
    assert "page-token" not in page and SECRET not in page

    # A refused form is shown again without the address or the secret typed.
    response = client.post(reverse("messenger:channels"), _form(receiver, world, secret="", name="乙"))
    page = response.content.decode()
    assert response.status_code == 200 and "钉钉机器人须开启“加签”" in page
    assert "page-token" not in page and MessengerChannel.objects.count() == 1


def test_a_coordinator_deactivates_a_robot(client, world, receiver):
    channel = _channel(world, receiver)
    client.force_login(world.people.coordinator)
    response = client.post(reverse("messenger:channel-deactivate", args=[channel.pk]))
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.active is False and channel.deactivated_at is not None
    _notify(world.people.a_officer)
    assert MessengerDelivery.objects.count() == 0 and receiver.hits == []


def test_the_deliveries_page_shows_each_attempts_outcome_but_not_the_message(client, world, receiver):
    channel = _channel(world, receiver)
    receiver.dingtalk["tok"] = "SECsomething-else"  # the group changed its secret
    with transaction.atomic():
        inbox_notify(user=world.people.a_officer, title="督办单已签发-私密标题", body="私密内容", category="notice")
    client.force_login(world.people.coordinator)
    page = client.get(reverse("messenger:deliveries"), {"channel": channel.pk, "status": "failed"}).content.decode()
    assert '<td>督办单 <span class="small muted">#' in page and "errcode 310000：sign not match" in page
    # The inbox is private, even to coordinators: the record shows the kind of message, not its text.
    assert "私密标题" not in page and "私密内容" not in page
    page = client.get(reverse("messenger:deliveries"), {"status": "sent"}).content.decode()
    assert "errcode 310000" not in page


def test_a_coordinator_sends_a_test_message_and_reads_its_outcome(client, world, receiver):
    channel = _channel(world, receiver)
    client.force_login(world.people.coordinator)
    response = client.post(reverse("messenger:channel-test", args=[channel.pk]))
    assert response.status_code == 302 and response["Location"].endswith(f"?channel={channel.pk}")
    assert [p["markdown"]["title"] for p in receiver.accepted()] == ["测试消息：工作消息机器人配置成功"]
    page = client.get(response["Location"]).content.decode()
    assert '<td>测试消息 <span class="small muted">#' in page and '<span class="tag green">已送达</span>' in page

    services.messenger_channel_deactivate(actor=world.people.coordinator, channel=channel)
    response = client.post(reverse("messenger:channel-test", args=[channel.pk]), follow=True)
    assert "该机器人已停用，无法发送测试消息。" in response.content.decode()
    assert len(receiver.hits) == 1
