"""Issue 13: one home for every rule. Roles are named in accounts/roles.py (the role
sets and the predicates about the user) and the apps' rules.py (the permissions);
everything else — views, selectors, services, querysets, navigation, templates,
settings — asks through those names. This test greps the portal for a role named
anywhere else and must find nothing."""
from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from accounts import roles
from core import navigation

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "agencies", "audit", "core", "institutions", "notifications", "progress", "reports", "tasks",
        "yuzhong_care")
# The demo and scale-data builders create one account per role, so they must name roles.
BUILDERS = {"accounts/demo.py", "progress/demo.py", "reports/scale.py"}

ROLE_NAMES = "coordinator|officer|leader|viewer|registrar|operator"
LITERAL = re.compile(rf"""["']({ROLE_NAMES})["']|\bRole\.(COORDINATOR|OFFICER|LEADER|VIEWER|REGISTRAR|OPERATOR)\b""")
# In templates, any comparison of a user's role (a template has no Role to import).
TEMPLATE_ROLE = re.compile(rf"""user\.role\b|["']({ROLE_NAMES})["']""")


def _allowed_home(relative: str) -> bool:
    return relative == "accounts/roles.py" or relative.endswith("/rules.py") or relative in BUILDERS


def role_literals(root: Path = ROOT) -> list[str]:
    """`path:line: text` of every role named outside its homes."""
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative or _allowed_home(relative):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if LITERAL.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    for path in sorted((root / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if TEMPLATE_ROLE.search(line):
                found.append(f"{path.relative_to(root).as_posix()}:{number}: {line.strip()}")
    return found


def test_no_role_is_named_outside_roles_and_rules():
    assert role_literals() == []


def test_the_grep_finds_a_literal_when_one_is_added(tmp_path):
    """The check is not vacuous: a copy of the tree with one inline role check fails it."""
    for app in APPS:
        (tmp_path / app).mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "reports" / "views.py").write_text('if user.role == "viewer":\n    pass\n', encoding="utf-8")
    (tmp_path / "tasks" / "views.py").write_text("allowed = {Role.COORDINATOR}\n", encoding="utf-8")
    (tmp_path / "templates" / "x.html").write_text('{% if user.role == "leader" %}{% endif %}\n', encoding="utf-8")
    (tmp_path / "tasks" / "rules.py").write_text("allowed = {Role.COORDINATOR}\n", encoding="utf-8")  # a home
    assert [line.split(":")[0] for line in role_literals(tmp_path)] == [
        "reports/views.py", "tasks/views.py", "templates/x.html",
    ]


def test_every_role_set_is_defined_once_and_no_two_are_synonyms():
    sets = {name: value for name, value in vars(roles).items() if name.isupper() and isinstance(value, frozenset)}
    by_value: dict[frozenset, list[str]] = {}
    for name, value in sets.items():
        by_value.setdefault(value, []).append(name)
    assert [names for names in by_value.values() if len(names) > 1] == []
    assert {"COORDINATES", "READS_EVERYTHING", "WRITES_REPORTS", "REVIEWS_REPORTS", "REGISTERS_INSTITUTIONS",
            "FILES_INSTITUTIONS"} <= set(sets)


# --- the superuser: a coordinator, the same way everywhere ------------------------------------


class _User:
    is_authenticated = True
    is_active = True
    is_staff = False
    department_id = None
    institution_id = None

    def __init__(self, role, *, is_superuser=False):
        self.role, self.is_superuser = role, is_superuser


def test_a_superuser_counts_as_a_coordinator_whatever_its_role_field():
    su = _User(roles.Role.VIEWER, is_superuser=True)
    assert roles.is_coordinator(su) and roles.sees_all(su)
    assert roles.roles_of(su) == {roles.Role.VIEWER, roles.Role.COORDINATOR}
    # … and not as every role: a coordinator writes no unit's reports and runs no institution.
    assert not roles.has_role(su, roles.WRITES_REPORTS) and not roles.runs_institution(su)
    assert not roles.registers_own_authority_only(_User(roles.Role.REGISTRAR, is_superuser=True))
    assert roles.registers_own_authority_only(_User(roles.Role.REGISTRAR))


def test_nobody_signed_in_has_no_role():
    class Anonymous:
        is_authenticated = False

    assert roles.roles_of(Anonymous()) == frozenset() and not roles.sees_all(None)


# --- navigation: derived from the views --------------------------------------------------------


def _menu(user) -> list[str]:
    return [item.label for item in navigation.items_for(user)]


def test_navigation_is_read_from_the_views_allowed_roles():
    """Each entry's page rule is the view's own: no entry shows a page its view refuses."""
    from django.urls import resolve

    for role in roles.Role:
        user = _User(role)
        for item in navigation.items_for(user):
            if item.opens is not None:
                continue
            view_class = getattr(resolve(reverse(item.url_name)).func, "view_class", None)
            allowed = getattr(view_class, "allowed_roles", None)
            assert allowed is None or role in allowed, (role, item.url_name)


def test_navigation_by_role_is_as_before():
    """The same menus as the old hand-written table, for every role."""
    R = roles.Role
    assert _menu(_User(R.COORDINATOR)) == [
        "待办", "总览看板", "待审核", "任务清单", "实施方案", "督办单", "备案审核", "托育机构", "信息公示", "监督检查",
        "投诉处理", "终身禁入", "数据导出", "登录锁定", "工作消息", "接口客户端",
    ]
    assert _menu(_User(R.VIEWER)) == ["总览看板", "任务清单", "实施方案", "督办单", "备案审核", "托育机构", "信息公示",
                                      "监督检查", "投诉处理", "数据导出"]
    assert _menu(_User(R.OFFICER)) == ["我的任务", "任务清单", "督办单", "信息公示", "本单位看板", "数据导出"]
    assert _menu(_User(R.LEADER)) == ["我的任务", "待审核", "任务清单", "督办单", "信息公示", "本单位看板", "数据导出"]
    assert _menu(_User(R.REGISTRAR)) == ["任务清单", "托育机构", "机构登记", "信息公示"]
    assert _menu(_User(R.OPERATOR)) == ["我的机构", "信息公示", "监督检查", "本机构监管"]
    # The admin site's entry follows the admin site's own rule (an active staff account).
    staff = _User(R.COORDINATOR)
    staff.is_staff = True
    assert _menu(staff)[-1] == "管理后台"
    # A superuser's menu is a coordinator's (it was every entry, one role's pages such as 我的机构 too).
    su = _User(R.COORDINATOR, is_superuser=True)
    su.is_staff = True
    assert _menu(su) == _menu(staff)
