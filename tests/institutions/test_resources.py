"""Roster import/export through django-import-export: every bad row reported in
Chinese with its spreadsheet row number, all or nothing, export with filing
status and formula injection neutralised."""
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import ObjectChange
from institutions import services
from institutions.models import Institution, Registration, RosterImport
from institutions.roster import HEADERS
from tests.factories import InstitutionFactory, credit_code
from tests.institutions.conftest import complete_filing
from tests.institutions.roster_data import csv_bytes, excel_like_xlsx_bytes, roster_row, roster_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(actor, data: bytes, name="名册.xlsx", dry_run=False):
    roster = services.roster_upload(actor=actor, upload=SimpleUploadedFile(name, data))
    if dry_run:
        return services.roster_preview(roster=roster, actor=actor)
    return services.roster_import(roster=roster, actor=actor)


def test_ten_thousand_rows_one_bad_saves_nothing_then_all_import(users):
    coordinator = users["coordinator"]
    started = time.perf_counter()
    report = _import(coordinator, excel_like_xlsx_bytes(roster_rows(10_000, bad_line=7001)))
    assert report.total_rows == 10_000
    assert [p.line for p in report.problems] == [7001]
    assert str(report.problems[0]).startswith("第7001行：统一社会信用代码校验位错误")
    assert Institution.objects.count() == 0 and Registration.objects.count() == 0
    assert not ObjectChange.objects.filter(content_type__model="institution").exists()

    report = _import(coordinator, excel_like_xlsx_bytes(roster_rows(10_000)))
    assert report.ok and report.imported == 10_000
    assert Institution.objects.count() == 10_000 and Registration.objects.count() == 10_000
    assert ObjectChange.objects.filter(content_type__model="institution").count() == 10_000
    assert set(Registration.objects.values_list("authority__name", flat=True)) == {"区市场监管局", "区民政局", "区委编办"}
    assert time.perf_counter() - started < 120


def _rows_with_each_error(existing_code: str) -> list[list]:
    rows = roster_rows(9)
    rows[0][1] = "91500103MA0000000X"  # row 2: bad check characters
    rows[1][5] = "朝阳街道"  # row 3: not a street of 渝中区
    rows[2][2], rows[2][3] = "营利性", "社会组织"  # row 4: nature contradicts legal form
    rows[3][4] = "区民政局"  # row 5: KINDS[4 % 3] is 社会组织 → fine; make it contradict:
    rows[3][2], rows[3][3] = "营利性", "企业"
    rows[4][1] = rows[5][1]  # rows 6 and 7: duplicate in the file (reported on the second)
    rows[6][1] = existing_code  # row 8: already in the database
    rows[7][12] = "三十"  # row 9: capacity not a number
    return rows


def test_every_kind_of_bad_row_is_reported_with_its_row_number(users):
    existing = InstitutionFactory(credit_code=credit_code(424242))
    report = _import(users["coordinator"], xlsx_bytes(_rows_with_each_error(existing.credit_code)), dry_run=True)
    messages = {p.line: str(p) for p in report.problems}
    assert sorted(messages) == [2, 3, 4, 5, 7, 8, 9]
    assert "第2行：统一社会信用代码" in messages[2] and "校验位错误" in messages[2]
    assert "所属街道“朝阳街道”不是渝中区的街道办事处" in messages[3]
    assert "营利性托育机构应登记为企业" in messages[4]
    assert "登记机关与机构性质矛盾：营利性企业应在区市场监管局登记，不能在区民政局登记" in messages[5]
    assert "与第6行重复" in messages[7]
    assert "已登记，不能重复登记" in messages[8]
    assert "托位数“三十”不是数字" in messages[9]
    assert Institution.objects.count() == 1


def test_several_errors_of_one_row_are_all_named(users):
    rows = roster_rows(1)
    rows[0][1], rows[0][5], rows[0][12], rows[0][14] = "123", "不存在街道", "x", "也许"
    (problem,) = _import(users["coordinator"], csv_bytes(rows), name="名册.csv", dry_run=True).problems
    text = str(problem)
    for fragment in ("应为18位", "不是渝中区的街道办事处", "托位数“x”不是数字", "普惠性“也许”无效"):
        assert fragment in text


def test_dry_run_saves_nothing_and_previews(users):
    report = _import(users["coordinator"], csv_bytes(roster_rows(30)), name="名册.csv", dry_run=True)
    assert report.ok and report.total_rows == 30 and len(report.preview) == 20
    assert report.preview[0].registration_authority.name in {"区市场监管局", "区民政局", "区委编办"}
    assert Institution.objects.count() == 0


def test_csv_in_gbk_and_short_street_names(users):
    rows = roster_rows(3)
    rows[0][5] = "解放碑街道"
    report = _import(users["coordinator"], csv_bytes(rows, encoding="gb18030"), name="名册.csv")
    assert report.imported == 3
    assert Institution.objects.get(credit_code=rows[0][1]).street.name == "解放碑街道办事处"


def test_header_problems_and_wrong_content(users):
    report = _import(users["coordinator"], csv_bytes(roster_rows(2), headers=["机构名称", "统一社会信用代码", *HEADERS[2:4]]),
                     name="名册.csv", dry_run=True)
    assert "表头缺少列" in report.file_error and "所属街道" in report.file_error
    with pytest.raises(Exception) as info:
        _import(users["coordinator"], b"not really a spreadsheet", name="名册.xlsx")
    assert "不是 Excel" in str(info.value)


def test_registrar_imports_only_for_its_own_authority(users):
    registrar = users["registrar"]  # 区市场监管局
    rows = [roster_row(3), roster_row(4), roster_row(6)]  # 营利性 (3, 6) and 社会组织 (4)
    rows[2][4] = ""  # authority left blank → the registrar's own
    report = _import(registrar, csv_bytes(rows), name="名册.csv")
    assert [p.line for p in report.problems] == [3]
    assert "不是您所在的单位" in str(report.problems[0])
    assert Institution.objects.count() == 0
    report = _import(registrar, csv_bytes([rows[0], rows[2]]), name="名册.csv")
    assert report.imported == 2
    assert set(Institution.objects.values_list("registration_authority__name", flat=True)) == {"区市场监管局"}


def test_confirming_twice_imports_once(users):
    roster = services.roster_upload(actor=users["coordinator"], upload=SimpleUploadedFile("a.csv", csv_bytes(roster_rows(5))))
    assert services.roster_import(roster=roster, actor=users["coordinator"]).imported == 5
    with pytest.raises(Exception, match="已经导入"):
        services.roster_import(roster=roster, actor=users["coordinator"])
    assert RosterImport.objects.get().status == RosterImport.Status.IMPORTED


def test_export_with_filing_status_and_neutralised_formulas(client, users, operator):
    complete_filing(operator.institution, status="submitted")
    filed = InstitutionFactory(name="=HYPERLINK(\"http://evil\",\"点我\")", status="filed", address="@SUM(A1:A9)",
                               contact_phone="+86 23 6300 0000", public_phone="-1+1")
    complete_filing(filed, status="filed", receipt_number="渝中托备〔2026〕007号", receipt_year=2026, receipt_seq=7)
    client.force_login(users["coordinator"])
    response = client.get(reverse("institutions:roster-export"), {"format": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: dict(zip([c.value for c in sheet[1]], r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    # In the .xlsx the text is shown as typed, as a string cell (core.spreadsheets) …
    evil = rows["=HYPERLINK(\"http://evil\",\"点我\")"]
    assert evil["地址"] == "@SUM(A1:A9)" and evil["联系电话"] == "+86 23 6300 0000"
    assert evil["备案状态"] == "已备案" and evil["备案回执编号"] == "渝中托备〔2026〕007号"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert rows["小星星托育中心"]["备案状态"] == "新设备案·已提交待审核"

    response = client.get(reverse("institutions:roster-export"), {"format": "csv"})
    text = response.content.decode("utf-8")
    # … in the .csv (no types) it carries the conventional apostrophe.
    assert text.startswith("\ufeff机构名称,") and "'=HYPERLINK" in text and ",'@SUM(A1:A9)," in text


def test_import_template_has_the_headers_only(client, users):
    client.force_login(users["registrar"])
    response = client.get(reverse("institutions:roster-export"), {"format": "xlsx", "template": "1"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:len(HEADERS)] == HEADERS and sheet.max_row == 1


def test_import_pages_preview_then_confirm(client, users):
    client.force_login(users["registrar"])
    rows = [roster_row(3), roster_row(6)]
    url = reverse("institutions:roster-import")
    response = client.post(url, {"file": SimpleUploadedFile("名册.csv", csv_bytes(rows))})
    assert response.status_code == 200 and "全部校验通过" in response.content.decode()
    assert Institution.objects.count() == 0
    roster = response.context["roster"]
    response = client.post(url, {"roster": roster.pk})
    assert response.status_code == 302 and Institution.objects.count() == 2
    # Another user's upload cannot be confirmed: outside scope is 404.
    other = services.roster_upload(actor=users["coordinator"], upload=SimpleUploadedFile("b.csv", csv_bytes([roster_row(9)])))
    assert client.post(url, {"roster": other.pk}).status_code == 404

    bad = roster_rows(3)
    bad[1][12] = "abc"
    response = client.post(url, {"file": SimpleUploadedFile("名册.csv", csv_bytes(bad))})
    html = response.content.decode()
    assert "第3行：托位数“abc”不是数字" in html and "未导入任何数据" in html and "confirm-import" not in html


def test_a_formula_without_a_stored_result_is_named_as_such(users):
    """openpyxl (and other programs that do not calculate) save formulas without
    their result: the cell is not empty, and "机构名称不能为空" would mislead."""
    rows = roster_rows(2)
    rows[1][0] = '=CONCATENATE("小星星","托育中心")'
    rows[1][12] = "=10*6"
    report = _import(users["coordinator"], xlsx_bytes(rows), dry_run=True)
    (problem,) = report.problems
    text = str(problem)
    assert text.startswith("第3行：“机构名称”是公式，文件中没有保存计算结果，请在 Excel 或 WPS 中打开该文件、保存后重新上传")
    assert "“托位数”是公式" in text
    assert "不能为空" not in text
    # Saved with its values (what the advice leads to), the same rows import.
    rows[1][0], rows[1][12] = "小星星托育中心", 60
    assert _import(users["coordinator"], xlsx_bytes(rows), dry_run=True).problems == []


def _with_category(rows: list[list], categories: dict[int, str]) -> list[list]:
    """Each row extended with the 机构类别 column (spreadsheet row number → text)."""
    return [[*row, categories.get(n, "")] for n, row in enumerate(rows, start=2)]


def test_category_column_family_points_at_most_five_places_all_or_nothing(users):
    coordinator = users["coordinator"]
    rows = roster_rows(4)
    rows[1][12], rows[2][12], rows[3][12] = 5, 8, 30  # rows 3, 4, 5: 托位数
    data = xlsx_bytes(_with_category(rows, {3: "家庭托育点", 4: "家庭托育点", 5: "托育机构"}))
    report = _import(coordinator, data)
    assert [p.line for p in report.problems] == [4]
    assert str(report.problems[0]).startswith("第4行：") and "不超过5人" in str(report.problems[0])
    assert Institution.objects.count() == 0  # one bad row: nothing written

    rows[2][12] = 4
    report = _import(coordinator, xlsx_bytes(_with_category(rows, {3: "家庭托育点", 4: "家庭托育点"})))
    assert report.ok and report.imported == 4
    categories = dict(Institution.objects.values_list("capacity", "category"))
    assert categories == {rows[0][12]: "centre", 5: "family", 4: "family", 30: "centre"}


def test_category_must_be_one_of_the_two_and_old_templates_still_import(users):
    coordinator = users["coordinator"]
    rows = roster_rows(2)
    report = _import(coordinator, xlsx_bytes(_with_category(rows, {3: "幼儿园"})))
    assert [str(p) for p in report.problems] == ["第3行：机构类别“幼儿园”无效，应为：托育机构、家庭托育点。"]
    assert Institution.objects.count() == 0
    # A file made from the template before the column existed: every row a 托育机构.
    report = _import(coordinator, xlsx_bytes(rows, headers=HEADERS[:-1]))
    assert report.ok and set(Institution.objects.values_list("category", flat=True)) == {"centre"}
