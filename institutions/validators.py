"""统一社会信用代码 (GB 32100-2015).

18 characters: 1 登记管理部门码, 2 机构类别码, 3–8 登记管理机关行政区划码,
9–17 主体标识码 (组织机构代码, GB 11714, with its own check character at 17),
18 校验码. The alphabet is the digits and the capital letters without
I, O, Z, S and V. Every error names what is wrong in Chinese.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}
# W_i = 3^(i-1) mod 31, i = 1..17
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
# 登记管理部门码 that GB 32100 assigns (1 机构编制, 5 民政, 9 工商, Y 其他 …).
REGISTRATION_DEPARTMENT_CODES = "123456789ANY"
# GB 11714 organisation code: 8 body characters (digits and capitals), 1 check.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def _org_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def organisation_check_char(body: str) -> str:
    """GB 11714 check character for the 8-character organisation code body."""
    total = sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def credit_code_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value) -> str:
    """What people type: surrounding blanks, full-width characters, lower case."""
    text = "" if value is None else str(value)
    text = text.translate({0x3000: None, 0x20: None}).strip()
    text = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return text.upper()


def credit_code_errors(code: str) -> list[str]:
    """Every problem with a (normalised) code, in Chinese; empty when valid."""
    if not code:
        return ["统一社会信用代码不能为空"]
    if len(code) != 18:
        return [f"统一社会信用代码应为18位，现为{len(code)}位"]
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        return [f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用I、O、Z、S、V）"]
    errors = []
    if code[0] not in REGISTRATION_DEPARTMENT_CODES:
        errors.append(f"统一社会信用代码第1位（登记管理部门码）“{code[0]}”无效")
    if not code[2:8].isdigit():
        errors.append(f"统一社会信用代码第3–8位（行政区划码）“{code[2:8]}”应为6位数字")
    org_body, org_check = code[8:16], code[16]
    org_expected = organisation_check_char(org_body)
    if org_check != org_expected:
        # The 18th character is computed over characters 1–17: naming it alone here
        # ("第18位应为…") sent people astray. The message names the organisation code's
        # own check character and, for the code it leads to, the 18th as well, so that
        # doing what it says gives a valid code (when characters 9–16 are right).
        fixed18 = credit_code_check_char(code[:16] + org_expected)
        errors.append(
            f"统一社会信用代码第9–17位（组织机构代码，GB 11714）校验位错误：按第9–16位“{org_body}”，"
            f"第17位校验码应为“{org_expected}”，现为“{org_check}”。请先核对第9–16位；若无误，"
            f"将第17位改为“{org_expected}”，第18位（GB 32100 校验码）随之改为“{fixed18}”"
        )
        return errors
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        errors.append(f"统一社会信用代码校验位错误：第18位（GB 32100 校验码）应为“{expected}”，现为“{code[17]}”")
    return errors


def validate_credit_code(value) -> None:
    """Model and form validator: the stored value must be exactly a valid code."""
    errors = credit_code_errors(str(value or ""))
    if errors:
        raise ValidationError(errors, code="credit_code")


def make_credit_code(prefix: str, org_body: str) -> str:
    """A well-formed code from a 8-character prefix (部门码+类别码+区划码) and an
    8-character organisation body: both check characters computed. Used by
    demo data and tests; never to "repair" user input."""
    first17 = prefix + org_body + organisation_check_char(org_body)
    return first17 + credit_code_check_char(first17)
