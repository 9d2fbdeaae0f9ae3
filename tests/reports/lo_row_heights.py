"""Run by Debian's /usr/bin/python3 (python3-uno), never by the venv: opens an
.xlsx in a headless LibreOffice and prints, as JSON, each used row's height as
written and LibreOffice's optimal height for the row's content (1/100 mm).

usage: lo_row_heights.py WORKBOOK.xlsx PROFILE_DIR [FONT ...]

Prints {FONT: sheets}, once for the font the file names ("") and once for each
FONT: every cell's Western and Asian font set to it before the optimal heights
are measured (a district office's Linux desktop has Noto Sans
CJK, not 宋体). LibreOffice's optimal row height leaves merged cells out (as
Excel's does), so each merged area is measured on its own: its text, font and
wrapping copied into one cell as wide as the area, on a scratch sheet; the
area's rows must add up to that cell's optimal height ("areas" in the output).
"""
import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 60
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def measure(document, font):
    sheets = []
    count = document.Sheets.Count  # before the scratch sheet is added
    for index in range(count):
        sheet = document.Sheets.getByIndex(index)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        last_row = cursor.RangeAddress.EndRow
        last_col = cursor.RangeAddress.EndColumn
        if font:
            used = sheet.getCellRangeByPosition(0, 0, last_col, last_row)
            used.CharFontName = font
            used.CharFontNameAsian = font
        rows = []
        for r in range(last_row + 1):
            row = sheet.Rows.getByIndex(r)
            written = row.Height
            texts = [sheet.getCellByPosition(c, r).String for c in range(last_col + 1)]
            merged = any(sheet.getCellByPosition(c, r).IsMerged for c in range(last_col + 1))
            row.OptimalHeight = True
            rows.append({"row": r + 1, "written": written, "optimal": row.Height, "merged": merged,
                         "text": " | ".join(t for t in texts if t)[:120]})
            row.Height = written  # as it was, for the next measure
        sheets.append({"name": sheet.Name, "rows": rows, "areas": merged_areas(document, sheet, last_row, last_col)})
    return sheets


def merged_areas(document, sheet, last_row, last_col):
    areas, seen = [], set()
    for r in range(last_row + 1):
        for c in range(last_col + 1):
            cell = sheet.getCellByPosition(c, r)
            if not cell.IsMerged or (r, c) in seen:
                continue
            cursor = sheet.createCursorByRange(cell)
            cursor.collapseToMergedArea()
            a = cursor.RangeAddress
            seen.update((rr, cc) for rr in range(a.StartRow, a.EndRow + 1) for cc in range(a.StartColumn, a.EndColumn + 1))
            if not cell.String:
                continue
            width = sum(sheet.Columns.getByIndex(cc).Width for cc in range(a.StartColumn, a.EndColumn + 1))
            height = sum(sheet.Rows.getByIndex(rr).Height for rr in range(a.StartRow, a.EndRow + 1))
            areas.append({"row": r + 1, "col": c + 1, "written": height, "optimal": _alone(document, cell, width),
                          "text": cell.String[:120]})
    return areas


def _alone(document, cell, width):
    """The optimal height of `cell`'s text in a single cell `width` wide."""
    if not document.Sheets.hasByName("_measure"):
        document.Sheets.insertNewByName("_measure", document.Sheets.Count)
    scratch = document.Sheets.getByName("_measure")
    scratch.Columns.getByIndex(0).Width = width
    target = scratch.getCellByPosition(0, 0)
    target.String = cell.String
    for name in ("CharHeight", "CharWeight", "CharFontName", "CharFontNameAsian", "CharHeightAsian",
                 "CharWeightAsian", "IsTextWrapped", "ParaIndent"):
        try:
            target.setPropertyValue(name, cell.getPropertyValue(name))
        except Exception:  # a property this cell type lacks
            pass
    target.IsTextWrapped = True
    row = scratch.Rows.getByIndex(0)
    row.OptimalHeight = True
    return row.Height


def main():
    path, profile = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    fonts = ["", *sys.argv[3:]]
    pipe = f"rowheights{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        context = connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        result = {}
        for font in fonts:  # the file afresh for each font
            document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0,
                                                    (prop("Hidden", True),))
            try:
                result[font] = measure(document, font)
            finally:
                document.close(True)
        print(json.dumps(result, ensure_ascii=False))
        try:
            desktop.terminate()
        except Exception:  # the bridge goes away as office quits
            pass
        office.wait(timeout=30)
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()


if __name__ == "__main__":
    main()
