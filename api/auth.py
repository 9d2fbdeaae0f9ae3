"""Who is calling: a bearer token mapped to its client and the portal user the client is bound to, so every read
goes through that user's `for_user` scope and every write through the same rules.py as the pages. Revocation and
expiry take effect on the next call (the row is read on every call; nothing is cached)."""
from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, permissions, throttling
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.roles import has_role
from core import clock

from .models import ApiClient
from .tokens import token_matches, token_prefix

INVALID = "令牌无效、已过期或已被吊销。"


class TokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization 头格式应为“Bearer <令牌>”。")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        prefix = token_prefix(token)
        client = None
        if prefix:  # the prefix is unique: get() reads the one row, without first()'s ORDER BY
            try:
                client = ApiClient.objects.select_related("user", "user__department").get(prefix=prefix)
            except ApiClient.DoesNotExist:
                pass
        if client is None or not token_matches(token, client.token_hash):
            raise exceptions.AuthenticationFailed(INVALID)
        if client.revoked_at is not None or client.expires_at <= clock.now() or not client.user.is_active:
            request._api_client = client  # logged against it, refused all the same
            raise exceptions.AuthenticationFailed(INVALID)
        request._api_client = client
        return client.user, client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ClientScope(permissions.BasePermission):
    """The view's `required_scope` must be among the client's scopes, and the bound user's role among the view's
    `allowed_roles` (the pages' own role sets, accounts.roles)."""

    message = "该客户端无权访问此接口。"

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return False
        scope = getattr(view, "required_scope", None)
        if scope is None or scope not in client.scopes:
            self.message = "该客户端未获授权访问此接口（授权范围不含此项）。"
            return False
        allowed = getattr(view, "allowed_roles", None)
        if allowed is not None and not has_role(request.user, allowed):
            self.message = "绑定账号的角色无权访问此接口。"
            return False
        return True


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Per client (not per address): many systems may sit behind one gateway."""

    scope = "api_client"

    def get_rate(self):
        return settings.API_RATE  # read per call, so a deployment (or a test) sets it without reloading

    def get_cache_key(self, request, view):
        client = request.auth
        ident = f"client-{client.pk}" if isinstance(client, ApiClient) else f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
