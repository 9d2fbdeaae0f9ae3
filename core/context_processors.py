from django.conf import settings
from django.urls import reverse

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    links = [{"label": item.label, "url": reverse(item.url_name)} for item in (items_for(user) if user else [])]
    # One entry is the current page: the longest link the path starts with (/tasks/plans/ is
    # 实施方案, not also 任务清单 at /tasks/).
    current = max((link["url"] for link in links if request.path.startswith(link["url"])), key=len, default=None)
    for link in links:
        link["active"] = link["url"] == current
    return {"site_title": settings.PORTAL["SITE_TITLE"], "nav_items": links}
