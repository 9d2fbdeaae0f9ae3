"""institutions.services.registrations: recording registrations, flags, operator accounts."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agencies.models import Department
from audit.models import ObjectChange
from audit.selectors import changes_for
from institutions import services
from institutions.models import Institution, Registration
from tests.factories import UserFactory, credit_code

pytestmark = pytest.mark.django_db


def _street(name="解放碑街道办事处"):
    return Department.objects.get(name=name)


def _register(actor, **overrides):
    data = dict(
        actor=actor, name="阳光宝贝托育中心", credit_code=credit_code(501), nature="for_profit",
        legal_form="enterprise", street=_street(), address="渝中区解放碑民权路1号",
        capacity=80, service_types=["full_day", "hourly"],
    )
    data.update(overrides)
    return services.registration_record(**data)


# --- registrations ------------------------------------------------------------------------


def test_registrar_records_a_registration_and_it_is_pushed(users):
    registration = _register(users["registrar"])
    inst = registration.institution
    assert inst.status == Institution.Status.REGISTERED
    assert inst.registration_authority.name == "区市场监管局"
    assert registration.authority == inst.registration_authority and registration.pushed_at
    assert inst.service_types == ["full_day", "hourly"]
    assert changes_for(inst)[0].action == ObjectChange.Action.CREATE
    assert "推送区卫生健康委" in changes_for(registration)[0].comment


def test_registrar_cannot_register_outside_its_authority(users):
    with pytest.raises(ValidationError) as info:
        _register(users["registrar"], nature="non_profit", legal_form="social_organisation")
    assert "应在区民政局登记，不能在区市场监管局登记" in info.value.message_dict["legal_form"][0]
    with pytest.raises(ValidationError) as info:
        _register(users["registrar"], registration_authority=Department.objects.get(name="区民政局"))
    assert "不是您所在的单位" in info.value.message_dict["registration_authority"][0]
    assert not Institution.objects.exists() and not Registration.objects.exists()


def test_contradiction_of_nature_and_form_is_refused(users):
    with pytest.raises(ValidationError) as info:
        _register(users["coordinator"], nature="for_profit", legal_form="public_institution")
    assert "营利性托育机构应登记为企业" in info.value.message_dict["legal_form"][0]


def test_coordinator_registration_takes_the_authority_from_the_rule(users):
    registration = _register(users["coordinator"], nature="non_profit", legal_form="public_institution",
                             credit_code=credit_code(9, prefix="12500103"))
    assert registration.authority.name == "区委编办"


def test_bad_and_duplicate_codes_and_non_street(users):
    with pytest.raises(ValidationError) as info:
        _register(users["registrar"], credit_code="914403001922038217")
    assert "校验位错误" in info.value.message_dict["credit_code"][0]
    _register(users["registrar"])
    with pytest.raises(ValidationError) as info:
        _register(users["registrar"], name="另一家")
    assert "已登记，不能重复登记" in info.value.message_dict["credit_code"][0]
    with pytest.raises(ValidationError) as info:
        _register(users["registrar"], credit_code=credit_code(777), street=Department.objects.get(name="区教委"))
    assert "不是渝中区的街道办事处" in info.value.message_dict["street"][0]


def test_registrar_may_not_set_health_commission_flags(users):
    with pytest.raises(ValidationError) as info:
        _register(users["registrar"], is_demonstration=True)
    assert "由区卫生健康委认定" in info.value.message_dict["is_demonstration"][0]


def test_other_roles_cannot_register(users):
    with pytest.raises(ValidationError):
        _register(users["officer"])


# --- filing workflow ----------------------------------------------------------------------


def test_flags_and_operator_link(users, operator):
    inst = operator.institution
    with pytest.raises(PermissionDenied):
        services.institution_update_flags(institution=inst, actor=users["registrar"], is_inclusive=True,
                                          is_demonstration=True)
    inst = services.institution_update_flags(institution=inst, actor=users["coordinator"], is_inclusive=True,
                                             is_demonstration=True, demonstration_on=dt.date(2020, 11, 30))
    assert inst.demonstration_on == dt.date(2020, 11, 30)
    assert "示范性" in changes_for(inst)[0].changes
    fresh = UserFactory(role="operator", department=None)
    services.operator_link(user=fresh, institution=inst, actor=users["coordinator"])
    fresh.refresh_from_db()
    assert fresh.institution == inst
    with pytest.raises(ValidationError):
        services.operator_link(user=users["officer"], institution=inst, actor=users["coordinator"])
