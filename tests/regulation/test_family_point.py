"""The inspection side of the 家庭托育点 rules: its regulation page shows what breaks ≤ 5 children
and a carer per 3, from the latest monthly enrolment and the 保育人员 employed that day."""
from __future__ import annotations

import datetime as dt

from django.urls import reverse

from institutions.models import EnrolmentReport
from regulation.models import StaffMember
from regulation.selectors import family_point_findings

from .conftest import DAY, valid_id

D = dt.date


def _enrol(inst, children):
    EnrolmentReport.objects.create(institution=inst, period=D(2026, 11, 1), toddler=children, children=children,
                                   reported_at=dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc))


def _carer(inst, n, by):
    StaffMember.objects.create(institution=inst, name=f"保育员{n}", post=StaffMember.Post.CAREGIVER,
                               person_hash=f"hash-{n}", person_masked=valid_id(n)[:4] + "*" * 10 + "123X",
                               started_on=D(2026, 1, 1), recorded_by=by)


def test_a_family_point_over_its_limits_is_shown_to_the_inspector(reg, client):
    inst = reg.inst
    inst.category = "family"
    inst.save(update_fields=["category"])
    _enrol(inst, 6)
    _carer(inst, 1, reg.operator)
    problems = family_point_findings(inst, on=DAY)
    assert any("6人" in p and "5人" in p for p in problems)
    assert any("照护人员1人" in p for p in problems)  # 6 children need 2 carers
    client.force_login(reg.coordinator)
    html = client.get(reverse("regulation:institution", args=[inst.pk])).content.decode()
    assert 'id="family-point-check"' in html
    _carer(inst, 2, reg.operator)
    EnrolmentReport.objects.filter(institution=inst).update(children=5, toddler=5)
    assert family_point_findings(inst, on=DAY) == []


def test_an_ordinary_institution_has_no_family_check(reg):
    _enrol(reg.inst, 30)
    assert family_point_findings(reg.inst, on=DAY) == []
