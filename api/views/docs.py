"""The schema, Swagger UI and Redoc, served from the portal itself (drf-spectacular-sidecar; nothing from a CDN).
Public: the documentation holds no data."""
from __future__ import annotations

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

# The UIs set inline style attributes and Redoc starts a worker from a blob; only these two pages allow that.
_DOCS_CSP = {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"], "img-src": ["data:"]}


class _Public:
    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = False
        return view


class SchemaView(_Public, SpectacularAPIView):
    pass


class SwaggerView(_Public, SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "渝中区托育督办平台 API"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        wrapped = csp_update(_DOCS_CSP)(view)
        wrapped.login_required = False
        return wrapped


class RedocView(_Public, SpectacularRedocView):
    template_name = "api/redoc.html"
    title = "渝中区托育督办平台 API"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        wrapped = csp_update(_DOCS_CSP)(view)
        wrapped.login_required = False
        return wrapped
