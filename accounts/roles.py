"""Who is who. Every rule that asks "may this role …" reads these sets."""
from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "督办管理员"
    OFFICER = "officer", "填报员"
    LEADER = "leader", "审核人"
    VIEWER = "viewer", "区领导/督查室"
    REGISTRAR = "registrar", "登记机关"
    OPERATOR = "operator", "托育机构"


# Read everything in the plan.
SEES_ALL = frozenset({Role.COORDINATOR, Role.VIEWER})
# Staff of a unit: see the tasks their unit leads or shares.
UNIT_STAFF = frozenset({Role.OFFICER, Role.LEADER, Role.REGISTRAR})
# Roles that may open the plan's task pages at all.
READS_TASKS = SEES_ALL | UNIT_STAFF
