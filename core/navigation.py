"""The navigation bar, by role: one table, read by the context processor."""
from dataclasses import dataclass

from accounts.roles import READS_TASKS, SEES_ALL, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset


NAV_ITEMS: list[NavItem] = [
    NavItem("总览看板", "reports:district", SEES_ALL),
    NavItem("我的任务", "progress:my-tasks", frozenset({Role.OFFICER, Role.LEADER})),
    NavItem("待审核", "progress:review", frozenset({Role.LEADER, Role.COORDINATOR})),
    NavItem("任务清单", "tasks:list", READS_TASKS),
    NavItem("实施方案", "tasks:plans", SEES_ALL),
    NavItem("督办单", "progress:notices", frozenset({Role.COORDINATOR, Role.VIEWER, Role.OFFICER, Role.LEADER})),
    NavItem("备案审核", "institutions:review", frozenset({Role.COORDINATOR, Role.VIEWER})),
    NavItem("托育机构", "institutions:list", SEES_ALL | frozenset({Role.REGISTRAR})),
    NavItem("机构登记", "institutions:registrations", frozenset({Role.REGISTRAR})),
    NavItem("我的机构", "institutions:mine", frozenset({Role.OPERATOR})),
    NavItem("信息公示", "institutions:directory", frozenset(Role)),
    NavItem("本单位看板", "reports:my-department", frozenset({Role.OFFICER, Role.LEADER})),
    NavItem("数据导出", "reports:exports", SEES_ALL | frozenset({Role.OFFICER, Role.LEADER})),
    NavItem("登录锁定", "accounts:lockouts", frozenset({Role.COORDINATOR})),
    NavItem("管理后台", "admin:index", frozenset({Role.COORDINATOR})),
]


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return NAV_ITEMS
    return [item for item in NAV_ITEMS if user.role in item.roles]
