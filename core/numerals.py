"""Chinese ordinal labels as the plan writes them: （一）, （二） …"""

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 21 → 二十一 (enough for section numbers)."""
    if n < 0 or n >= 100:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def bracketed(n: int) -> str:
    return f"（{chinese_number(n)}）"
