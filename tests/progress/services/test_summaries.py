"""progress.services.summaries."""
import pytest
from django.core.exceptions import PermissionDenied

from progress import services

from ..conftest import period

pytestmark = pytest.mark.django_db




def test_lead_unit_writes_one_summary_per_period(world):
    p = period(world.plan, 2026, 11)
    first = services.lead_summary_save(actor=world.officer, task=world.task, period=p, text="两家单位均已报送。")
    second = services.lead_summary_save(actor=world.leader, task=world.task, period=p, text="修订：两家单位均已报送并通过。")
    assert first.pk == second.pk and second.text.startswith("修订") and second.department == world.lead
    with pytest.raises(PermissionDenied):
        services.lead_summary_save(actor=world.other_officer, task=world.task, period=p, text="x")


