"""The public directory (信息公示) shows each institution's complaints received / closed —
never who complained — in a fixed number of queries."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulation.models import Complaint
from tests.factories import InstitutionFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db


def complain(institution, n: int, *, closed: bool = False) -> None:
    Complaint.objects.create(
        institution=institution, category=Complaint.Category.values[0], text=f"投诉内容{n}",
        contact_name=f"投诉人甲{n}", contact_phone=f"1390000{n:04d}", source_hash=f"h{n}",
        state=Complaint.State.CLOSED if closed else Complaint.State.RECEIVED,
        closed_on=DAY if closed else None,
    )


def cell_of(page: str, name: str) -> str:
    row = next(r for r in page.split("<tr>") if f">{name}</a>" in r)
    return re.search(r'<td class="complaints">(.*?)</td>', row).group(1)


def test_directory_shows_counts_never_the_complainant(reg):
    complain(reg.inst, 1)
    complain(reg.inst, 2, closed=True)
    complain(reg.inst, 3, closed=True)
    page = Client().get(reverse("institutions:directory")).content.decode()
    assert cell_of(page, "小星星托育中心") == "3 / 2"
    assert cell_of(page, "别家托育园") == "0 / 0"
    assert "投诉人甲" not in page and "1390000" not in page and "投诉内容" not in page


def test_fixed_queries_at_two_sizes(reg):
    client = Client()
    url = reverse("institutions:directory")
    complain(reg.inst, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(20):
        institution = InstitutionFactory(status="filed", filed_on=DAY.replace(month=2))
        complain(institution, 100 + n, closed=n % 2 == 0)
        complain(institution, 200 + n)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert page.count('<td class="complaints">2 / 1</td>') == 10
    assert len(small) == len(large)
