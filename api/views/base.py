"""What every endpoint shares: token authentication, the client's scope and the bound user's role, a throttle per
client, Chinese problem details, a log row per call, and ETag / If-None-Match on lists."""
from __future__ import annotations

import datetime as dt
import hashlib
import time

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseNotModified
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, generics
from rest_framework.pagination import CursorPagination
from rest_framework.views import APIView

from core import clock

from .. import services

# The dates a plan of this portal can be read at (month arithmetic past year 9999 would fail).
MIN_DAY, MAX_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
ON_PARAMETER = OpenApiParameter(
    "on", OpenApiTypes.DATE, description="截至日期（YYYY-MM-DD），默认今天；灯色与状态按该日结束时计算。",
)


class Pages(CursorPagination):
    """Cursor pages (stable under inserts), 100 rows by default."""

    page_size = 100
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = "id"
    invalid_cursor_message = "游标无效。"


class ApiViewMixin:
    required_scope: str | None = None
    allowed_roles: frozenset | None = None
    endpoint: str = ""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = False  # the token is the login (LoginRequiredMiddleware would redirect)
        return view

    def dispatch(self, request, *args, **kwargs):
        started = time.monotonic()
        status = 500
        try:
            # Chinese detail whatever Accept-Language says (LocaleMiddleware would follow it).
            with translation.override("zh-hans"):
                response = super().dispatch(request, *args, **kwargs)
            status = response.status_code
            return response
        finally:
            # DRF hands the token's user to the Django request too; the session middleware would then open a
            # browser session for every call. A token is not a sign-in.
            request.user = AnonymousUser()
            services.api_call_record(
                client=getattr(self.request, "_api_client", None), method=request.method,
                endpoint=self.endpoint or type(self).__name__, path=request.path, status=status,
                duration_ms=int((time.monotonic() - started) * 1000),
            )

    def on_date(self) -> dt.date:
        value = self.request.query_params.get("on")
        if not value:
            return clock.today()
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise exceptions.ValidationError({"on": ["日期格式应为 YYYY-MM-DD，如 2026-11-30。"]}) from None
        if not MIN_DAY <= day <= MAX_DAY:
            raise exceptions.ValidationError({"on": [f"日期应在 {MIN_DAY} 至 {MAX_DAY} 之间。"]})
        return day


class ApiView(ApiViewMixin, APIView):
    pass


class ApiDetail(ApiViewMixin, generics.RetrieveAPIView):
    pass


class ApiList(ApiViewMixin, generics.ListAPIView):
    """A list: cursor pages, filters, and a strong ETag of the page, so an unchanged page costs a 304."""

    pagination_class = Pages

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method != "GET" or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:40]}"'
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization"
        wanted = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
        if etag in wanted or "*" in wanted:
            not_modified = HttpResponseNotModified()
            for name in ("ETag", "Cache-Control", "Vary"):
                not_modified[name] = response[name]
            return not_modified
        return response
