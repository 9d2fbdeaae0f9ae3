"""The annex's decomposition table (任务分解表) as a spreadsheet, both ways.

Columns: 序号, 工作内容, 具体任务, 牵头单位, 责任单位. Units are separated by 、,
—— means none, and a trailing 等 means the list is open-ended. Every cell is
read through `clean_text`, so text wrapped or padded in Excel/WPS arrives as
the annex writes it (one line, no stray spaces).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from core.xlsx import SpreadsheetError, cell_text, open_xlsx

COLUMNS = ["序号", "工作内容", "具体任务", "牵头单位", "责任单位"]
NONE_MARKS = {"", "——", "—", "-", "--", "无"}
UNIT_SEPARATORS = "、，,；;"
MAX_HEADER_SCAN = 10
EMPTY_TABLE = "表格为空：未找到任何任务行。"

# Excel stores a carriage return (and tab, line feed) inside cell text as _x000D_
# and openpyxl hands the escape over as it is.
_EXCEL_ESCAPED = re.compile(r"_x(000[9aAdD])_")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff"))  # zero-width space, BOM
_WHITESPACE = re.compile(r"\s+")  # includes U+3000, U+00A0, U+2028 and every other Unicode space
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_CHINESE_PUNCTUATION = set("“”‘’—…·")


def _wide(char: str) -> bool:
    """Chinese text: ideographs, CJK and full-width punctuation, never spaced apart."""
    return unicodedata.east_asian_width(char) in ("W", "F") or char in _CHINESE_PUNCTUATION


def clean_text(text: str) -> str:
    r"""A cell's text as the annex writes it, the same rule for every column.

    A run of whitespace (spaces, tabs, line breaks, full-width U+3000, no-break
    U+00A0, …) is dropped at either end; dropped between two Chinese characters
    (a wrapped "区人力社保局、\n区教委" reads "区人力社保局、区教委"); dropped
    where a line break meets Chinese on one side ("2020\n年" → "2020年");
    otherwise it becomes one space ("Hello\nworld", "2-3 岁" as the annex has it).
    """
    if "_x" in text:
        text = _EXCEL_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = text.translate(_INVISIBLE)

    def gap(match: re.Match) -> str:
        start, end = match.span()
        if start == 0 or end == len(text):
            return ""
        left, right = _wide(text[start - 1]), _wide(text[end])
        if left and right:
            return ""
        if (left or right) and _LINE_BREAK.search(match.group()):
            return ""
        return " "

    return _WHITESPACE.sub(gap, text)


@dataclass
class TableRow:
    row: int  # the spreadsheet's own row number, for messages
    number: int
    title: str
    content: str
    lead: str | None
    responsible: list[str] = field(default_factory=list)
    open_ended: bool = False


@dataclass
class ParsedTable:
    caption: str
    rows: list[TableRow]


class PlanTableError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def split_units(text: str) -> tuple[list[str], bool]:
    text = text.strip()
    if text in NONE_MARKS:
        return [], False
    open_ended = text.endswith("等")
    if open_ended:
        text = text[:-1]
    for sep in UNIT_SEPARATORS[1:]:
        text = text.replace(sep, "、")
    return [u.strip() for u in text.split("、") if u.strip()], open_ended


def units_text(names: list[str], open_ended: bool) -> str:
    return ("、".join(names) + ("等" if open_ended else "")) if names else "——"


def read_plan_table(source: str | IO[bytes]) -> ParsedTable:
    """Parse and validate the whole table; raise PlanTableError listing every problem."""
    try:
        workbook = open_xlsx(source)
    except SpreadsheetError as exc:
        raise PlanTableError([str(exc)]) from None
    sheet = workbook.worksheets[0]
    rows = [[clean_text(cell_text(v)) for v in values] for values in sheet.iter_rows(values_only=True)]
    workbook.close()
    if not any(any(texts) for texts in rows):
        raise PlanTableError([EMPTY_TABLE])

    header_index, columns, caption = None, {}, ""
    for i, values in enumerate(rows[:MAX_HEADER_SCAN]):
        texts = [v.replace(" ", "") for v in values]
        if "序号" in texts:
            header_index = i
            columns = {name: texts.index(name) for name in COLUMNS if name in texts}
            break
        caption = caption or next((t for t in texts if t), "")
    if header_index is None:
        raise PlanTableError([f"前{MAX_HEADER_SCAN}行中找不到表头（应包含：{'、'.join(COLUMNS)}）。"])
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        raise PlanTableError([f"第{header_index + 1}行表头缺少列：{'、'.join(missing)}。"])

    errors: list[str] = []
    parsed: list[TableRow] = []
    seen_numbers: dict[int, int] = {}
    for offset, values in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = {name: values[idx] if idx < len(values) else "" for name, idx in columns.items()}
        if not any(cells.values()):
            continue
        row_errors = []
        number_text = cells["序号"].translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        number = int(number_text) if number_text.isascii() and number_text.isdigit() else None
        if number is None or number < 1 or number > 32767:
            row_errors.append(f"序号“{cells['序号']}”不是正整数")
        elif number in seen_numbers:
            row_errors.append(f"序号 {number} 与第{seen_numbers[number]}行重复")
        if not cells["工作内容"]:
            row_errors.append("工作内容不能为空")
        elif len(cells["工作内容"]) > 300:
            row_errors.append("工作内容超过300字")
        if not cells["具体任务"]:
            row_errors.append("具体任务不能为空")
        lead_names, lead_open = split_units(cells["牵头单位"])
        if len(lead_names) > 1 or lead_open:
            row_errors.append(f"牵头单位只能填写一个单位（现为“{cells['牵头单位']}”）")
        responsible, open_ended = split_units(cells["责任单位"])
        for name in [*lead_names, *responsible]:
            if len(name) > 100:
                row_errors.append(f"单位名称“{name[:20]}…”超过100字")
        if len(set(responsible)) != len(responsible):
            row_errors.append("责任单位有重复")
        if row_errors:
            errors.append(f"第{offset}行：" + "；".join(row_errors) + "。")
            continue
        seen_numbers[number] = offset
        parsed.append(TableRow(
            row=offset, number=number, title=cells["工作内容"], content=cells["具体任务"],
            lead=lead_names[0] if lead_names else None, responsible=responsible, open_ended=open_ended,
        ))
    if not parsed and not errors:
        errors.append(EMPTY_TABLE)
    if errors:
        raise PlanTableError(errors)
    return ParsedTable(caption=caption, rows=parsed)


def write_plan_table(items, *, caption: str) -> Workbook:
    """The annex layout for a plan's numbered tasks (a title row, then the table)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分解表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append([caption])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for item in items:
        names = [r.department.name for r in item.responsibilities.all()]
        sheet.append([
            item.number, item.title, item.content,
            item.lead_unit.name if item.lead_unit_id else "——",
            units_text(names, item.units_open_ended),
        ])
        for cell in sheet[sheet.max_row]:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (6, 24, 70, 16, 30)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    return workbook
