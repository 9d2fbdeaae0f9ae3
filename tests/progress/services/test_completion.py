"""progress.services.completion."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from progress import services
from progress.models import AssignmentCompletion

pytestmark = pytest.mark.django_db


def test_completion_claim_and_acceptance(world):
    with pytest.raises(ValidationError):
        services.completion_claim(actor=world.other_officer, assignment=world.other_a, note="")
    claim = services.completion_claim(actor=world.other_officer, assignment=world.other_a, note="已完成。")
    with pytest.raises(services.StateConflict):
        services.completion_claim(actor=world.other_leader, assignment=world.other_a, note="再报")
    with pytest.raises(PermissionDenied):  # the lead unit's officer does not accept
        services.completion_accept(actor=world.officer, completion=claim)
    accepted = services.completion_accept(actor=world.leader, completion=claim, comment="同意。")
    assert accepted.state == "accepted" and accepted.decided_by == world.leader
    with pytest.raises(services.StateConflict):
        services.completion_reject(actor=world.coordinator, completion=claim, reason="x")
    own = services.completion_claim(actor=world.officer, assignment=world.lead_a, note="牵头工作完成。")
    with pytest.raises(PermissionDenied):  # a lead unit does not accept its own part
        services.completion_accept(actor=world.leader, completion=own)
    rejected = services.completion_reject(actor=world.coordinator, completion=own, reason="尚缺总结。")
    assert rejected.state == "rejected"
    again = services.completion_claim(actor=world.officer, assignment=world.lead_a, note="已补总结。")
    assert AssignmentCompletion.objects.filter(assignment=world.lead_a).count() == 2 and again.state == "claimed"


