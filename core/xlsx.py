"""Opening spreadsheets that users upload, safely: a file that is not a real
.xlsx, or that would expand to far more than it claims (a zip bomb), is refused
with a message before openpyxl parses it."""
from __future__ import annotations

import zipfile
from typing import IO

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

# An honest annex or roster unpacks to a few MB; refuse anything that claims more.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200


class SpreadsheetError(ValueError):
    pass


def open_xlsx(source: str | IO[bytes]) -> Workbook:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError("文件不是有效的 Excel（.xlsx）文件，请另存为 .xlsx 后重新上传。") from None
    with archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
            raise SpreadsheetError("文件不是有效的 Excel（.xlsx）文件，请另存为 .xlsx 后重新上传。")
        unpacked = sum(i.file_size for i in archive.infolist())
        packed = sum(i.compress_size for i in archive.infolist()) or 1
        if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
            raise SpreadsheetError("文件解压后体积异常（疑似压缩炸弹），已拒绝处理。")
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise SpreadsheetError(f"无法读取该 Excel 文件：{exc.__class__.__name__}") from None


class UncachedFormula(str):
    """A cell holding a formula whose result the file does not store (written by a
    program that does not calculate, or saved before calculation): its value is
    unknown, not empty. The text is the formula; `cell_text` reads it as empty, and
    a reader that needs the value names the cell as a formula (institutions.resources)."""


FORMULA_WITHOUT_VALUE = "是公式，文件中没有保存计算结果，请在 Excel 或 WPS 中打开该文件、保存后重新上传，或将公式单元格“选择性粘贴为数值”"


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing .0, None (or a formula without a value) as empty."""
    if value is None or isinstance(value, UncachedFormula):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
