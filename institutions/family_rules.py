"""The limits of a 家庭托育点 (《家庭托育点管理办法（试行）》, 国家卫生健康委 2023): at most 5 children
in care, at least one carer for every 3 children. Beside the class-limit checks of rules.py; one
function for every side that needs it — registration (托位数), filing (declared classes), the
inspection (children and carers found on the day) and the monthly enrolment."""
from __future__ import annotations

import math

FAMILY_MAX_CHILDREN = 5
FAMILY_CHILDREN_PER_CARER = 3
FAMILY = "family"


def is_family_point(category: str | None) -> bool:
    return category == FAMILY


def family_point_problems(*, children: int | None, carers: int | None = None, what: str = "收托") -> list[str]:
    """What breaks the 家庭托育点 limits, in Chinese; empty when nothing does.

    `children` are the children in care (or the places offered), `carers` the carers present
    (None: not checked, e.g. a registration that states only 托位数). The inspection side calls
    this with what it found on the day."""
    problems = []
    children = children or 0
    if children > FAMILY_MAX_CHILDREN:
        problems.append(
            f"家庭托育点{what}{children}人，超过《家庭托育点管理办法（试行）》每个托育点不超过{FAMILY_MAX_CHILDREN}人的上限。"
        )
    if carers is not None and children:
        needed = math.ceil(children / FAMILY_CHILDREN_PER_CARER)
        if carers < needed:
            problems.append(
                f"家庭托育点照护人员{carers}人，低于1:{FAMILY_CHILDREN_PER_CARER}的配比（{children}名婴幼儿至少需要{needed}名照护人员）。"
            )
    return problems


def family_filing_problems(filing) -> list[str]:
    """A filing of a 家庭托育点 is refused when its 托位数 or its declared classes (children and
    carers in total) break the limits; a filing of any other institution has none."""
    if not is_family_point(filing.institution.category):
        return []
    classes = list(filing.classes.all())
    children = sum(c.children for c in classes)
    carers = sum(c.caregivers for c in classes)
    return [
        *family_point_problems(children=filing.capacity, what="托位数"),
        *(family_point_problems(children=children, carers=carers, what="班级设置收托") if classes else []),
    ]
