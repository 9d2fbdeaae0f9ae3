"""The OpenAPI document's conventions, said once: every operation documents its problem-details errors
(application/problem+json), lists document ETag / If-None-Match (304), and the bearer token is the security scheme."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .problems import PROBLEM_TYPE

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="上次响应的 ETag；列表未变化时返回 304（无正文）。",
)
ERROR_CODES = ("400", "401", "403", "404", "406", "429")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details; `detail` in Chinese, `errors` per field for a refused submission."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)

    class Meta:
        ref_name = "Problem"


class ApiSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET" and self._is_list_view():
            parameters.append(IF_NONE_MATCH)
        return parameters

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction != "response":
            return bodies
        codes = list(ERROR_CODES)
        if self.method == "POST":
            codes += ["409", "415", "422"]
        for code in codes:
            bodies.setdefault(code, self._get_response_for_code(ProblemSerializer, code, media_types=[PROBLEM_TYPE]))
        if self.method == "GET" and self._is_list_view():
            bodies["304"] = {"description": "列表自上次请求后未变化（If-None-Match 与 ETag 相同）。"}
        return bodies


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "督办管理员登记客户端时显示一次的令牌：yz_<前缀>_<密钥>"}


# The integer bounds Django derives from the database's column types (smallint, integer, bigint): they differ
# between SQLite and PostgreSQL, so the committed schema says neither.
_DATABASE_BOUNDS = {32767, 2147483647, 9223372036854775807}


def _drop_database_bounds(node):
    if isinstance(node, dict):
        if node.get("maximum") in _DATABASE_BOUNDS:
            node.pop("maximum")
            if node.get("type") == "integer":
                node.pop("format", None)
        for value in node.values():
            _drop_database_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _drop_database_bounds(value)


def database_neutral(result, generator, request, public):
    """drf-spectacular postprocessing hook: the same document whatever database the code runs on."""
    _drop_database_bounds(result)
    return result
