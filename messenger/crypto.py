"""Encryption of the robots' credentials (webhook address and signing secret).

Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`). The key is MESSENGER_KEY
(one or more Fernet keys, comma-separated: the first encrypts, all decrypt, so
a key can be rotated) when set; otherwise it is derived from SECRET_KEY with
HKDF-SHA256 under a label of its own, so `make run` and a deployment without
the variable still work. Changing SECRET_KEY then makes stored credentials
unreadable (the channels must be added again): production should set
MESSENGER_KEY (README, .env.example)."""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_HKDF_INFO = b"yuzhong-care messenger credentials v1"


class CredentialUnreadable(Exception):
    """The stored credential cannot be decrypted with the keys configured now."""


def _derived_key() -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        settings.SECRET_KEY.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in (getattr(settings, "MESSENGER_KEY", "") or "").split(",") if k.strip()]
    return MultiFernet([Fernet(k) for k in keys] if keys else [Fernet(_derived_key())])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii") if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise CredentialUnreadable("凭据无法解密：MESSENGER_KEY 或 SECRET_KEY 已更换，请重新添加该机器人。") from exc
