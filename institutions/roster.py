"""The roster file as a table: .xlsx (opened safely through core.xlsx) or CSV
(UTF-8 with or without BOM, or GBK as Excel in China saves it). The header row
is found among the first rows; each data row keeps its own line number in the
file, so every message names the row the user sees in Excel."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import IO

import tablib
from lxml import etree
from openpyxl.utils.datetime import from_excel, from_ISO8601

from core.xlsx import SpreadsheetError, UncachedFormula, cell_text, open_xlsx

# Column labels, in file order: (model attribute, header).
IMPORT_COLUMNS = [
    ("name", "机构名称"),
    ("credit_code", "统一社会信用代码"),
    ("nature", "机构性质"),
    ("legal_form", "法人类型"),
    ("registration_authority", "登记机关"),
    ("street", "所属街道"),
    ("address", "地址"),
    ("legal_representative", "法定代表人/负责人"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
    ("public_phone", "对外咨询电话"),
    ("service_types", "服务类型"),
    ("capacity", "托位数"),
    ("serves_meals", "提供膳食"),
    ("is_inclusive", "普惠性"),
    ("is_demonstration", "示范性"),
    ("is_employer_run", "用人单位举办"),
    ("is_kindergarten_class", "幼儿园托班"),
    ("is_community_point", "社区托育点"),
    ("registered_on", "登记日期"),
    # Optional (older templates lack it): 托育机构 when empty; a 家庭托育点 has at most 5 places.
    ("category", "机构类别"),
]
EXPORT_ONLY_COLUMNS = [
    ("filing_status", "备案状态"),
    ("receipt_number", "备案回执编号"),
    ("filed_on", "首次备案日期"),
    ("cancelled_on", "注销日期"),
]
REQUIRED_HEADERS = ["机构名称", "统一社会信用代码", "机构性质", "法人类型", "所属街道", "地址"]
HEADERS = [label for _, label in IMPORT_COLUMNS]
MAX_HEADER_SCAN = 10
MAX_ROWS = 50_000


class RosterFileError(ValueError):
    pass


@dataclass
class RosterTable:
    dataset: tablib.Dataset  # headers: the known labels present; one row per non-blank data row
    line_numbers: list[int]  # the file's own row number of each dataset row


def _clean_header(value) -> str:
    text = cell_text(value)
    for ch in (" ", "\u3000", "*", "＊", "\n"):
        text = text.replace(ch, "")
    return {"法定代表人": "法定代表人/负责人", "负责人": "法定代表人/负责人", "街道": "所属街道"}.get(text, text)


def _table(rows, *, first_line: int = 1) -> RosterTable:
    """Find the header, keep the known columns, drop blank rows."""
    header_at, positions = None, {}
    for offset, values in enumerate(rows):
        if offset >= MAX_HEADER_SCAN:
            break
        labels = [_clean_header(v) for v in values]
        if "统一社会信用代码" in labels and "机构名称" in labels:
            header_at = offset
            positions = {label: labels.index(label) for label in HEADERS if label in labels}
            break
    if header_at is None:
        raise RosterFileError(f"前{MAX_HEADER_SCAN}行中找不到表头（应包含“机构名称”“统一社会信用代码”等列），请使用导入模板。")
    missing = [label for label in REQUIRED_HEADERS if label not in positions]
    if missing:
        raise RosterFileError(f"第{first_line + header_at}行表头缺少列：{'、'.join(missing)}。")
    headers = list(positions)
    dataset = tablib.Dataset(headers=headers)
    lines = []
    for offset, values in enumerate(rows[header_at + 1:], start=header_at + 1):
        cells = [values[i] if i < len(values) else None for i in positions.values()]
        if all(cell_text(c) == "" and not isinstance(c, UncachedFormula) for c in cells):
            continue
        dataset.append(cells)
        lines.append(first_line + offset)
        if len(lines) > MAX_ROWS:
            raise RosterFileError(f"名册超过{MAX_ROWS}行，请分批导入。")
    if not lines:
        raise RosterFileError("名册中没有机构数据。")
    return RosterTable(dataset=dataset, line_numbers=lines)


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        value = float(text)
        return int(value) if value.is_integer() else value


def _fast_sheet_rows(workbook, sheet) -> list[tuple]:
    """The sheet's cell values, read with lxml from the part openpyxl located.

    openpyxl has already opened the workbook (zip checks, shared strings, date
    styles); its per-cell parser is the slow part of a large roster (about
    0.3 ms a cell), so the sheet XML itself is walked here. Same semantics as
    `iter_rows(values_only=True)`: missing rows are empty, dates are datetimes.
    """
    strings = sheet._shared_strings
    date_styles = workbook._date_formats
    epoch = workbook.epoch
    rows: list[tuple] = []
    with workbook._archive.open(sheet._worksheet_path) as handle:
        parser = etree.iterparse(handle, events=("end",), tag=f"{_NS}row", resolve_entities=False, no_network=True)
        for _, row in parser:
            number = int(row.get("r") or len(rows) + 1)
            while len(rows) < number - 1:
                rows.append(())
            values: list = []
            for cell in row.iterchildren(f"{_NS}c"):
                ref = cell.get("r")
                column = _column_index(ref) if ref else len(values) + 1
                while len(values) < column - 1:
                    values.append(None)
                kind = cell.get("t", "n")
                raw = cell.findtext(f"{_NS}v")
                if kind == "s":
                    value = str(strings[int(raw)])
                elif kind == "inlineStr":
                    value = "".join(
                        t.text or "" for t in cell.iter(f"{_NS}t") if t.getparent().tag != f"{_NS}rPh"
                    )
                elif not raw:
                    formula = cell.find(f"{_NS}f")
                    # A formula without a stored result is not an empty cell: say so (resources).
                    value = UncachedFormula(formula.text or "") if formula is not None else None
                elif kind == "b":
                    value = raw == "1"
                elif kind in ("str", "e"):
                    value = raw
                elif kind == "d":
                    value = from_ISO8601(raw)
                else:
                    value = _number(raw)
                    style = cell.get("s")
                    if style is not None and int(style) in date_styles:
                        value = from_excel(value, epoch)
                values.append(value)
            rows.append(tuple(values))
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
    return rows


def read_rows(source: IO[bytes], *, filename: str) -> list[tuple]:
    """Every row of the file (.xlsx safely opened, or CSV in UTF-8/GBK) as a tuple of cell values;
    shared by the registration roster and the monthly enrolment import."""
    head = source.read(4)
    source.seek(0)
    if head.startswith(b"PK\x03\x04"):
        try:
            workbook = open_xlsx(source)
        except SpreadsheetError as exc:
            raise RosterFileError(str(exc)) from None
        try:
            sheet = workbook.worksheets[0]
            try:
                rows = _fast_sheet_rows(workbook, sheet)
            except Exception:  # anything the fast path does not know: openpyxl's own reader
                rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
        return rows
    if filename.lower().endswith(".xlsx"):
        raise RosterFileError("文件不是有效的 Excel（.xlsx）文件，请另存为 .xlsx 后重新上传。")
    raw = source.read()
    if b"\x00" in raw[:4096]:
        raise RosterFileError("文件不是 Excel（.xlsx）或 CSV 文本文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise RosterFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 编码。")
    return [tuple(r) for r in csv.reader(io.StringIO(text, newline=""))]


def read_roster(source: IO[bytes], *, filename: str) -> RosterTable:
    return _table(read_rows(source, filename=filename))
