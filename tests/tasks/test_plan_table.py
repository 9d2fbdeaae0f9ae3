"""Reading the decomposition table: cells normalised as the annex writes them,
and an empty table said to be empty."""
import io

import pytest
from openpyxl import Workbook

from tasks.plan_table import COLUMNS, EMPTY_TABLE, PlanTableError, clean_text, read_plan_table


def _xlsx(*rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("区人力社保局、\n区教委", "区人力社保局、区教委"),  # a wrapped unit list
        ("加强婴幼儿照护\r\n服务", "加强婴幼儿照护服务"),  # Windows line break between Chinese
        ("\u3000\u3000继续执行我市\u3000规定。\u3000", "继续执行我市规定。"),  # full-width indent and padding
        ("区卫生\u00a0健康委", "区卫生健康委"),  # no-break space
        ("2020\n年完成", "2020年完成"),  # a wrap next to Chinese joins without a space
        ("招收2-3 岁的幼儿", "招收2-3 岁的幼儿"),  # the annex's own space is kept
        ("招收2-3\u3000\u3000岁", "招收2-3 岁"),  # … and a run of spaces becomes one
        ("Hello\nworld", "Hello world"),  # Latin words keep a space
        ("WeChat  mini\tprogram", "WeChat mini program"),
        ("区教委_x000D_\n区妇联", "区教委区妇联"),  # Excel's escaped carriage return
        ("\ufeff区教委\u200b", "区教委"),  # zero-width characters
        ("  \n\u3000 ", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_every_column_is_normalised_the_same_way():
    table = read_plan_table(_xlsx(
        ["  渝中区任务\n分解表 "],
        ["序\n号", "工作\u3000内容", "具体任务", "牵头单位", "责任单位"],
        [" 7 ", "加强\n队伍\u3000建设", "\u3000\u3000大力开展职业道德\n和安全教育。Hello\nworld", "区人力\n社保局\u00a0",
         "区卫生健康委、\n区教委\u3000、区妇联\n等"],
    ))
    assert table.caption == "渝中区任务分解表"
    [row] = table.rows
    assert row.row == 3 and row.number == 7
    assert row.title == "加强队伍建设"
    assert row.content == "大力开展职业道德和安全教育。Hello world"
    assert row.lead == "区人力社保局"
    assert row.responsible == ["区卫生健康委", "区教委", "区妇联"]
    assert row.open_ended is True


def test_a_wrapped_unit_list_parses_like_the_unwrapped_one():
    wrapped = read_plan_table(_xlsx(COLUMNS, [1, "任务", "内容", "区人力社保局", "区人力社保局、\n区教委"]))
    plain = read_plan_table(_xlsx(COLUMNS, [1, "任务", "内容", "区人力社保局", "区人力社保局、区教委"]))
    assert wrapped.rows == plain.rows


@pytest.mark.parametrize(
    "rows",
    [
        (),  # a new, untouched workbook
        ((None, None), ("", "  \u3000")),  # cells that hold only blanks
        (COLUMNS,),  # the header and nothing under it
        (["某区任务分解表"], COLUMNS, ["", "", "", "", ""], [None] * 5),  # caption, header, blank rows
    ],
    ids=["empty", "blank cells", "header only", "header and blank rows"],
)
def test_an_empty_table_says_it_is_empty(rows):
    with pytest.raises(PlanTableError) as excinfo:
        read_plan_table(_xlsx(*rows))
    assert excinfo.value.errors == [EMPTY_TABLE]
    assert EMPTY_TABLE == "表格为空：未找到任何任务行。"
