from django.db import models

from core.scoping import ScopedQuerySet


class DepartmentQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        # Unit names are public knowledge inside the portal; every signed-in
        # user may read the list (it labels tasks and reports).
        return self

    def reporting(self):
        """Units that report on their own (a group reports through its members)."""
        return self.exclude(kind=Department.Kind.GROUP)


class Department(models.Model):
    """A government unit, street office or mass organisation, named exactly as
    the plan's annex writes it. A *group* (各街道办事处) stands for its members:
    an assignment to the group reaches each member, who reports on its own."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", "政府部门"
        STREET = "street", "街道办事处"
        MASS = "mass", "群团组织"
        GROUP = "group", "单位组"

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类别", max_length=16, choices=Kind.choices, default=Kind.GOVERNMENT)
    members = models.ManyToManyField(
        "self", verbose_name="组成员", symmetrical=False, blank=True,
        related_name="groups", limit_choices_to={"kind__in": ["street", "government", "mass"]},
        help_text="仅对“单位组”有效：如“各街道办事处”包含区内每个街道办事处。",
    )
    position = models.PositiveIntegerField("排序", default=0)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP
