import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Department

from .models import Plan, Section, WorkItem


def _plans(request):
    """Only the plans the user may see (a draft is the coordinators' own)."""
    return Plan.objects.for_user(request.user) if request is not None else Plan.objects.none()


def _sections(request):
    return Section.objects.filter(plan__in=_plans(request).values("pk")).select_related("plan")


class WorkItemFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("实施方案"), queryset=_plans, empty_label=_("全部"))
    section = django_filters.ModelChoiceFilter(label=_("任务分类"), queryset=_sections, empty_label=_("全部"))
    lead_unit = django_filters.ModelChoiceFilter(
        label=_("牵头单位"), queryset=Department.objects.filter(led_items__isnull=False).distinct(), empty_label=_("全部")
    )
    responsible_unit = django_filters.ModelChoiceFilter(
        label=_("责任单位"), method="filter_responsible", empty_label=_("全部"),
        queryset=Department.objects.filter(assignments__role="responsible").distinct(),
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=WorkItem.Kind.choices, empty_label=_("全部"))

    class Meta:
        model = WorkItem
        fields = ["plan", "section", "kind", "lead_unit", "responsible_unit", "q"]

    def filter_responsible(self, queryset, name, value):
        # Members of a group count: 七星岗街道办事处 finds the tasks of 各街道办事处.
        return queryset.filter(
            pk__in=WorkItem.objects.filter(
                assignments__department=value, assignments__role="responsible"
            ).values("pk")
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(content__icontains=value))
