"""progress.services.notices."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from progress import services
from progress.models import SupervisionNotice

from ..conftest import pdf

pytestmark = pytest.mark.django_db


def test_notice_issue_reply_close_and_follow_up(world):
    due = dt.date.today() + dt.timedelta(days=5)
    with pytest.raises(PermissionDenied):
        services.notice_issue(actor=world.leader, assignment=world.other_a, reason="x", reply_due=due)
    with pytest.raises(ValidationError) as excinfo:
        services.notice_issue(actor=world.coordinator, assignment=world.other_a, reason="",
                              reply_due=dt.date(2020, 1, 1))
    assert set(excinfo.value.message_dict) == {"reason", "reply_due"}
    notice = services.notice_issue(actor=world.coordinator, assignment=world.other_a,
                                   reason="连续两期未报送进展。", reply_due=due)
    second = services.notice_issue(actor=world.coordinator, assignment=world.lead_a, reason="请说明。", reply_due=due)
    assert second.seq == notice.seq + 1 and notice.number.startswith("渝中托育督〔")
    with pytest.raises(PermissionDenied):
        services.notice_reply(actor=world.officer, notice=notice, text="x")  # not the unit noticed
    notice = services.notice_reply(actor=world.other_officer, notice=notice, text="已整改。", files=[pdf()])
    assert notice.state == "answered" and notice.files.count() == 1
    with pytest.raises(services.StateConflict):
        services.notice_reply(actor=world.other_leader, notice=notice, text="再答复")
    follow = services.notice_issue(actor=world.coordinator, assignment=world.other_a, reason="整改不到位。",
                                   reply_due=due, follow_up_of=notice)
    notice.refresh_from_db()
    assert notice.state == "closed" and follow.number in notice.close_comment
    services.notice_close(actor=world.coordinator, notice=follow, comment="已办结。")
    assert SupervisionNotice.objects.get(pk=follow.pk).state == "closed"


