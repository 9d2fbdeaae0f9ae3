from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """Decimal('87.5') → '87.5%'; None → '—' (nothing was due)."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    return f"{value:.0f}%" if value == value.to_integral() else f"{value:.1f}%"


@register.filter
def reasons_brief(light, limit: int = 6) -> str:
    """A light's reasons for a tooltip: the first few, and how many in all."""
    reasons = list(getattr(light, "reasons", ()) or ())
    if len(reasons) <= limit:
        return "；".join(reasons)
    return "；".join(reasons[:limit]) + f"……（共{len(reasons)}条）"
