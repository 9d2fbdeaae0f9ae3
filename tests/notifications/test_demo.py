"""The demo builder: today's digests for the demo people, idempotent."""
import datetime as dt
from io import StringIO

import pytest

from notifications import demo
from notifications.models import Digest, Notification
from tests.conftest import on_day
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the digests' e-mails go out after commit


@on_day(dt.date(2026, 12, 2))  # the world's plan is in force from 2026-01-05
def test_demo_builds_today_s_digests_once(world):
    UserFactory(username="demo-officer", role="officer", department=world.unit_a, email="demo@example.gov.cn")
    out = StringIO()
    demo.build(stdout=out)
    assert "已生成" in out.getvalue() and "的待办提醒" in out.getvalue()
    officer = world.people.a_officer
    assert Digest.objects.filter(recipient=officer).count() == 1
    assert Notification.objects.filter(recipient__username="demo-officer", category="general").count() == 1
    counts = (Digest.objects.count(), Notification.objects.count())
    again = StringIO()
    demo.build(stdout=again)
    assert "跳过" in again.getvalue()
    assert counts == (Digest.objects.count(), Notification.objects.count())


def test_demo_builder_runs_last(settings):
    assert settings.DEMO_DATA_BUILDERS[-1] == "notifications.demo.build"
