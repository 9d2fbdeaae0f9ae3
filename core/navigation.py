"""The navigation bar, by role: one table, read by the context processor."""
from dataclasses import dataclass

from accounts.roles import READS_TASKS, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset


NAV_ITEMS: list[NavItem] = [
    NavItem("任务清单", "tasks:list", READS_TASKS),
    NavItem("管理后台", "admin:index", frozenset({Role.COORDINATOR})),
]


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return NAV_ITEMS
    return [item for item in NAV_ITEMS if user.role in item.roles]
