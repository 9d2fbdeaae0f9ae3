"""The inbox pages: login required, only one's own messages (others' → 404),
mark read, mark all read, the unread count in the header (one query)."""
import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import delivery
from notifications.context_processors import unread
from notifications.models import Notification
from notifications.services import inbox_notify
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return UserFactory(username="alice", role="officer", full_name="李填报")


@pytest.fixture
def bob():
    return UserFactory(username="bob", role="coordinator", full_name="王督办", is_superuser=True)


@pytest.mark.parametrize("name,args", [("notifications:inbox", []), ("notifications:detail", [1])])
def test_anonymous_is_sent_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_anonymous_cannot_mark_read(client, alice):
    note = NotificationFactory(recipient=alice)
    response = client.post(reverse("notifications:mark-read", args=[note.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    note.refresh_from_db()
    assert note.read_at is None


def test_inbox_lists_only_own_messages(client, alice, bob):
    inbox_notify(user=alice, title="您的报告已退回")
    inbox_notify(user=bob, title="督办管理员的消息")
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "您的报告已退回" in page and "督办管理员的消息" not in page


@pytest.mark.parametrize("method,name", [("get", "notifications:detail"), ("post", "notifications:mark-read")])
def test_someone_elses_message_is_a_404_even_for_a_superuser(client, alice, bob, method, name):
    note = inbox_notify(user=alice, title="私人消息")
    client.force_login(bob)
    response = getattr(client, method)(reverse(name, args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_opening_a_message_marks_it_read(client, alice):
    note = inbox_notify(user=alice, title="进展报告已退回", body="请补充佐证材料。", url="/tasks/1/")
    client.force_login(alice)
    page = client.get(reverse("notifications:detail", args=[note.pk])).content.decode()
    assert "请补充佐证材料。" in page and 'href="/tasks/1/"' in page and "前往处理" in page
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_and_mark_all_read(client, alice):
    first = inbox_notify(user=alice, title="一")
    inbox_notify(user=alice, title="二")
    inbox_notify(user=alice, title="三")
    client.force_login(alice)
    response = client.post(reverse("notifications:mark-read", args=[first.pk]), {"next": "/notifications/?unread=1"})
    assert response.status_code == 302 and response.url == "/notifications/?unread=1"
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 2
    unread_page = client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    assert "<a href=\"/notifications/%d/\">一</a>" % first.pk not in unread_page
    response = client.post(reverse("notifications:mark-all-read"), {"next": "https://evil.example/"})
    assert response.url == reverse("notifications:inbox")  # no open redirect
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_mark_read_needs_post(client, alice):
    note = inbox_notify(user=alice, title="一")
    client.force_login(alice)
    assert client.get(reverse("notifications:mark-read", args=[note.pk])).status_code == 405
    assert client.get(reverse("notifications:mark-all-read")).status_code == 405


def test_header_shows_the_unread_count_and_the_inbox_link(client, alice):
    for n in range(3):
        inbox_notify(user=alice, title=f"消息{n}")
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert f'href="{reverse("notifications:inbox")}">消息<span class="badge"' in page
    assert '<span class="badge">3<span class="visually-hidden">条未读</span></span>' in page


def test_no_badge_without_unread_messages(client, alice):
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "消息" in page and 'class="badge"' not in page


def test_unread_count_costs_one_query_and_only_when_shown(rf, alice):
    NotificationFactory.create_batch(5, recipient=alice)
    request = rf.get("/")
    request.user = alice
    with CaptureQueriesContext(connection) as ctx:
        context = unread(request)
    assert len(ctx) == 0  # lazy: pages that do not show it pay nothing
    with CaptureQueriesContext(connection) as ctx:
        assert int(context["unread_notifications"]) == 5 and str(context["unread_notifications"]) == "5"
    assert len(ctx) == 1


def test_a_digest_page_lists_its_items_with_links(client, django_capture_on_commit_callbacks):
    from .conftest import make_world

    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        delivery.reminders_run(on=dt.date(2026, 11, 28))
    note = Notification.objects.get(recipient=world.people.coordinator)
    client.force_login(world.people.coordinator)
    page = client.get(reverse("notifications:detail", args=[note.pk])).content.decode()
    assert "各单位逾期事项（升级至督办管理员）" in page
    from notifications.links import Links

    assert f'href="{Links().report(assignment_id=world.resp.pk, task_id=world.task.pk)}"' in page
    assert len(mail.outbox) == 6


def test_every_role_has_an_inbox(client):
    for role in ("coordinator", "officer", "leader", "viewer", "registrar", "operator"):
        user = UserFactory(role=role, department=None)
        client.force_login(user)
        assert client.get(reverse("notifications:inbox")).status_code == 200, role


def test_a_next_that_looks_like_a_view_name_is_just_a_relative_address(client, alice):
    inbox_notify(user=alice, title="一")
    client.force_login(alice)
    response = client.post(reverse("notifications:mark-all-read"), {"next": "inbox"})
    assert response.status_code == 302 and response.url == "inbox"
