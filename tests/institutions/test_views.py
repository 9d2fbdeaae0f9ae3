"""Every page: anonymous → login, wrong role → 403, out of scope → 404, right user → 200;
the public directory needs no login; list pages cost a fixed number of queries."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from institutions.models import Filing, Institution, Registration
from tests.factories import (
    PDF_BYTES,
    InstitutionFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.institutions.conftest import complete_filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, operator, other_operator, other_institution):
    """Two institutions of different authorities, each with a filing and a document."""
    mine = operator.institution
    # The other institution is a 社会组织 registered at 区民政局.
    other_institution.registration_authority = UserFactory(role="registrar", department__name="区民政局").department
    other_institution.nature, other_institution.legal_form = "non_profit", "social_organisation"
    other_institution.save()
    filing = complete_filing(mine, status="submitted")
    other_filing = complete_filing(other_institution, status="filed", receipt_number="渝中托备〔2026〕009号",
                                   receipt_year=2026, receipt_seq=9)
    RegistrationFactory(institution=mine)
    RegistrationFactory(institution=other_institution)
    return {
        "users": users, "operator": operator, "other_operator": other_operator, "mine": mine,
        "other": other_institution, "filing": filing, "other_filing": other_filing,
        "document": filing.documents.first(), "other_document": other_filing.documents.first(),
    }


def _as(client, user):
    client.force_login(user)
    return client


# (url name, args from world, roles → expected status); "op" = operator of `mine`, "other_op" of `other`.
def _pages(w):
    mine, other, filing, other_filing = w["mine"].pk, w["other"].pk, w["filing"].pk, w["other_filing"].pk
    return [
        ("institutions:list", [], {"coordinator": 200, "viewer": 200, "registrar": 200, "officer": 403, "op": 403}),
        ("institutions:detail", [mine], {"coordinator": 200, "viewer": 200, "registrar": 200, "op": 200,
                                         "other_op": 404, "officer": 403}),
        ("institutions:detail", [other], {"registrar": 404, "op": 404, "coordinator": 200}),
        ("institutions:mine", [], {"op": 302, "coordinator": 403, "registrar": 403}),
        ("institutions:review", [], {"coordinator": 200, "viewer": 200, "registrar": 403, "op": 403, "officer": 403}),
        ("institutions:filing-detail", [filing], {"coordinator": 200, "viewer": 200, "op": 200, "other_op": 404,
                                                  "registrar": 403, "officer": 403}),
        ("institutions:filing-detail", [other_filing], {"op": 404, "other_op": 200}),
        ("institutions:filing-return", [filing], {"coordinator": 200, "viewer": 403, "op": 403}),
        ("institutions:filing-reject", [filing], {"coordinator": 200, "viewer": 403, "op": 403}),
        ("institutions:receipt", [other_filing], {"coordinator": 200, "viewer": 200, "other_op": 200, "op": 404,
                                                  "registrar": 403}),
        ("institutions:receipt", [filing], {"coordinator": 404}),  # not filed yet
        ("institutions:document-download", [w["document"].pk], {"coordinator": 200, "op": 200, "other_op": 404,
                                                                "viewer": 403, "registrar": 403}),
        ("institutions:registrations", [], {"registrar": 200, "coordinator": 200, "viewer": 200, "op": 403,
                                            "officer": 403}),
        ("institutions:registration-create", [], {"registrar": 200, "coordinator": 200, "viewer": 403, "op": 403}),
        ("institutions:roster-import", [], {"registrar": 200, "coordinator": 200, "viewer": 403, "op": 403}),
        ("institutions:roster-export", [], {"registrar": 200, "coordinator": 200, "viewer": 200, "op": 403}),
    ]


def _user(w, key):
    return {"op": w["operator"], "other_op": w["other_operator"]}.get(key) or w["users"][key]


def test_permission_matrix_for_every_page(client, world):
    for name, args, expected in _pages(world):
        url = reverse(name, args=args)
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (url, "anonymous")
        for who, status in expected.items():
            response = _as(client, _user(world, who)).get(url)
            assert response.status_code == status, (url, who, response.status_code)


POSTS = [
    ("institutions:filing-start", "mine", {"kind": "change"}),
    ("institutions:flags", "mine", {"is_inclusive": "on"}),
    ("institutions:link-operator", "mine", {}),
    ("institutions:filing-submit", "filing", {}),
    ("institutions:filing-approve", "filing", {}),
    ("institutions:filing-return", "filing", {"fire": "x"}),
    ("institutions:filing-reject", "filing", {"reason": "x"}),
    ("institutions:document-delete", "document", {}),
    ("institutions:document-upload", "filing", {}),
    ("institutions:filing-edit", "filing", {}),
]


def test_actions_refuse_wrong_roles_and_other_institutions(client, world):
    coordinator_only = {"institutions:flags", "institutions:link-operator", "institutions:filing-approve",
                        "institutions:filing-return", "institutions:filing-reject"}
    for name, key, data in POSTS:
        url = reverse(name, args=[world[key].pk])
        client.logout()
        assert client.post(url, data).status_code == 302
        assert _as(client, world["users"]["viewer"]).post(url, data).status_code == 403, name
        assert _as(client, world["users"]["registrar"]).post(url, data).status_code == 403, name
        status = _as(client, world["other_operator"]).post(url, data).status_code
        assert status == (403 if name in coordinator_only else 404), (name, status)
    assert Filing.objects.get(pk=world["filing"].pk).status == "submitted"


def test_registrar_sees_only_its_own_authoritys_registrations(client, world):
    page = _as(client, world["users"]["registrar"]).get(reverse("institutions:registrations"))
    names = {r.institution.name for r in page.context["registrations"]}
    assert names == {world["mine"].name}
    listed = _as(client, world["users"]["registrar"]).get(reverse("institutions:list")).context["institutions"]
    assert {i.pk for i in listed} == {world["mine"].pk}
    export = _as(client, world["users"]["registrar"]).get(reverse("institutions:roster-export") + "?format=csv")
    text = export.content.decode("utf-8-sig")
    assert world["mine"].name in text and world["other"].name not in text


def test_operator_home_lands_on_own_institution(client, world):
    response = _as(client, world["operator"]).get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("institutions:detail", args=[world["mine"].pk])
    unlinked = UserFactory(role="operator", department=None)
    response = _as(client, unlinked).get(reverse("institutions:mine"))
    assert "尚未关联托育机构" in response.content.decode()


def test_download_is_an_attachment_with_nosniff(client, world):
    response = _as(client, world["operator"]).get(reverse("institutions:document-download", args=[world["document"].pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_upload_checks_content_and_shows_the_error_beside_the_field(client, operator):
    filing = complete_filing(operator.institution, documents=())
    client.force_login(operator)
    url = reverse("institutions:document-upload", args=[filing.pk])
    fake = SimpleUploadedFile("场地证明.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(url, {"kind": "premises", "file": fake})
    assert response.status_code == 400
    assert "内容不是允许的类型" in response.context["upload_form"].errors["file"][0]
    assert not filing.documents.exists()
    good = SimpleUploadedFile("场地证明.pdf", PDF_BYTES, content_type="application/pdf")
    assert client.post(url, {"kind": "premises", "file": good}).status_code == 302
    document = filing.documents.get()
    assert document.original_name == "场地证明.pdf" and "场地证明" not in document.file.name


def test_public_directory_needs_no_login_and_shows_no_staff_data(client, world):
    filed = world["other"]
    filed.status = "filed"
    filed.save()
    InstitutionFactory(name="已注销托育园", status="cancelled")
    client.logout()
    response = client.get(reverse("institutions:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    assert filed.name in html and world["mine"].name not in html and "已注销托育园" not in html
    assert filed.credit_code not in html and filed.contact_phone not in html and filed.legal_representative not in html
    street = filed.street
    assert filed.name in client.get(reverse("institutions:directory"), {"street": street.pk}).content.decode()
    other_street = Institution.objects.exclude(street=street).first().street
    assert filed.name not in client.get(reverse("institutions:directory"), {"street": other_street.pk}).content.decode()
    assert filed.name not in client.get(reverse("institutions:directory"), {"service_type": "temporary"}).content.decode()
    assert filed.name in client.get(reverse("institutions:directory"), {"service_type": "full_day", "q": "别家"}).content.decode()


def test_registration_form_errors_beside_fields_and_nothing_saved(client, users, plan_2020):
    client.force_login(users["registrar"])
    response = client.post(reverse("institutions:registration-create"), {
        "name": "新托育园", "credit_code": "914403001922038217", "nature": "non_profit",
        "legal_form": "social_organisation", "street": "", "address": "渝中区某路1号", "capacity": "abc",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert "street" in form.errors and "capacity" in form.errors
    assert not Institution.objects.exists()
    from agencies.models import Department

    street = Department.objects.get(name="大坪街道办事处")
    response = client.post(reverse("institutions:registration-create"), {
        "name": "新托育园", "credit_code": "914403001922038217", "nature": "non_profit",
        "legal_form": "social_organisation", "street": street.pk, "address": "渝中区某路1号", "capacity": "30",
    })
    form = response.context["form"]
    assert "校验位错误" in form.errors["credit_code"][0]
    assert "应在区民政局登记" in form.errors["legal_form"][0]
    assert not Institution.objects.exists()
    response = client.post(reverse("institutions:registration-create"), {
        "name": "新托育园", "credit_code": "914403001922038216", "nature": "for_profit",
        "legal_form": "enterprise", "street": street.pk, "address": "渝中区某路1号", "capacity": "30",
        "service_types": ["full_day"],
    })
    assert response.status_code == 302
    assert Registration.objects.get().institution.registration_authority.name == "区市场监管局"


def _add_rows(n):
    for _ in range(n):
        inst = InstitutionFactory()
        RegistrationFactory(institution=inst)
        complete_filing(inst, status="submitted", documents=())


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    return len(sqls), sum('"institutions_' in sql for sql in sqls)


# The page's own queries on the registry's tables (sessions, accounts, etc. are
# the foundation's per-request cost and are checked only for not growing).
OWN_QUERIES = {
    "institutions:list": 1 + 1,  # count + page (filing status annotated in the same query)
    "institutions:review": 4,  # submitted filings, calendar (its days and loaded years in one), returned, awaiting
    "institutions:registrations": 2,  # count + page
    "institutions:directory": 3,  # total filed, count, page
}


def test_list_pages_cost_a_fixed_number_of_queries(client, users, plan_2020):
    _add_rows(3)
    client.force_login(users["coordinator"])
    urls = {name: reverse(name) for name in OWN_QUERIES}
    for url in urls.values():
        client.get(url)  # warm up: the first request of a session records it
    small = {name: _queries(client, url) for name, url in urls.items()}
    _add_rows(12)
    large = {name: _queries(client, url) for name, url in urls.items()}
    for name, (total, own) in large.items():
        assert (total, own) == small[name], name
        assert own == OWN_QUERIES[name], (name, own)
    client.logout()
    total, own = _queries(client, urls["institutions:directory"])
    assert own == OWN_QUERIES["institutions:directory"] and total <= 4


def test_detail_pages_do_not_grow_with_history(client, users, operator, plan_2020):
    from institutions import services

    filing = complete_filing(operator.institution)
    client.force_login(users["coordinator"])
    urls = [reverse("institutions:detail", args=[operator.institution_id]),
            reverse("institutions:filing-detail", args=[filing.pk])]
    for url in urls:
        client.get(url)  # warm up the session
    before = [_queries(client, url) for url in urls]
    services.filing_submit(filing=filing, actor=operator)
    services.filing_return(filing=filing, actor=users["coordinator"], reasons={"fire": "过期", "basic": "电话有误"})
    services.filing_submit(filing=filing, actor=operator)
    after = [_queries(client, url) for url in urls]
    assert [t for t, _ in after] == [t for t, _ in before]


def test_registrar_reads_the_institution_but_not_its_filing_history(client, world):
    registrar = world["users"]["registrar"]
    response = _as(client, registrar).get(reverse("institutions:detail", args=[world["mine"].pk]))
    comments = " ".join(c.comment for c in response.context["history"])
    assert "上传材料" not in comments and list(response.context["filings"]) == []
    assert "营业执照.pdf" not in response.content.decode()


def test_filing_form_errors_beside_fields_and_nothing_saved(client, operator):
    from institutions import services

    filing = services.filing_start(institution=operator.institution, kind="new", actor=operator)
    client.force_login(operator)
    url = reverse("institutions:filing-edit", args=[filing.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "principal_name": "刘园长", "capacity": "-3", "premises_area": "很大", "contact_phone": "023",
        "classes-TOTAL_FORMS": "1", "classes-INITIAL_FORMS": "0", "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "30", "classes-0-kind": "infant", "classes-0-children": "",
        "classes-0-caregivers": "2", "commitment": "on",
    })
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    assert "capacity" in form.errors and "premises_area" in form.errors
    assert "children" in formset.forms[0].errors
    html = response.content.decode()
    assert 'id="id_capacity"' in html and "errorlist" in html
    filing.refresh_from_db()
    assert filing.capacity == operator.institution.capacity and not filing.commitment_accepted
    assert not filing.classes.exists()
    # A submitted filing cannot be edited: the edit page sends the user back.
    filing.status = "submitted"
    filing.save()
    assert client.get(url).status_code == 302


def test_return_form_requires_a_reason_beside_the_form(client, users, operator):
    filing = complete_filing(operator.institution, status="submitted")
    client.force_login(users["coordinator"])
    url = reverse("institutions:filing-return", args=[filing.pk])
    response = client.post(url, {"fire": "   "})
    assert response.status_code == 200 and "请至少填写一项补正理由。" in response.content.decode()
    filing.refresh_from_db()
    assert filing.status == "submitted"
    assert client.post(url, {"fire": "证明过期"}).status_code == 302
    filing.refresh_from_db()
    assert filing.status == "returned" and filing.corrections.get().reason == "证明过期"


def test_coordinator_recognises_flags_and_links_an_account(client, users, operator):
    institution = operator.institution
    client.force_login(users["coordinator"])
    url = reverse("institutions:flags", args=[institution.pk])
    response = client.post(url, {"is_demonstration": "on", "demonstration_on": "不是日期"})
    assert response.status_code == 200 and "demonstration_on" in response.context["flags_form"].errors
    institution.refresh_from_db()
    assert not institution.is_demonstration
    assert client.post(url, {"is_inclusive": "on", "is_demonstration": "on", "demonstration_on": "2020-11-30"}).status_code == 302
    institution.refresh_from_db()
    assert institution.is_inclusive and str(institution.demonstration_on) == "2020-11-30"

    fresh = UserFactory(username="new-operator", role="operator", department=None)
    url = reverse("institutions:link-operator", args=[institution.pk])
    assert client.post(url, {"user": users["officer"].pk}).status_code == 200  # not offered: form error
    assert client.post(url, {"user": fresh.pk}).status_code == 302
    fresh.refresh_from_db()
    assert fresh.institution == institution


def test_coordinator_can_file_on_the_institutions_behalf(client, users, operator):
    client.force_login(users["coordinator"])
    response = client.post(reverse("institutions:filing-start", args=[operator.institution_id]), {"kind": "new"})
    filing = Filing.objects.get(institution=operator.institution)
    assert response["Location"] == reverse("institutions:filing-edit", args=[filing.pk])
    assert filing.created_by == users["coordinator"]
