from django.conf import settings
from django.urls import reverse

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    links = []
    for item in items_for(user) if user is not None else []:
        url = reverse(item.url_name)
        links.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return {"site_title": settings.PORTAL["SITE_TITLE"], "nav_items": links}
