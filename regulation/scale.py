"""Regulation's part of the city-scale dataset (reports/scale.py builds the rest): staff
and inspections over the 【规模】 institutions, written with bulk_create in large batches,
bypassing the services on purpose (generated data, not activity). Deterministic for a seed.
Run after `generate_scale_data`; the integrator may call `generate` from that command."""
from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from accounts.models import User
from accounts.roles import COORDINATES
from institutions.models import Institution

from . import personid
from .models import Finding, Inspection, StaffMember
from .units import inspection_units_ensure

BATCH = 5000
MARK = "【规模】"
POSTS = [p.value for p in StaffMember.Post]
KINDS = [k.value for k in Inspection.Kind]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
PROBLEMS = ["消毒记录不全", "灭火器过期", "晨检记录缺失", "食品留样不规范", "安全通道堵塞", "药品柜未上锁"]


@transaction.atomic
def generate(*, staff: int = 200_000, inspections: int = 50_000, seed: int = 1, today: dt.date,
             stdout=None) -> dict:
    rng = random.Random(seed)
    institutions = list(Institution.objects.filter(name__contains=MARK).values_list("pk", flat=True).order_by("pk"))
    actor = User.objects.filter(role__in=COORDINATES).order_by("pk").first()
    if not institutions or actor is None:
        return {"staff": 0, "inspections": 0}
    units = [u.pk for u in inspection_units_ensure()]
    rows = []
    for n in range(staff):
        # A distinct person per row (birth date from n // 1000, sequence n % 1000): no false "works elsewhere".
        born = dt.date(1970, 1, 1) + dt.timedelta(days=(n // 1000) * 37 % 12000)
        number = personid.make(f"500103{born:%Y%m%d}{n % 1000:03d}")
        started = today - dt.timedelta(days=rng.randint(30, 2000))
        rows.append(StaffMember(
            institution_id=institutions[n % len(institutions)], name=rng.choice(SURNAMES) + f"某{n}",
            post=rng.choice(POSTS), person_hash=personid.person_hash(number), person_masked=personid.mask(number),
            health_expires=today + dt.timedelta(days=rng.randint(-60, 365)), started_on=started,
            ended_on=started + dt.timedelta(days=rng.randint(30, 900)) if rng.random() < 0.15 else None,
            recorded_by=actor,
        ))
        if len(rows) >= BATCH:
            StaffMember.objects.bulk_create(rows)
            rows = []
    StaffMember.objects.bulk_create(rows)
    made = []
    for n in range(inspections):
        made.append(Inspection(institution_id=institutions[n % len(institutions)], unit_id=rng.choice(units),
                               inspected_on=today - dt.timedelta(days=rng.randint(0, 1500)), kind=rng.choice(KINDS),
                               inspectors=f"{MARK}检查组{n % 50}", recorded_by=actor))
    created = []
    for start in range(0, len(made), BATCH):
        created.extend(Inspection.objects.bulk_create(made[start:start + BATCH]))
    findings = []
    for inspection in created:
        for position in range(1, rng.randint(1, 3) + 1):
            deadline = inspection.inspected_on + dt.timedelta(days=rng.randint(5, 30))
            closed = rng.random() < 0.8 and deadline < today
            findings.append(Finding(
                inspection_id=inspection.pk, position=position, description=rng.choice(PROBLEMS), deadline=deadline,
                state=Finding.State.CLOSED if closed else Finding.State.OPEN,
                closed_on=deadline - dt.timedelta(days=rng.randint(0, 4)) if closed else None,
            ))
        if len(findings) >= BATCH:
            Finding.objects.bulk_create(findings)
            findings = []
    Finding.objects.bulk_create(findings)
    if stdout is not None:
        stdout.write(f"监管规模数据：从业人员 {staff}，监督检查 {inspections}。")
    return {"staff": staff, "inspections": inspections}
