from django import template

from ..selectors import filing_status_text, holiday_arrangement_notice, light_for

register = template.Library()


@register.filter
def filing_status(institution) -> str:
    """已登记待备案 / 新设备案·已提交待审核 / 已备案（变更备案·退回补正）…"""
    return filing_status_text(institution)


@register.filter
def days_left_text(days: int) -> str:
    if days < 0:
        return f"已逾期{-days}个工作日"
    if days == 0:
        return "今日到期"
    return f"剩余{days}个工作日"


@register.filter
def light(days: int) -> str:
    return light_for(days)


@register.inclusion_tag("institutions/_holiday_notice.html", takes_context=True)
def holiday_notice(context) -> dict:
    """The coordinators' reminder to load next year's holiday arrangement (from
    1 November); nothing, and no query, for other roles."""
    request = context.get("request")
    return {"holiday_notice": holiday_arrangement_notice(user=getattr(request, "user", None))}
