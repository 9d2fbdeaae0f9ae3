"""The operator meets the class-size limits of 国卫人口发〔2019〕58号 itself: a
warning naming the class when it saves its 备案书, a refusal naming the class
when it submits. The limits are the coordinator's table (institutions.rules)."""
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from institutions import rules, services
from institutions.models import Filing

from .conftest import complete_filing

pytestmark = pytest.mark.django_db

LIMITS = {"infant": ("乳儿班", 10), "toddler": ("托小班", 15), "preschool": ("托大班", 20), "mixed": ("混合班", 18)}


def _post_classes(client, filing, kind, children):
    return client.post(reverse("institutions:filing-edit", args=[filing.pk]), {
        "principal_name": "刘园长", "contact_phone": "023-63000000", "address": "解放碑街道民族路1号",
        "capacity": "60", "service_full_day": "on", "premises_ownership": "owned",
        "classes-TOTAL_FORMS": "2", "classes-INITIAL_FORMS": "0", "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "30",
        "classes-0-kind": "preschool", "classes-0-children": "20", "classes-0-caregivers": "3",
        "classes-1-kind": kind, "classes-1-children": str(children), "classes-1-caregivers": "6",
        "commitment": "on",
    }, follow=True)


def _warnings(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "warning"]


def test_the_coordinators_limits_are_the_58_hao_wen_table():
    assert {k: s.max_children for k, s in rules.CLASS_STANDARDS.items()} == {k: n for k, (_, n) in LIMITS.items()}


@pytest.mark.parametrize("kind", list(LIMITS))
def test_saving_an_oversized_class_warns_naming_the_class(client, operator, kind):
    name, limit = LIMITS[kind]
    filing = services.filing_start(institution=operator.institution, kind="new", actor=operator)
    client.force_login(operator)
    response = _post_classes(client, filing, kind, limit + 2)
    assert response.redirect_chain[-1][0] == reverse("institutions:filing-detail", args=[filing.pk])
    assert filing.classes.filter(kind=kind, children=limit + 2).exists()  # saved: a warning, not a refusal
    warnings = _warnings(response)
    assert warnings == [f"第2个班（{rules.CLASS_STANDARDS[kind].label}）收托{limit + 2}人，超过每班{limit}人的上限，"
                        "提交备案前须调整班级设置。"]
    assert name in warnings[0] and warnings[0] in response.content.decode()
    # Within the limit: no warning.
    response = _post_classes(client, filing, kind, limit)
    assert _warnings(response) == [] and filing.classes.filter(children=limit).exists()


def test_submitting_with_an_oversized_class_is_refused_naming_it(client, operator):
    filing = complete_filing(operator.institution)
    filing.classes.all().delete()
    filing.classes.create(kind="infant", children=12, caregivers=4, position=1)
    with pytest.raises(ValidationError) as refused:
        services.filing_submit(filing=filing, actor=operator)
    assert "第1个班（乳儿班（6–12个月））收托12人，超过每班10人的上限，请调整班级设置后再提交。" in refused.value.messages
    filing.refresh_from_db()
    assert filing.status == Filing.Status.DRAFT
    # The page says the same, and nothing is submitted.
    client.force_login(operator)
    response = client.post(reverse("institutions:filing-submit", args=[filing.pk]), follow=True)
    assert "乳儿班（6–12个月））收托12人" in response.content.decode()
    assert Filing.objects.get(pk=filing.pk).status == Filing.Status.DRAFT
    # Following the advice: ten children, and the filing goes in.
    filing.classes.update(children=10)
    assert services.filing_submit(filing=filing, actor=operator).status == Filing.Status.SUBMITTED
