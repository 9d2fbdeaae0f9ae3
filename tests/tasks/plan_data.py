"""Generated decomposition tables for import tests and bench/import_plan.py:
n rows of annex-like text (the annex's own tasks, numbered on), 3–8 units a
row including the group 各街道办事处, a few units the portal does not know yet,
some cells wrapped over several lines the way Word and WPS paste them, and
some unit lists ending in 等."""
from __future__ import annotations

import io
import random

from openpyxl import Workbook

from tasks.plan_table import COLUMNS

from .annex import ANNEX

GROUP = "各街道办事处"
KNOWN_UNITS = [
    "区人力社保局", "区卫生健康委", "区住房城市建设委", "区民政局", "区规划自然资源局", "区财政局", "区委编办",
    "区市场监管局", "区发展改革委", "区教委", "区公安分局", "区应急局", "区总工会", "团区委", "区妇联",
    "区计划生育协会",
]
NEW_UNITS = [f"区试点工作专班{n}" for n in range(1, 21)]  # unknown to the fixture: created by the import


def _wrap(text: str, width: int) -> str:
    """A cell as a pasted, wrapped paragraph: a line break every `width` characters."""
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def plan_row(n: int, rng: random.Random) -> list:
    _, title, content, _, _ = ANNEX[(n - 1) % len(ANNEX)]
    title = f"{title}（第{n}项）"
    if n % 3 == 0:
        content = "\u3000\u3000" + _wrap(content, 38)  # indented and wrapped, as pasted from the annex
    lead = rng.choice(KNOWN_UNITS)
    others = [u for u in KNOWN_UNITS if u != lead]
    count = rng.randint(3, 8) - 2  # units in all, less the lead and the group
    responsible = rng.sample(others, count)
    if n % 10 == 0:
        responsible[-1] = NEW_UNITS[n // 10 % len(NEW_UNITS)]
    responsible.insert(rng.randrange(len(responsible) + 1), GROUP)
    units = "、".join(responsible)
    if n % 4 == 0:
        units = units.replace("、", "、\n", 2)  # a wrapped unit list
    if n % 7 == 0:
        units += "等"
    return [n, title, content, lead, units]


def plan_rows(n: int, *, seed: int = 2020) -> list[list]:
    rng = random.Random(seed)
    return [plan_row(i, rng) for i in range(1, n + 1)]


def plan_xlsx_bytes(rows: list[list], *, caption: str = "渝中区3岁以下婴幼儿照护服务工作任务分解表") -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("任务分解表")
    sheet.append([caption])
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
