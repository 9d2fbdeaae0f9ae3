"""Errors as RFC 9457 problem details (application/problem+json), with the detail in Chinese: the same messages
the pages show (a service's ValidationError keeps its field names in `errors`)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.service_calls import StateConflict

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "请求有误", 401: "未通过身份认证", 403: "无权访问", 404: "未找到", 405: "不支持该请求方法",
    406: "无法提供所请求的格式", 409: "与当前状态冲突", 415: "不支持的请求体格式", 422: "无法处理的请求",
    429: "请求过于频繁",
}
NOT_FOUND = "对象不存在，或不在本客户端可见的范围内。"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "与当前状态冲突。"
    default_code = "conflict"


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def _field_errors(detail) -> dict | None:
    if isinstance(detail, dict):
        return {name: _messages(value) for name, value in detail.items()}
    return None


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "无法处理的请求。"
    default_code = "unprocessable"


def _translated(exc):
    """Django's own refusals (from services and selectors) as the API's exceptions."""
    if getattr(exc, "code", None) == "idempotency_mismatch":
        return Unprocessable("；".join(exc.messages))
    if isinstance(exc, StateConflict) or getattr(exc, "code", None) == "idempotency_running":
        return Conflict("；".join(exc.messages))
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError({k: v for k, v in exc.message_dict.items()})
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        return exceptions.NotFound(NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or "无权执行此操作。")
    if isinstance(exc, exceptions.NotFound):
        return exceptions.NotFound(NOT_FOUND if str(exc.detail) in ("Not found.", "未找到。") else exc.detail)
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return exceptions.Throttled(wait=exc.wait, detail=f"请求过于频繁，请在 {wait} 秒后重试。")
    if isinstance(exc, exceptions.ParseError):
        return exceptions.ParseError("请求体无法解析，请检查格式。")
    return exc


def problem_response(status_code: int, detail: str, *, instance: str = "", errors: dict | None = None,
                     headers: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": TITLES.get(status_code, "请求失败"), "status": status_code,
            "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def problem_exception_handler(exc, context):
    exc = _translated(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a server error: Django's 500
    detail = getattr(exc, "detail", "")
    errors = _field_errors(detail)
    if errors is not None:
        text = "；".join(_messages(detail))
    else:
        text = "；".join(_messages(detail)) or TITLES.get(response.status_code, "请求失败")
    request = context.get("request")
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    return problem_response(response.status_code, text, instance=request.path if request else "", errors=errors,
                            headers=headers)
