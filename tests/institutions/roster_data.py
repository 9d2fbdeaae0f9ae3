"""Generated rosters for import tests and bench/import_roster.py: n valid rows
(genuine credit codes, every street, all three authorities), optionally with
one bad row at a given spreadsheet row number (header = row 1)."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from institutions.roster import HEADERS
from institutions.validators import make_credit_code

STREETS = ["解放碑街道办事处", "朝天门街道办事处", "南纪门街道办事处", "七星岗街道办事处", "两路口街道办事处",
           "上清寺街道办事处", "菜园坝街道办事处", "大溪沟街道办事处", "大坪街道办事处", "化龙桥街道办事处",
           "石油路街道办事处"]
KINDS = [
    ("91500103", "营利性", "企业", "区市场监管局"),
    ("52500103", "非营利性", "社会组织", "区民政局"),
    ("12500103", "非营利性", "事业单位", "区委编办"),
]


def roster_row(n: int, *, offset: int = 0) -> list:
    prefix, nature, form, authority = KINDS[n % 3]
    code = make_credit_code(prefix, f"{n + offset:08d}")
    return [
        f"渝中区第{n}托育中心", code, nature, form, authority, STREETS[n % len(STREETS)], f"渝中区测试路{n}号",
        "王负责人", "李联系", "023-6300%04d" % (n % 10000), "023-6311%04d" % (n % 10000), "全日托、计时托",
        20 + n % 100, "是" if n % 2 else "否", "否", "否", "否", "否", "否", "2020-07-01",
    ]


def roster_rows(n: int, *, bad_line: int | None = None, offset: int = 0) -> list[list]:
    rows = [roster_row(i, offset=offset) for i in range(1, n + 1)]
    if bad_line is not None:
        bad = rows[bad_line - 2]  # spreadsheet row → list index (header is row 1)
        bad[1] = bad[1][:-1] + ("0" if bad[1][-1] != "0" else "1")  # wrong check digit
    return rows


def xlsx_bytes(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("托育机构名册")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], headers: list[str] = HEADERS, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        name = chr(65 + rem) + name
    return name


def excel_like_xlsx_bytes(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    """An .xlsx laid out as Excel saves it (text in sharedStrings.xml), which
    is what users upload; openpyxl itself writes inline strings instead."""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}

    def cell(ref: str, value) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<c r="{ref}"><v>{value}</v></c>'
        text = str(value)
        index = strings.setdefault(text, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    body = []
    for r, values in enumerate([headers, *rows], start=1):
        cells = "".join(cell(f"{_col(c)}{r}", v) for c, v in enumerate(values) if v not in (None, ""))
        body.append(f'<row r="{r}">{cells}</row>')
    last = f"{_col(max(len(headers), *(len(r) for r in rows)) - 1)}{len(rows) + 1}"
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns='
             f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:{last}"/><sheetData>'
             + "".join(body)
             + "</sheetData></worksheet>")
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns='
              f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{ns}/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": shared,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
