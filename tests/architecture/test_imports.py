"""Dependencies point one way (ARCHITECTURE.md): the app-import table holds for
every import in the portal's code, and a loop added on purpose is caught."""
from .imports import imports_in, violations


def test_the_portal_imports_one_way():
    assert violations() == [], "违反 ARCHITECTURE.md 的导入方向：\n" + "\n".join(violations())


def test_a_deliberate_loop_is_caught():
    loops = {
        "agencies.services": "from tasks.services import assignments_sync_for_group",  # a lower app reaching up
        "tasks.views": "from progress.views import task_page_context",  # another app's view
        "progress.services": "from institutions import services",  # siblings stay apart
        "core.scoping": "def f():\n    from reports.selectors import district\n",  # hidden in a function
    }
    for source, code in loops.items():
        assert violations(imports_in(source, code)), source


def test_what_the_table_allows():
    allowed = {
        "progress.services": "from tasks.models import Assignment",  # down
        "tasks.views": "from progress.selectors import task_page",  # a page reads what is above
        "institutions.services": "from notifications.services import inbox_notify",  # the inbox sits low
        "accounts.views": "from core.views import RoleRequiredMixin",  # core's view helpers serve every app
    }
    for source, code in allowed.items():
        assert violations(imports_in(source, code)) == [], source
