"""`{% load roles %}` … `{% if user|has_role:"READS_EVERYTHING" %}`: templates ask by
the role sets' names of accounts.roles, never by a role."""
from django import template

from accounts import roles

register = template.Library()


@register.filter
def has_role(user, set_name: str) -> bool:
    allowed = getattr(roles, set_name, None)
    if not isinstance(allowed, frozenset):
        raise template.TemplateSyntaxError(f"accounts.roles 中没有角色集合 {set_name}")
    return roles.has_role(user, allowed)
