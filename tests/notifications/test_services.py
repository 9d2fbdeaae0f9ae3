"""inbox_notify and read marking: the inbox API other apps call."""
import pytest

from notifications.models import Notification
from notifications.selectors import unread_count
from notifications.services import inbox_notify, notification_mark_read, notifications_mark_all_read
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_inbox_notify_creates_an_unread_message():
    user = UserFactory()
    note = inbox_notify(user=user, title="进展报告已退回", body="请修改后重新提交。", url="/tasks/1/", category="report")
    assert isinstance(note, Notification)
    assert (note.recipient, note.title, note.body, note.url, note.category) == (
        user, "进展报告已退回", "请修改后重新提交。", "/tasks/1/", "report"
    )
    assert note.read_at is None
    assert unread_count(user) == 1


def test_inbox_notify_defaults_and_clips_long_titles():
    user = UserFactory()
    note = inbox_notify(user=user, title="长" * 500)
    assert note.category == "general" and note.body == "" and note.url == ""
    assert len(note.title) == 200 and note.title.endswith("…")


def test_inbox_notify_is_keyword_only_and_needs_a_saved_user():
    with pytest.raises(TypeError):
        inbox_notify(UserFactory(), "标题")  # noqa
    with pytest.raises(ValueError):
        inbox_notify(user=None, title="x")


def test_mark_read_only_own_and_mark_all():
    alice, bob = UserFactory(), UserFactory()
    a1 = inbox_notify(user=alice, title="一")
    inbox_notify(user=alice, title="二")
    b1 = inbox_notify(user=bob, title="三")
    notification_mark_read(user=alice, notification=a1)
    assert unread_count(alice) == 1
    with pytest.raises(PermissionError):
        notification_mark_read(user=alice, notification=b1)
    assert notifications_mark_all_read(user=alice) == 1
    assert unread_count(alice) == 0 and unread_count(bob) == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/x", "data:text/html,x", "tasks/1/"])
def test_inbox_notify_refuses_links_that_are_not_pages(url):
    with pytest.raises(ValueError):
        inbox_notify(user=UserFactory(), title="x", url=url)


def test_inbox_notify_accepts_paths_and_web_addresses():
    user = UserFactory()
    assert inbox_notify(user=user, title="x", url="/progress/reports/3/").url == "/progress/reports/3/"
    assert inbox_notify(user=user, title="x", url="https://portal.example.gov.cn/x").url.startswith("https://")
