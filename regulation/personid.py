"""The 18-digit ID number (公民身份号码, GB 11643-1999): checked, then kept only as a
keyed hash (HMAC-SHA256 under settings.PERSON_ID_KEY, to match one person across
institutions and against the 终身禁入 list) and a masked form for people to read.
The full number never reaches the database, a page, an export or a log."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise(raw: str, *, field: str = "身份证号码") -> str:
    """The ID number in canonical form (upper-case X), or ValidationError naming the field.
    The message never repeats the number."""
    value = (raw or "").strip().replace(" ", "").upper()
    if not value:
        raise ValidationError(f"请填写{field}。", code="person_id")
    if not _SHAPE.match(value):
        raise ValidationError(f"{field}应为18位（前17位为数字，最后一位为数字或X）。", code="person_id")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(f"{field}中的出生日期无效。", code="person_id") from None
    if check_digit(value[:17]) != value[17]:
        raise ValidationError(f"{field}校验码不正确，请核对后重新填写。", code="person_id")
    return value


def person_hash(value: str) -> str:
    """The keyed hash under which a person is matched (64 hex characters)."""
    key = settings.PERSON_ID_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    """5001**********123X: the first four and the last four characters."""
    return f"{value[:4]}{'*' * 10}{value[-4:]}"


def make(first17: str) -> str:
    """A valid number from its first 17 digits (demo data and tests)."""
    return first17 + check_digit(first17)
