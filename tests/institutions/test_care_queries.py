"""The registry's new pages and the indicators cost a fixed number of queries whatever the data size
(two sizes: 2 institutions × 2 months and 9 institutions × 7 months of enrolment)."""
import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions import indicators
from institutions.models import EnrolmentReport
from institutions.services import quality
from institutions.standards_path import TEMPLATE
from tests.conftest import on_day
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2026, 11, 28)


def _build(count: int, months: int, coordinator):
    made = []
    for n in range(count):
        institution = InstitutionFactory(status="filed", registered_on=D(2025, 1, 1), filed_on=D(2025, 2, 1),
                                         capacity=50, is_inclusive=n % 2 == 0, inclusive_from=D(2025, 3, 1),
                                         inclusive_places=20)
        for m in range(months):
            EnrolmentReport.objects.create(institution=institution, period=D(2026, 11 - m, 1), toddler=20 + m,
                                           children=20 + m, reported_at=dt.datetime(2026, 11 - m, 20, 2, tzinfo=dt.UTC))
        made.append(institution)
    if not quality.QualityStandard.objects.exists():
        quality.quality_standard_load(actor=None, text=TEMPLATE.read_text(encoding="utf-8"))
    quality.assessment_start(institution=made[0], actor=coordinator)
    return made


def _count(do) -> int:
    with CaptureQueriesContext(connection) as ctx:
        do()
    return len(ctx.captured_queries)


def _costs(client, institution, assessment_pk) -> dict[str, int]:
    pages = {
        "utilisation": reverse("institutions:utilisation") + "?on=2026-11-28",
        "enrolment": reverse("institutions:enrolment", args=[institution.pk]),
        "quality": reverse("institutions:quality", args=[institution.pk]),
        "assessment": reverse("institutions:assessment", args=[assessment_pk]),
        "detail": reverse("institutions:detail", args=[institution.pk]),
        "directory": reverse("institutions:directory"),
        "queue": reverse("institutions:assessment-queue"),
    }
    costs = {}
    for url in pages.values():  # session bookkeeping of a first visit is not the page's cost
        client.get(url)
    for name, url in pages.items():
        def get(url=url):
            assert client.get(url).status_code == 200
        costs[name] = _count(get)
    for name in ("inclusive_places", "inclusive_share", "utilisation_rate", "assessed_count", "family_point_count"):
        costs[name] = _count(lambda name=name: getattr(indicators, name)(DAY))
    return costs


def test_fixed_query_counts_at_two_sizes(users):
    coordinator = users["coordinator"]
    client = Client()
    client.force_login(coordinator)
    with on_day(DAY):
        small = _build(2, 2, coordinator)
        first = _costs(client, small[0], small[0].assessments.get().pk)
        _build(7, 7, coordinator)
        second = _costs(client, small[0], small[0].assessments.get().pk)
    assert first == second
    assert second["utilisation_rate"] == 1 and second["inclusive_places"] == 1
