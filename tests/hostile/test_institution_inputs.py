"""Hostile input on the registry's forms: registration, the filing's 备案书
(credit code, capacity, classes), the flags, the reviewer's reasons, and the
roster import (.csv and .xlsx with hostile cells: all or nothing, every
problem named by its row number in Chinese)."""
from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from core.xlsx import cell_text
from institutions import forms
from institutions.models import Filing, Institution
from tests.factories import credit_code

from .helpers import (
    CJK,
    assert_clear_refusal,
    assert_escaped,
    form_errors,
    refused_unchanged,
    rolled_back,
    signed_in,
    stored_as_typed,
    table_counts,
)
from .strategies import (
    date_text,
    hostile_text,
    mostly,
    number_text,
    past_date,
    plain_text,
    short_hostile_text,
    small_number,
)

pytestmark = pytest.mark.django_db

# An uploaded roster is kept (RosterImport, its file) for the dry run and the
# confirmation: that row is the upload's own record, not registry data.
ROSTER_RECORD = ("institutions.rosterimport",)


def cases(n: int):
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


_codes = iter(range(500_000, 10_000_000))


def _fresh_code() -> str:
    return credit_code(next(_codes))


credit_code_text = mostly(st.just("fresh"), st.one_of(
    st.just("fresh").map(lambda _: "  " + _fresh_code().lower() + "\u3000"),
    st.just("fresh").map(lambda _: "".join(chr(ord(c) + 0xFEE0) for c in _fresh_code())),  # full width
    st.just("fresh").map(lambda _: _fresh_code()[:17] + "0"),  # wrong check character
    st.just("fresh").map(lambda _: _fresh_code().replace("A", "I")),
    st.sampled_from(["", "91500103MA000001XX", "９１５００１０３", "915001036" * 3, "<script>", "' OR 1=1 --"]),
    short_hostile_text,
))


def _code(text: str) -> str:
    return _fresh_code() if text == "fresh" else text


# ---------------------------------------------------------------- registration


@cases(60)
@given(
    name=mostly(plain_text, hostile_text, one_in=3), code=credit_code_text,
    address=mostly(plain_text, hostile_text, one_in=3), capacity=mostly(small_number(0, 500), number_text, one_in=8),
    registered_on=mostly(st.one_of(st.just(""), past_date()), date_text, one_in=8),
    phone=mostly(plain_text, hostile_text, one_in=8), representative=mostly(plain_text, hostile_text, one_in=8),
    nature=mostly(st.just("for_profit"), st.one_of(st.just("non_profit"), short_hostile_text), one_in=8),
    legal_form=mostly(st.just("enterprise"), st.one_of(st.sampled_from(["social_organisation", "public_institution"]),
                                                        short_hostile_text), one_in=8),
    street=mostly(st.just("street"), number_text, one_in=8),
    services=st.lists(mostly(st.sampled_from(["full_day", "half_day", "hourly", "temporary"]), short_hostile_text,
                             one_in=8), max_size=3),
)
@example(name="星光托育中心", code="fresh", address="渝中区民权路1号", capacity="2147483648", registered_on="",
         phone="", representative="", nature="for_profit", legal_form="enterprise", street="street", services=[])
@example(name="星光托育中心", code="fresh", address="渝中区民权路1号", capacity="99999999999999999999", registered_on="",
         phone="", representative="", nature="for_profit", legal_form="enterprise", street="street", services=[])
@example(name="星光托育中心", code="fresh", address="渝中区民权路1号", capacity="10", registered_on="9999-12-31",
         phone="", representative="", nature="for_profit", legal_form="enterprise", street="street", services=[])
def test_registration_form(registry_world, tried, name, code, address, capacity, registered_on, phone,
                           representative, nature, legal_form, street, services):
    tried()
    world = registry_world
    client = signed_in(world.registrar)
    street_id = str(world.institution.street_id) if street == "street" else street
    body = {
        "name": name, "credit_code": _code(code), "nature": nature, "legal_form": legal_form, "street": street_id,
        "address": address, "capacity": capacity, "registered_on": registered_on, "contact_phone": phone,
        "public_phone": phone, "legal_representative": representative, "service_types": services,
    }

    def case():
        before = table_counts()
        response = client.post(reverse("institutions:registration-create"), body)
        if response.status_code == 302:
            event("accepted")
            institution = Institution.objects.latest("pk")
            assert institution.name == stored_as_typed(name) and institution.address == stored_as_typed(address)
            assert institution.contact_phone == stored_as_typed(phone)
            assert institution.legal_representative == stored_as_typed(representative)
            assert institution.registration_authority_id == world.registrar.department_id
            for url in (reverse("institutions:detail", args=[institution.pk]), reverse("institutions:registrations")):
                assert_escaped(_page(client, url), name, address, phone, representative)
            assert_escaped(_page(signed_in(world.coordinator), reverse("institutions:review")), name)
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response), forms.RegistrationForm().fields)
        refused_unchanged(before)
        assert_escaped(response.content.decode(), name, address, phone)

    rolled_back(client, case)


# ---------------------------------------------------------------- the 备案书 and its classes


@cases(60)
@given(
    summary=mostly(plain_text, hostile_text, one_in=2), principal=mostly(plain_text, hostile_text, one_in=8),
    phone=mostly(plain_text, hostile_text, one_in=8), address=mostly(plain_text, hostile_text, one_in=3),
    capacity=mostly(small_number(0, 300), number_text, one_in=8),
    area=mostly(small_number(0, 5000), number_text, one_in=8),
    lease=mostly(small_number(0, 30), number_text, one_in=8), staff=mostly(small_number(0, 100), number_text, one_in=8),
    premises=mostly(st.sampled_from(["owned", "leased", ""]), short_hostile_text, one_in=8),
    total_forms=mostly(st.just("match"), st.one_of(st.sampled_from(["0", "31", "1001", "-1"]), number_text), one_in=8),
    classes=st.lists(st.tuples(mostly(st.sampled_from(["infant", "toddler", "preschool", "mixed"]), short_hostile_text,
                                      one_in=8),
                               mostly(small_number(1, 30), number_text, one_in=8),
                               mostly(small_number(0, 10), number_text, one_in=8)),
                     max_size=3),
)
def test_filing_form(registry_world, tried, summary, principal, phone, address, capacity, area, lease, staff, premises,
                     total_forms, classes):
    tried()
    world = registry_world
    client = signed_in(world.operator)
    body = {
        "change_summary": summary, "principal_name": principal, "contact_phone": phone, "public_phone": phone,
        "address": address, "offers_full_day": "on", "capacity": capacity, "premises_ownership": premises,
        "premises_area": area, "lease_years": lease, "staff_count": staff, "commitment": "on",
        "classes-TOTAL_FORMS": str(len(classes)) if total_forms == "match" else total_forms,
        "classes-INITIAL_FORMS": "0", "classes-MIN_NUM_FORMS": "0",
        "classes-MAX_NUM_FORMS": "30",
    }
    for i, (kind, children, caregivers) in enumerate(classes):
        body |= {f"classes-{i}-kind": kind, f"classes-{i}-children": children, f"classes-{i}-caregivers": caregivers}
    url = reverse("institutions:filing-edit", args=[world.filing.pk])

    def case():
        before = table_counts()
        old = Filing.objects.values().get(pk=world.filing.pk)
        response = client.post(url, body)
        filing = Filing.objects.get(pk=world.filing.pk)
        if response.status_code == 302:
            event("accepted")
            assert filing.change_summary == stored_as_typed(summary)
            assert filing.principal_name == stored_as_typed(principal) and filing.address == stored_as_typed(address)
            page = _page(client, reverse("institutions:filing-detail", args=[filing.pk]))
            assert_escaped(page, summary, principal, phone, address)
            for shown in (signed_in(world.coordinator), signed_in(world.viewer)):
                assert_escaped(_page(shown, reverse("institutions:filing-detail", args=[filing.pk])), summary, address)
            institution_page = reverse("institutions:detail", args=[filing.institution_id])
            assert_escaped(_page(signed_in(world.coordinator), institution_page), summary, address)
            return
        assert response.status_code == 200
        errors = form_errors(response)
        formset = response.context["formset"]
        formset_errors = [m for e in formset.errors for ms in e.values() for m in ms] + list(formset.non_form_errors())
        if errors:
            assert_clear_refusal(errors, forms.FilingForm(instance=filing).fields)
        assert errors or formset_errors, "refused without any message"
        for message in formset_errors:
            assert CJK.search(str(message)), f"class message not in Chinese: {message!r}"
        refused_unchanged(before)
        assert Filing.objects.values().get(pk=world.filing.pk) == old

    rolled_back(client, case)


# ---------------------------------------------------------------- flags, reviewer's reasons


@cases(40)
@given(inclusive=st.one_of(st.just("on"), st.just(""), hostile_text),
       demonstration=st.one_of(st.just("on"), st.just(""), hostile_text),
       on=mostly(st.one_of(st.just(""), past_date()), date_text))
def test_flags(registry_world, tried, inclusive, demonstration, on):
    tried()
    world = registry_world
    client = signed_in(world.coordinator)
    url = reverse("institutions:flags", args=[world.institution.pk])

    def case():
        before = table_counts()
        data = {"is_inclusive": inclusive, "is_demonstration": demonstration, "demonstration_on": on}
        response = client.post(url, data)
        institution = Institution.objects.get(pk=world.institution.pk)
        if response.status_code == 302:
            event("accepted")
            # What the checkbox sent, as a browser's form reads it (its widget, not the field:
            # a box that sends "0" is ticked).
            read = forms.FlagsForm(data)
            assert read.is_valid(), read.errors
            assert institution.is_demonstration == read.cleaned_data["is_demonstration"]
            _page(client, reverse("institutions:detail", args=[institution.pk]))
            _page(client, reverse("reports:district"))  # the indicators count 示范性 institutions
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response, "flags_form"), forms.FlagsForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)


@cases(35)
@given(reasons=st.dictionaries(st.sampled_from(["basic", "classes", "commitment", "license", "premises", "staff",
                                                 "other", "nonsense"]), hostile_text, max_size=4),
       reject=hostile_text)
def test_reviewer_reasons(registry_world, tried, reasons, reject):
    tried()
    world = registry_world
    client = signed_in(world.coordinator)
    filing = world.submitted_filing

    def case():
        before = table_counts()
        response = client.post(reverse("institutions:filing-return", args=[filing.pk]), reasons)
        if response.status_code == 302:
            event("accepted")
            assert Filing.objects.get(pk=filing.pk).status == "returned"
            given_ = [stored_as_typed(v) for k, v in reasons.items() if k != "nonsense" and stored_as_typed(v)]
            page = _page(signed_in(world.coordinator), reverse("institutions:filing-detail", args=[filing.pk]))
            assert_escaped(page, *given_)
            return
        assert response.status_code == 200 and Filing.objects.get(pk=filing.pk).status == "submitted"
        assert_clear_refusal(form_errors(response), forms.ReturnForm(filing=filing).fields)
        refused_unchanged(before)
        # … and the other way out: a reasoned notice of non-compliance, made public.
        response = client.post(reverse("institutions:filing-reject", args=[filing.pk]), {"reason": reject})
        if response.status_code == 302:
            event("accepted")
            assert Filing.objects.get(pk=filing.pk).noncompliance_reason == stored_as_typed(reject)
            assert_escaped(_page(Client(), reverse("institutions:directory")), reject)
            return
        assert response.status_code == 200
        assert_clear_refusal(form_errors(response), forms.RejectForm().fields)
        refused_unchanged(before)

    rolled_back(client, case)


# ---------------------------------------------------------------- the roster import


HEADER = ["机构名称", "统一社会信用代码", "机构性质", "法人类型", "所属街道", "地址", "联系电话", "托位数", "服务类型", "登记日期"]


def _rows(draw_rows):
    rows = []
    for name, code, nature, form, street, address, phone, capacity, services, registered in draw_rows:
        rows.append([name, _code(code), nature, form, street, address, phone, capacity, services, registered])
    return rows


# Each row mostly well formed (营利性 enterprises, 区市场监管局 registers them), with hostile cells here and there.
roster_rows = st.lists(
    st.tuples(
        mostly(st.sampled_from(["星光托育中心", "  阳光托育园 ", "<b>小树苗</b>托育", "=HYPERLINK(\"x\")托育"]),
               short_hostile_text, one_in=3),
        mostly(st.just("fresh"), credit_code_text, one_in=8),
        mostly(st.sampled_from(["营利性", "for_profit"]), st.one_of(st.just("非营利性"), short_hostile_text), one_in=8),
        mostly(st.sampled_from(["企业", "enterprise"]), st.one_of(st.just("社会组织"), short_hostile_text), one_in=8),
        mostly(st.sampled_from(["解放碑街道", "七星岗街道办事处", "朝天门街道"]), short_hostile_text, one_in=8),
        mostly(st.just("渝中区民权路1号"), short_hostile_text, one_in=3),
        mostly(plain_text, short_hostile_text, one_in=3),
        mostly(small_number(0, 200), number_text, one_in=8),
        mostly(st.sampled_from(["全日托", "全日托、计时托", "", "full_day"]), short_hostile_text, one_in=8),
        mostly(st.one_of(st.just(""), past_date()), date_text, one_in=8),
    ),
    min_size=1, max_size=3,
)


def _csv(rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type  # text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(world, filename: str, data: bytes, rows):
    """Upload (dry run), then confirm: all rows imported, or none and every problem named by row."""
    client = signed_in(world.registrar)
    url = reverse("institutions:roster-import")

    def case():
        before = table_counts(exclude=ROSTER_RECORD)
        preview = client.post(url, {"file": SimpleUploadedFile(filename, data)})
        assert preview.status_code == 200
        refused_unchanged(before, exclude=ROSTER_RECORD)  # the dry run writes nothing
        report, roster = preview.context.get("report"), preview.context.get("roster")
        if report is None:  # the file itself was refused
            assert_clear_refusal(form_errors(preview), forms.RosterUploadForm().fields)
            return
        _check_rows_named(report, len(rows))
        confirm = client.post(url, {"roster": roster.pk})
        if confirm.status_code == 302:
            event("accepted")
            assert report.ok
            filled = [row for row in rows if any(cell_text(c) for c in row)]  # blank rows are skipped
            after = table_counts(exclude=ROSTER_RECORD)
            assert after["institutions.institution"] - before["institutions.institution"] == len(filled)
            assert after["institutions.registration"] - before["institutions.registration"] == len(filled)
            imported = Institution.objects.order_by("-pk")[: len(filled)]
            assert {i.name for i in imported} == {cell_text(row[0]) for row in filled}
            assert {i.address for i in imported} == {cell_text(row[5]) for row in filled}
            page = _page(client, reverse("institutions:registrations"))
            assert_escaped(page, *(str(r[0]) for r in rows), *(str(r[5]) for r in rows))
            return
        assert confirm.status_code == 200
        assert not report.ok
        _check_rows_named(confirm.context["report"], len(rows))
        refused_unchanged(before, exclude=ROSTER_RECORD)
        assert_escaped(confirm.content.decode(), *(str(c) for row in rows for c in row))

    rolled_back(client, case)


def _check_rows_named(report, n_rows: int) -> None:
    if report.file_error:
        assert CJK.search(report.file_error), report.file_error
    for problem in report.problems:
        text = str(problem)
        assert re.match(r"^第\d+行：", text) and CJK.search(text[4:]), text
        assert 2 <= problem.line <= n_rows + 1, (problem.line, n_rows)


@cases(40)
@given(rows=roster_rows)
def test_roster_import_csv(registry_world, tried, rows):
    tried()
    rows = _rows(rows)
    _import(registry_world, "名册.csv", _csv(rows), rows)


def _xlsx_cell(value: str) -> str:
    """What an .xlsx cell can hold: XML 1.0 has no place for most control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value).replace("\ufffe", "").replace("\uffff", "")


@cases(25)
@given(rows=roster_rows.map(lambda rs: [tuple(_xlsx_cell(c) for c in r) for r in rs]))
def test_roster_import_xlsx(registry_world, tried, rows):
    tried()
    rows = _rows(rows)
    _import(registry_world, "名册.xlsx", _xlsx(rows), rows)


@pytest.mark.parametrize("total", ["31", "1001", "99999999"])
def test_class_count_is_capped(registry_world, tried, total):
    """A forged TOTAL_FORMS builds at most 30 class forms and is refused in Chinese."""
    tried()
    world = registry_world
    client = signed_in(world.operator)
    body = {"change_summary": "托位调整", "capacity": "60", "classes-TOTAL_FORMS": total, "classes-INITIAL_FORMS": "0",
            "classes-MIN_NUM_FORMS": "0", "classes-MAX_NUM_FORMS": "30"}

    def case():
        before = table_counts()
        response = client.post(reverse("institutions:filing-edit", args=[world.filing.pk]), body)
        assert response.status_code == 200
        formset = response.context["formset"]
        assert len(formset.forms) <= 30
        assert any("30" in str(m) and CJK.search(str(m)) for m in formset.non_form_errors())
        refused_unchanged(before)

    rolled_back(client, case)
