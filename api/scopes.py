"""What a client may read and write: the names a coordinator ticks when registering it."""
from __future__ import annotations

SCOPE_CHOICES = [
    ("plans", "实施方案与督办事项"),
    ("assignments", "任务分工与灯色"),
    ("reports", "审核通过的进展报告"),
    ("milestones", "节点目标"),
    ("notices", "督办单"),
    ("directory", "信息公示（已备案机构公开信息）"),
    ("institutions", "托育机构与备案（按账号范围）"),
    ("indicators", "全区指标"),
    ("reports:write", "报送进展报告"),
]
ALL_SCOPES = frozenset(code for code, _ in SCOPE_CHOICES)
READ_SCOPES = frozenset(code for code in ALL_SCOPES if not code.endswith(":write"))
WRITE_REPORTS = "reports:write"
