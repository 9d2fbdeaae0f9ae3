"""The plan as written: plan → sections → work items (the annex's 15 tasks and
the 保障措施), who leads and who is responsible, and the assignments that
turn each listed unit into a reporting obligation."""
from django.conf import settings
from django.db import models

from core.numerals import bracketed

from .labels import item_heading, item_label
from .querysets import AssignmentQuerySet, MilestoneQuerySet, PlanQuerySet, TaskManager


class Plan(models.Model):
    """A plan has a lifecycle (DESIGN.md "Time"): a draft (imported or typed,
    checked and corrected) → in force from a date (periods, reminders, lights)
    → ended (read-only, its state kept as of its end date, with a closing
    summary). The one "is the plan live at D" rule is PlanQuerySet.in_force."""

    class Period(models.IntegerChoices):
        MONTHLY = 1, "按月"
        QUARTERLY = 3, "按季度"

    class Status(models.TextChoices):
        DRAFT = "draft", "草案"
        IN_FORCE = "in_force", "实施中"
        ENDED = "ended", "已结束"

    title = models.CharField("方案名称", max_length=200)
    document_number = models.CharField("文号", max_length=60, blank=True)
    issuer = models.CharField("印发单位", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    period_months = models.PositiveSmallIntegerField("报送周期", choices=Period.choices, default=Period.MONTHLY)
    report_due_day = models.PositiveSmallIntegerField(
        "报送截止日", default=25, help_text="每个报送周期最后一个月的第几日截止（1–28）。"
    )
    # Set by tasks.services.plan_publish / plan_end only (never typed in the admin).
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    in_force_from = models.DateField("实施起始日", null=True, blank=True,
                                     help_text="自该日起报送周期、提醒和灯色生效。")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    closing_summary = models.TextField("结束总结", blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "实施方案"
        verbose_name_plural = "实施方案"
        ordering = ["-issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_number}）" if self.document_number else self.title

    @property
    def label(self) -> str:
        """How lists that mix plans name it: the document number, or the title."""
        return self.document_number or self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def is_open(self) -> bool:
        """Writable: reports, notices and milestones may change (in force, not ended)."""
        return self.status == self.Status.IN_FORCE

    @property
    def reporting_start(self):
        """The first day reporting periods count from."""
        return self.in_force_from or self.issued_on


class Section(models.Model):
    """A heading of 三、主要任务: （一）加强对家庭婴幼儿照护的支持和指导 …"""

    plan = models.ForeignKey(Plan, verbose_name="实施方案", on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("标题", max_length=200)

    class Meta:
        verbose_name = "任务分类"
        verbose_name_plural = "任务分类"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="section_unique_number")]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"

    @property
    def label(self) -> str:
        return bracketed(self.number)


class WorkItem(models.Model):
    """Anything the plan supervises. Two kinds share every rule (assignments,
    reports, lights): the annex's numbered tasks (`Task`) and the 保障措施
    (`Measure`), which have responsible units but no lead."""

    class Kind(models.IntegerChoices):
        TASK = 1, "主要任务"
        MEASURE = 2, "保障措施"

    plan = models.ForeignKey(Plan, verbose_name="实施方案", on_delete=models.CASCADE, related_name="items")
    kind = models.PositiveSmallIntegerField("类型", choices=Kind.choices, default=Kind.TASK)
    section = models.ForeignKey(
        Section, verbose_name="任务分类", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("工作内容", max_length=300)
    content = models.TextField("具体任务")
    lead_unit = models.ForeignKey(
        "agencies.Department", verbose_name="牵头单位", null=True, blank=True,
        on_delete=models.PROTECT, related_name="led_items",
    )
    responsible_units = models.ManyToManyField(
        "agencies.Department", verbose_name="责任单位", through="Responsibility",
        related_name="responsible_items", blank=True,
    )
    units_open_ended = models.BooleanField(
        "责任单位以“等”结尾", default=False,
        help_text="原文责任单位列表以“等”字结尾，表示并非穷举；平台不虚构单位。",
    )

    objects = TaskManager()

    class Meta:
        verbose_name = "督办事项"
        verbose_name_plural = "督办事项"
        ordering = ["plan", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "number"], name="workitem_unique_number"),
        ]

    def __str__(self) -> str:
        return item_heading(self.kind, self.number, self.title)

    @property
    def label(self) -> str:
        return item_label(self.kind, self.number)

    @property
    def responsible_units_text(self) -> str:
        """The annex's 责任单位 cell: units in order, 、-separated, "等" kept, —— for none."""
        names = [r.department.name for r in self.responsibilities.all()]
        if not names:
            return "——"
        return "、".join(names) + ("等" if self.units_open_ended else "")


class TaskManagerForTasks(TaskManager):
    kind = WorkItem.Kind.TASK


class TaskManagerForMeasures(TaskManager):
    kind = WorkItem.Kind.MEASURE


class Task(WorkItem):
    """序号 1–15 of the annex (工作内容 = title, 具体任务 = content)."""

    objects = TaskManagerForTasks()

    class Meta:
        proxy = True
        verbose_name = "主要任务"
        verbose_name_plural = "主要任务"


class Measure(WorkItem):
    """四、保障措施 （一）…（五）: supervised like tasks, with no lead unit."""

    objects = TaskManagerForMeasures()

    class Meta:
        proxy = True
        verbose_name = "保障措施"
        verbose_name_plural = "保障措施"


class Responsibility(models.Model):
    """One 责任单位 as the annex lists it, in the annex's order (a group such as
    各街道办事处 appears once here and expands into one assignment per member)."""

    task = models.ForeignKey(WorkItem, verbose_name="督办事项", on_delete=models.CASCADE, related_name="responsibilities")
    department = models.ForeignKey("agencies.Department", verbose_name="责任单位", on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("排列顺序", default=0)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["task", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="responsibility_unique")]

    def __str__(self) -> str:
        return f"{self.task.label} {self.department.name}"


class Assignment(models.Model):
    """One unit's obligation on one work item: the thing that reports, gets a
    light and receives reminders."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头单位"
        RESPONSIBLE = "responsible", "责任单位"

    task = models.ForeignKey(WorkItem, verbose_name="督办事项", on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        "agencies.Department", verbose_name="单位", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("职责", max_length=16, choices=Role.choices)
    via_group = models.ForeignKey(
        "agencies.Department", verbose_name="经由单位组", null=True, blank=True,
        on_delete=models.PROTECT, related_name="group_assignments",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        ordering = ["task", "role", "department__position", "department__name"]
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="assignment_unique_unit")]

    def __str__(self) -> str:
        return f"{self.task.label} {self.department.name}（{self.get_role_display()}）"


class Milestone(models.Model):
    """A dated target: on a task, or plan-wide (task empty) such as the plan's
    2020 and 2025 development goals. A metric milestone has a target value."""

    plan = models.ForeignKey(Plan, verbose_name="实施方案", on_delete=models.CASCADE, related_name="milestones")
    task = models.ForeignKey(
        WorkItem, verbose_name="督办事项", null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField("节点目标", max_length=300)
    description = models.TextField("说明", blank=True)
    due_date = models.DateField("完成时限")
    target_value = models.DecimalField("目标值", max_digits=12, decimal_places=2, null=True, blank=True)
    value_unit = models.CharField("计量单位", max_length=20, blank=True)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class MetricSource(models.TextChoices):
        """Indicators the portal computes from its own data: "<app>.<name>"
        names the function `<app>/indicators.py: <name>(as_of)` returning the value at that day."""

        FILING_COMPLETION_RATE = "institutions.filing_completion_rate", "现有托育机构登记备案完成率"
        DEMONSTRATION_COUNT = "institutions.demonstration_count", "示范性托育机构数量"
        # Tasks 10–13 (regulation of institutions, issue 15): computed from the registry's facts.
        INCLUSIVE_PLACES = "institutions.inclusive_places", "普惠托位数"
        INCLUSIVE_SHARE = "institutions.inclusive_share", "普惠托位占已备案托位比例（%）"
        UTILISATION_RATE = "institutions.utilisation_rate", "托位使用率（在托人数/托位数，%）"
        ASSESSED_COUNT = "institutions.assessed_count", "完成质量评估（已确认）的托育机构数"
        FAMILY_POINT_COUNT = "institutions.family_point_count", "已备案家庭托育点数量"
        INSPECTION_COVERAGE_RATE = "regulation.inspection_coverage_rate", "已备案托育机构本年度监督检查覆盖率"
        RECTIFICATION_ON_TIME_RATE = "regulation.rectification_on_time_rate", "检查问题按期整改销号率"
        HEALTH_CERTIFICATE_VALID_RATE = "regulation.health_certificate_valid_rate", "从业人员健康证明有效率"

    # A metric's current value: typed in (current_value), or computed live when
    # metric_source names an indicator (never typed in twice).
    current_value = models.DecimalField("当前值", max_digits=12, decimal_places=2, null=True, blank=True)
    metric_source = models.CharField(
        "指标来源", max_length=80, blank=True, choices=MetricSource.choices,
        help_text="由平台数据自动计算的指标；为空则由督办管理员填写当前值。",
    )
    # Met = evidence plus the coordinator's confirmation (progress.services.milestone_confirm).
    met_on = models.DateField("达成日期", null=True, blank=True)
    evidence = models.TextField("达成依据", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = "节点目标"
        verbose_name_plural = "节点目标"
        ordering = ["due_date", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_metric(self) -> bool:
        return self.target_value is not None
