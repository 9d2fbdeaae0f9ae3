"""Task 8's registration-authority rule; 58号文 class limits; required materials."""
from types import SimpleNamespace as C

import pytest
from django.core.exceptions import ValidationError

from institutions import rules


@pytest.mark.parametrize(
    ("nature", "legal_form", "authority"),
    [
        ("non_profit", "public_institution", "区委编办"),
        ("non_profit", "social_organisation", "区民政局"),
        ("for_profit", "enterprise", "区市场监管局"),
    ],
)
def test_each_kind_has_its_authority(nature, legal_form, authority):
    assert rules.required_authority(nature=nature, legal_form=legal_form) == authority
    assert rules.required_authority(nature=nature, legal_form=legal_form, authority_name=authority) == authority


def test_authority_contradicting_the_nature_is_refused():
    with pytest.raises(ValidationError) as info:
        rules.required_authority(nature="for_profit", legal_form="enterprise", authority_name="区民政局")
    assert info.value.messages == ["登记机关与机构性质矛盾：营利性企业应在区市场监管局登记，不能在区民政局登记。"]


@pytest.mark.parametrize("legal_form", ["public_institution", "social_organisation"])
def test_for_profit_must_be_an_enterprise(legal_form):
    with pytest.raises(ValidationError) as info:
        rules.required_authority(nature="for_profit", legal_form=legal_form)
    assert "营利性托育机构应登记为企业" in info.value.messages[0]


def test_non_profit_cannot_be_an_enterprise():
    with pytest.raises(ValidationError) as info:
        rules.required_authority(nature="non_profit", legal_form="enterprise")
    assert "非营利性托育机构应为事业单位" in info.value.messages[0]


def test_classes_within_limits_have_no_warning():
    classes = [C(kind="infant", children=10, caregivers=4), C(kind="toddler", children=15, caregivers=3),
               C(kind="preschool", children=20, caregivers=3), C(kind="mixed", children=18, caregivers=2)]
    assert rules.class_warnings(classes) == []


@pytest.mark.parametrize(
    ("kind", "children", "caregivers", "expected"),
    [
        ("infant", 11, 4, "收托11人，超过每班10人的上限"),
        ("infant", 9, 2, "低于1:3的配比（9名婴幼儿至少需要3人）"),
        ("toddler", 16, 4, "超过每班15人的上限"),
        ("toddler", 11, 2, "低于1:5的配比（11名婴幼儿至少需要3人）"),
        ("preschool", 21, 3, "超过每班20人的上限"),
        ("preschool", 15, 2, "低于1:7的配比（15名婴幼儿至少需要3人）"),
        ("mixed", 19, 5, "超过每班18人的上限"),
    ],
)
def test_each_limit_of_58_hao_wen(kind, children, caregivers, expected):
    (warning,) = rules.class_warnings([C(kind=kind, children=children, caregivers=caregivers)])
    assert expected in warning and warning.startswith("第1个班")


def test_premises_lease_shorter_than_three_years():
    assert rules.premises_warnings(ownership="leased", lease_years=2)
    assert rules.premises_warnings(ownership="leased", lease_years=3) == []
    assert rules.premises_warnings(ownership="owned", lease_years=None) == []


def test_required_materials():
    assert rules.required_documents(kind="new", serves_meals=False) == list(rules.NEW_FILING_DOCUMENTS)
    assert rules.required_documents(kind="new", serves_meals=True)[-1] == rules.DOC_FOOD
    assert rules.required_documents(kind="cancel", serves_meals=True) == []
