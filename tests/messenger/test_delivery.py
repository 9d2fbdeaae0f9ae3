"""A message in a unit's inbox reaches the unit's group robot: signed (DingTalk)
or keyed (WeCom), verified by a real local receiver; retried when the receiver
fails; refused and recorded as failed with a wrong secret; never in the way of
the action that sent it."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from messenger import jobs, services
from messenger.models import MessengerDelivery
from notifications import delivery as digests
from notifications.models import Notification
from notifications.services import inbox_notify
from tests.factories import UserFactory
from tests.notifications.conftest import make_world

pytestmark = pytest.mark.django_db(transaction=True)

Status = MessengerDelivery.Status
SECRET = "SEC0123456789abcdef-the-groups-secret"
# The categories inbox_notify carries today, and one an app may invent (any string is allowed).
CATEGORIES = [*Notification.Category.values, "some-new-event"]


@pytest.fixture
def world():
    return make_world()


def robot(world, receiver, *, kind="dingtalk", unit=None, secret=SECRET, token="tok-a", key="key-a",
          known_secret=None):
    """A channel of unit A (by default) and the receiver's matching credentials."""
    unit = unit or world.unit_a
    if kind == "dingtalk":
        receiver.dingtalk[token] = known_secret or secret
        url = receiver.dingtalk_url(token)
    else:
        receiver.wecom.add(key)
        url = receiver.wecom_url(key)
    return services.messenger_channel_create(
        actor=world.people.coordinator, unit=unit, kind=kind, name="工作群", webhook_url=url,
        secret=secret if kind == "dingtalk" else "",
    )


def notify(user, **kwargs):
    with transaction.atomic():
        return inbox_notify(user=user, **kwargs)


@pytest.mark.parametrize("kind", ["dingtalk", "wecom"])
def test_every_event_kind_reaches_the_robot_with_a_valid_signature(world, receiver, kind):
    channel = robot(world, receiver, kind=kind)
    for category in CATEGORIES:
        notify(world.people.a_officer, title=f"事件 {category}", body="第一行\n第二行", url="/tasks/1/",
               category=category)

    accepted = receiver.accepted()
    assert len(accepted) == len(CATEGORIES)
    assert all(h.answer == {"errcode": 0, "errmsg": "ok"} for h in receiver.hits)
    field = "text" if kind == "dingtalk" else "content"
    for category, payload in zip(CATEGORIES, accepted, strict=True):
        text = payload["markdown"][field]
        assert f"事件 {category}" in text and "第二行" in text
        assert "http://127.0.0.1:8000/tasks/1/" in text  # an absolute link back to the portal
    if kind == "dingtalk":
        assert all({"timestamp", "sign", "access_token"} <= set(h.query) for h in receiver.hits)
    rows = MessengerDelivery.objects.filter(channel=channel)
    assert sorted(rows.values_list("category", flat=True)) == sorted(CATEGORIES)
    assert set(rows.values_list("status", "attempts")) == {(Status.SENT, 1)}
    assert all(r.sent_at is not None for r in rows)


def test_the_daily_digest_reaches_the_units_robot(world, receiver):
    robot(world, receiver)
    with transaction.atomic():
        result = digests.reminders_run(on=dt.date(2026, 11, 28))
    officers_digests = [d for d in result.digests if d.digest.recipient_id == world.people.a_officer.pk]
    assert officers_digests, "the world has overdue reports on the 28th"
    titles = [p["markdown"]["title"] for p in receiver.accepted()]
    assert officers_digests[0].digest.notification.title in titles
    assert all(p["markdown"]["text"] for p in receiver.accepted())
    # Unit B has no robot: its people's digests go to the inbox (and e-mail) only.
    assert MessengerDelivery.objects.filter(channel__unit=world.unit_b).count() == 0


def test_messages_about_one_persons_account_or_files_stay_out_of_the_group(world, receiver):
    robot(world, receiver)
    notify(world.people.a_officer, title="您的登录密码已修改", category="account")
    notify(world.people.a_officer, title="进展报告导出已完成", category="export", url="/dashboards/exports/1/")
    notify(world.people.a_officer, title="督办单已签发", category="notice")
    assert [p["markdown"]["title"] for p in receiver.accepted()] == ["督办单已签发"]
    assert Notification.objects.filter(recipient=world.people.a_officer).count() == 3


def test_one_message_to_several_people_of_a_unit_goes_to_its_group_once(world, receiver):
    robot(world, receiver)
    with transaction.atomic():
        for person in (world.people.a_officer, world.people.a_officer2, world.people.a_leader):
            inbox_notify(user=person, title="督办单已签发", url="/progress/notices/1/", category="notice")
    assert len(receiver.accepted()) == 1
    assert Notification.objects.filter(title="督办单已签发").count() == 3  # the inbox has all three


def test_a_robot_is_retried_when_the_receiver_fails(world, receiver):
    channel = robot(world, receiver)
    receiver.fail_next = 1
    notify(world.people.a_officer, title="进展报告已退回", category="report")

    assert [h.status for h in receiver.hits] == [500, 200]
    assert len(receiver.accepted()) == 1
    delivery = MessengerDelivery.objects.get(channel=channel)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (Status.SENT, 2, "")


def test_retries_are_spent_then_the_delivery_is_failed(world, receiver, settings):
    channel = robot(world, receiver)
    receiver.fail_next = 99
    notify(world.people.a_officer, title="进展报告已退回", category="report")

    delivery = MessengerDelivery.objects.get(channel=channel)
    assert len(receiver.hits) == 1 + len(settings.MESSENGER_RETRY_SECONDS)
    assert (delivery.status, delivery.attempts) == (Status.FAILED, 4)
    assert delivery.last_error == "HTTP 500"


def test_the_retries_wait_1_5_and_30_minutes(world, receiver, monkeypatch):
    """Outside eager mode the job asks Celery to retry later, with these countdowns."""
    channel = robot(world, receiver)
    monkeypatch.setattr(services, "delivery_dispatch", lambda pk: None)  # the job is run by hand below
    with transaction.atomic():
        pk = services.messenger_enqueue(recipient=world.people.a_officer, category="report", title="t")[0]
    asked = []

    def retry(countdown, exc):
        asked.append(countdown)
        return RuntimeError("retry")

    monkeypatch.setattr(jobs.send_delivery, "retry", retry)
    receiver.fail_next = 3
    for retries in range(3):
        jobs.send_delivery.push_request(retries=retries)
        try:
            with pytest.raises(RuntimeError):
                jobs.send_delivery.run(pk)
        finally:
            jobs.send_delivery.pop_request()
    assert asked == [60, 300, 1800]
    assert MessengerDelivery.objects.get(channel=channel).status == Status.PENDING


def test_a_wrong_secret_is_detected_by_the_receiver_and_recorded(world, receiver):
    channel = robot(world, receiver, secret="SECwrong-secret", known_secret=SECRET)
    notify(world.people.a_officer, title="督办单已签发", category="notice")

    assert [h.answer["errcode"] for h in receiver.hits] == [310000]  # refused once: no retry of a wrong sign
    assert receiver.accepted() == []
    delivery = MessengerDelivery.objects.get(channel=channel)
    assert delivery.status == Status.FAILED and delivery.attempts == 1
    assert delivery.last_error == "errcode 310000：sign not match"


def test_a_wrong_wecom_key_is_refused_and_recorded(world, receiver):
    channel = robot(world, receiver, kind="wecom", key="key-a")
    receiver.wecom.clear()  # the group removed the robot: its key is no longer valid
    notify(world.people.a_officer, title="督办单已签发", category="notice")

    delivery = MessengerDelivery.objects.get(channel=channel)
    assert delivery.status == Status.FAILED
    assert delivery.last_error.startswith("errcode 93000")


def test_a_dead_webhook_never_blocks_the_save(world, receiver):
    receiver.base_url = "http://127.0.0.1:9"  # nothing listens there
    channel = robot(world, receiver)
    note = notify(world.people.a_officer, title="节点目标将到期", category="milestone")

    assert Notification.objects.filter(pk=note.pk).exists()
    delivery = MessengerDelivery.objects.get(channel=channel)
    assert delivery.status == Status.FAILED and delivery.last_error.startswith("无法连接")
    assert delivery.attempts == 4  # tried, then retried three times


def test_a_broken_messenger_never_blocks_the_save(world, receiver, monkeypatch):
    robot(world, receiver)

    def broken(*args, **kwargs):
        raise RuntimeError("database trouble in the messenger")

    monkeypatch.setattr(MessengerDelivery.objects, "get_or_create", broken)
    with transaction.atomic():
        note = inbox_notify(user=world.people.a_officer, title="备案已通过", category="filing")
        Notification.objects.filter(pk=note.pk).update(title="备案已通过（同一事务中继续写入）")
    assert Notification.objects.get(pk=note.pk).title == "备案已通过（同一事务中继续写入）"
    assert receiver.hits == []


def test_a_broker_outage_never_blocks_the_save_and_the_sweep_sends_later(world, receiver, monkeypatch):
    channel = robot(world, receiver)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    with monkeypatch.context() as patch:
        patch.setattr(jobs.send_delivery, "apply_async", broker_down)
        note = notify(world.people.a_officer, title="备案已通过", category="filing")
    assert Notification.objects.filter(pk=note.pk).exists()
    assert MessengerDelivery.objects.get(channel=channel).status == Status.PENDING

    MessengerDelivery.objects.update(created_at=MessengerDelivery.objects.get().created_at - dt.timedelta(minutes=6))
    assert jobs.sweep_deliveries() == {"requeued": 1, "expired": 0}
    assert MessengerDelivery.objects.get(channel=channel).status == Status.SENT
    assert len(receiver.accepted()) == 1


def test_a_rolled_back_action_sends_nothing(world, receiver):
    robot(world, receiver)
    with pytest.raises(RuntimeError), transaction.atomic():
        inbox_notify(user=world.people.a_officer, title="不会发出", category="notice")
        raise RuntimeError("the action fails after notifying")
    assert receiver.hits == []
    assert MessengerDelivery.objects.count() == 0


def test_only_the_recipients_unit_and_only_active_robots_receive(world, receiver):
    channel_a = robot(world, receiver)
    robot(world, receiver, unit=world.unit_b, token="tok-b")
    services.messenger_channel_deactivate(actor=world.people.coordinator, channel=channel_a)
    notify(world.people.a_officer, title="给甲单位", category="report")
    notify(world.people.b_officer, title="给乙单位", category="report")
    notify(UserFactory(role="viewer", department=None), title="无单位", category="report")

    assert [p["markdown"]["title"] for p in receiver.accepted()] == ["给乙单位"]
    assert [h.query["access_token"] for h in receiver.hits] == [["tok-b"]]
