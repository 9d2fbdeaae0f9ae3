"""The operator's monthly 在托人数 on the pages: due this month, reported, 家庭托育点 limits shown."""
import datetime as dt

import pytest
from django.urls import reverse

from institutions.models import EnrolmentReport, Institution
from tests.conftest import on_day

pytestmark = pytest.mark.django_db
D = dt.date


def test_operator_reports_this_month_and_sees_the_family_limit(client, operator):
    Institution.objects.filter(pk=operator.institution_id).update(
        status="filed", filed_on=D(2026, 3, 1), category="family", capacity=5)
    client.force_login(operator)
    detail = reverse("institutions:detail", args=[operator.institution_id])
    with on_day(D(2026, 11, 10)):
        assert "2026年11月在托人数<strong>尚未填报</strong>" in client.get(detail).content.decode()
        page = reverse("institutions:enrolment", args=[operator.institution_id])
        response = client.post(page, {"period": "2026-11", "infant": "0", "toddler": "3", "preschool": "3",
                                      "mixed": "0"})
        assert response.status_code == 302
        assert EnrolmentReport.objects.get().children == 6
        body = client.get(page).content.decode()
        assert "超过《家庭托育点管理办法（试行）》每个托育点不超过5人的上限" in body
        assert "2026年11月在托人数已填报" in client.get(detail).content.decode()
        response = client.post(page, {"period": "2026-13", "infant": "0", "toddler": "0", "preschool": "0",
                                      "mixed": "0"})
        assert response.status_code == 200 and "月份“2026-13”无效" in response.content.decode()
