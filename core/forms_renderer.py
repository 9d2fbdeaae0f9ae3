"""The form renderer: Django's, except that <select> is written in Python.

Django renders a select through one template include per option (~0.1 ms
each); the filter bars of the task list and the dashboards carry hundreds of
options (plans, units, sections) and paid more for them than for the rest of the
page. The markup is the same as django/forms/widgets/select.html's."""
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: in order, False left out, True bare."""
    return format_html_join(
        "", "{}", ((format_html(' {}="{}"', name, str(value)) if value is not True else format_html(" {}", name),)
                   for name, value in attrs.items() if value is not False),
    )


def _options(choices) -> str:
    return format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((str(option["value"]), _attrs(option["attrs"]), option["label"]) for option in choices),
    )


def select_html(widget: dict) -> str:
    groups = []
    for group_name, group_choices, _index in widget["optgroups"]:
        options = _options(group_choices)
        groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, options) if group_name else options)
    return format_html('<select name="{}"{}>{}</select>', widget["name"], _attrs(widget["attrs"]),
                       mark_safe("".join(groups)))


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return select_html(context["widget"])
        return super().render(template_name, context, request=request)
