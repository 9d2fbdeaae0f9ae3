"""Every model of the registry has an admin page with Chinese names that loads."""
import pytest
from django.contrib import admin
from django.urls import reverse

from institutions.models import (
    Filing,
    FilingClass,
    FilingCorrection,
    FilingDocument,
    HolidayDay,
    HolidayYear,
    Institution,
    ReceiptCounter,
    Registration,
    RosterImport,
)
from tests.factories import FilingDocumentFactory, HolidayDayFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db
MODELS = [Institution, Registration, Filing, FilingDocument, FilingCorrection, ReceiptCounter, HolidayDay,
          HolidayYear, RosterImport]


def test_every_model_is_registered_with_chinese_names():
    for model in [*MODELS, FilingClass]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(model._meta.verbose_name)), model
    for model in MODELS:
        assert model in admin.site._registry, model


def test_changelists_and_change_pages_load(client, plan_2020):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True, role="coordinator",
                            department__name="区卫生健康委")
    client.force_login(superuser)
    registration = RegistrationFactory()
    document = FilingDocumentFactory(filing__institution=registration.institution)
    HolidayDayFactory(date="2027-02-08", kind="off", name="春节")
    for model in MODELS:
        url = reverse(f"admin:institutions_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "托育"})
        assert response.status_code == 200, url
    for obj in (registration.institution, registration, document.filing, document):
        url = reverse(f"admin:institutions_{obj._meta.model_name}_change", args=[obj.pk])
        assert client.get(url).status_code == 200, url
