"""API tokens: `yz_<prefix>_<secret>`; the prefix finds the client's row, only sha256(token) is stored."""
from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_START = "yz_"


def token_new() -> tuple[str, str, str]:
    """(token, prefix, hash) of a fresh token: 32 random bytes behind a short public prefix."""
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_prefix(token: str) -> str | None:
    if not token.startswith(TOKEN_START):
        return None
    prefix, sep, secret = token[len(TOKEN_START):].partition("_")
    return prefix if sep and secret and len(prefix) == 8 else None


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
