"""The regulation registry's pages and indicators cost a fixed number of queries whatever the
data size: measured on the scale generator's data at two sizes (3 institutions with 30 staff and
12 inspections; 12 institutions with 330 staff and 132 inspections)."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from institutions.models import Institution
from regulation import indicators, scale
from tests.factories import InstitutionFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db

INDICATORS = ("inspection_coverage_rate", "rectification_on_time_rate", "health_certificate_valid_rate")


def _grow(institutions: int, staff: int, inspections: int, seed: int) -> None:
    for _n in range(institutions):
        InstitutionFactory(name=f"{scale.MARK}托育{Institution.objects.count()}", status="filed",
                           filed_on=DAY.replace(month=1))
    scale.generate(staff=staff, inspections=inspections, seed=seed, today=DAY)


def _count(do) -> int:
    with CaptureQueriesContext(connection) as ctx:
        do()
    return len(ctx.captured_queries)


def _costs(client, institution) -> dict[str, int]:
    pages = {
        "inspections": reverse("regulation:inspections"),
        "overdue": reverse("regulation:overdue"),
        "institution": reverse("regulation:institution", args=[institution.pk]),
        "staff": reverse("regulation:staff", args=[institution.pk]),
    }
    for url in pages.values():  # a first visit's session bookkeeping is not the page's cost
        client.get(url)
    costs = {}
    for name, url in pages.items():
        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, url
        costs[name] = _count(get)
    for name in INDICATORS:
        costs[name] = _count(lambda name=name: getattr(indicators, name)(DAY))
    return costs


def test_fixed_query_counts_at_two_sizes(users):
    client = Client()
    client.force_login(users["coordinator"])
    _grow(3, 30, 12, seed=1)
    first_institution = Institution.objects.order_by("pk").first()
    small = _costs(client, first_institution)
    _grow(9, 300, 120, seed=2)
    large = _costs(client, first_institution)
    assert first_institution.staff.count() > 30  # the page's institution really grew
    assert small == large, (small, large)
    assert all(large[name] == 1 for name in INDICATORS)
