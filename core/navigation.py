"""The navigation bar, read by the context processor.

Who sees an entry is not written here: it is the page's own rule, read from
the view the URL name resolves to (its `allowed_roles`, core.views.RoleRequiredMixin;
a page without one is open to every signed-in user). An entry may narrow that
with `only`, a predicate of accounts.roles, where the page is one role's
starting point rather than everyone's who may open it; the admin site's entry
asks the admin site's own rule."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import resolve, reverse

from accounts.roles import acts_for_unit, has_role, registers_own_authority_only, sees_all
from regulation.rules import can_read_inspections


def _opens_admin_site(user) -> bool:
    # django.contrib.admin.AdminSite.has_permission, without a request.
    return bool(user.is_active and user.is_staff)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    only: Callable | None = None  # narrows the page's own rule for the menu
    opens: Callable | None = None  # the page's rule, for a page that is not a RoleRequiredMixin view

    def shown_to(self, user) -> bool:
        if self.only is not None and not self.only(user):
            return False
        if self.opens is not None:
            return self.opens(user)
        allowed = _allowed_roles(self.url_name)
        return allowed is None or has_role(user, allowed)


@cache
def _allowed_roles(url_name: str) -> frozenset | None:
    """The `allowed_roles` of the view behind a URL name; None: any signed-in user."""
    view_class = getattr(resolve(reverse(url_name)).func, "view_class", None)
    return getattr(view_class, "allowed_roles", None)


NAV_ITEMS: list[NavItem] = [
    NavItem("待办", "reports:todo"),
    NavItem("总览看板", "reports:district"),
    NavItem("我的任务", "progress:my-tasks"),
    NavItem("待审核", "progress:review"),
    NavItem("任务清单", "tasks:list"),
    NavItem("实施方案", "tasks:plans"),
    NavItem("督办单", "progress:notices"),
    NavItem("备案审核", "institutions:review"),
    NavItem("托育机构", "institutions:list"),
    # Coordinators and viewers reach registrations from 托育机构; a registrar starts here.
    NavItem("机构登记", "institutions:registrations", only=registers_own_authority_only),
    NavItem("我的机构", "institutions:mine"),
    NavItem("信息公示", "institutions:directory"),
    # Regulation (tasks 10–13): the district and the inspecting units; an institution reads its own.
    NavItem("监督检查", "regulation:inspections", only=can_read_inspections),
    NavItem("本机构监管", "regulation:mine"),
    # A unit hears of a complaint assigned to it in its inbox; the list is the district's.
    NavItem("投诉处理", "regulation:complaints", only=sees_all),
    NavItem("终身禁入", "regulation:bans"),
    # Who reads everything opens a unit's dashboard from the district overview.
    NavItem("本单位看板", "reports:my-department", only=acts_for_unit),
    NavItem("数据导出", "reports:exports"),
    NavItem("登录锁定", "accounts:lockouts"),
    NavItem("工作消息", "messenger:channels"),
    NavItem("接口客户端", "api:clients"),
    NavItem("管理后台", "admin:index", opens=_opens_admin_site),
]


def items_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV_ITEMS if item.shown_to(user)]
