"""Inputs an attacker or a careless paste would send."""
from hypothesis import strategies as st

NASTY = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
    "'; DROP TABLE tasks_workitem; --", "1 OR 1=1", "${7*7}{{7*7}}", "=cmd|' /C calc'!A0", "+SUM(A1:A9)",
    "@SUM(1)", "-2+3", "../../etc/passwd", "%00", "\u202eevil", "𠜎𠜱𠝹", "😀👩‍👧‍👦", "１２３４５６",
    "\u3000全角空格\u3000", "NULL", "None", "", " ", "0", "-1", "99999999999999999999", "1e308", "NaN",
    "区人力社保局、", "、、", "——等", "等",
]

nasty_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(min_size=0, max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=30),
    st.text(min_size=2000, max_size=6000).filter(lambda s: s.strip()) | st.just("长" * 5000),
    st.from_regex(r"[０-９]{1,8}", fullmatch=True),
    st.sampled_from(NASTY).flatmap(lambda a: st.text(max_size=10).map(lambda b: a + b)),
)

# openpyxl refuses the control characters XML 1.0 forbids; a real Excel file cannot hold them.
xlsx_safe_text = nasty_text.map(lambda s: "".join(ch for ch in s if ch in "\t\n\r" or ord(ch) >= 32)).filter(
    lambda s: "\ufffe" not in s and "\uffff" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)
)

# --- for every form (issue 7, the remaining forms) -------------------------------------
import datetime as _dt  # noqa: E402

CONTROL = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F) | st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
    min_size=1, max_size=12,
)
EMOJI = st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=20)
HTML_JS = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</textarea><script>alert(1)</script>",
    "<svg/onload=alert(1)>", "\"'><iframe src=javascript:alert(1)>", "<a href=\"javascript:alert(1)\">点我</a>",
    "{{ request.user.password }}", "{% debug %}", "<!--", "]]><![CDATA[", "&lt;script&gt;", "&#60;script&#62;",
])
SQL = st.sampled_from([
    "'; DROP TABLE progress_progressreport; --", "\" OR \"1\"=\"1", "1; DELETE FROM tasks_workitem",
    "' UNION SELECT password FROM accounts_user --",
    "%' AND 1=0 --", "\\'; --", "\\x00",
])

# Text as people (and attackers) type it: the foundation's nasty strings, control
# characters, emoji, markup, SQL, and each glued to ordinary Chinese text.
hostile_text = st.one_of(
    nasty_text,
    CONTROL,
    EMOJI,
    HTML_JS,
    SQL,
    st.tuples(st.sampled_from(["本月", "已完成", "情况说明："]), HTML_JS | SQL | EMOJI | CONTROL).map("".join),
)

# Numbers as typed: boundaries, full-width and other scripts' digits, decimals, exponents, overflow.
NUMBER_SAMPLES = [
    "-1", "0", "1", "99", "100", "101", "50.0", "50.5", "1e2", "0x10", "５０", "１００", "１０１", "٥٠", "०५०", " 50 ",
    "+50", "-0", "00050", "32767", "32768", "65536", "2147483647", "2147483648", "9223372036854775807",
    "9223372036854775808", "99999999999999999999", "1e308", "NaN", "inf", "-inf", "", "  ", "50%", "五十", "½", "1,000",
    "1_000", "\u200b50", "50\x00",
]
number_text = st.one_of(
    st.sampled_from(NUMBER_SAMPLES),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.integers(min_value=-5, max_value=105).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    nasty_text,
)

# Dates as typed: impossible days, the calendar's ends, other separators and scripts.
DATE_SAMPLES = [
    "2026-02-29", "2026-02-30", "2024-02-29", "0000-00-00", "0001-01-01", "1899-12-31", "1970-01-01", "9999-12-31",
    "10000-01-01", "2026-13-01", "2026-00-10", "2026-12-32", "２０２６-１２-０１", "2026/12/01", "2026年12月1日",
    "2026-12-01T00:00", "2026-12-01 00:00:00", "today", "", " ", " 2026-12-10 ", "2026-12-10\x00", "-2026-01-01",
    "2026-1-1", "20261201", "12/01/2026", "2026-W49", "+002026-12-01",
]
date_text = st.one_of(
    st.sampled_from(DATE_SAMPLES),
    st.dates().map(lambda d: d.isoformat()),
    st.dates(min_value=_dt.date(2020, 1, 1), max_value=_dt.date(2031, 12, 31)).map(lambda d: d.isoformat()),
    nasty_text,
)
month_text = st.one_of(
    st.sampled_from(["2026-10", "2026-13", "2026-00", "0000-01", "9999-12", "10000-01", "２０２６-１０", "2026/10", "2026-1",
                     "2026年10月", "", "2020-07", "2020-06", "1999-12"]),
    st.dates().map(lambda d: d.strftime("%Y-%m") if d.year >= 1000 else d.isoformat()[:7]),
    nasty_text,
)

# Short hostile text (no multi-kilobyte strings): for tables of many cells.
short_hostile_text = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=40), CONTROL, EMOJI, HTML_JS, SQL,
    st.tuples(st.sampled_from(["本月", "星光", "情况："]), HTML_JS | SQL | EMOJI | CONTROL).map("".join),
)


def mostly(valid, hostile, *, one_in: int = 4):
    """`valid` three times in four, `hostile` otherwise: a case with one broken field
    among good ones reaches the service's checks and the save, not only the form's."""
    return st.integers(min_value=1, max_value=one_in).flatmap(lambda i: hostile if i == 1 else valid)


def past_date(days_back: int = 2000):
    return st.integers(min_value=0, max_value=days_back).map(
        lambda n: (_dt.date.today() - _dt.timedelta(days=n)).isoformat())


def future_date(days_ahead: int = 2000):
    return st.integers(min_value=0, max_value=days_ahead).map(
        lambda n: (_dt.date.today() + _dt.timedelta(days=n)).isoformat())


def small_number(low: int, high: int):
    return st.integers(min_value=low, max_value=high).map(str)


# Ordinary text (no control characters, short): the "valid" side of `mostly`.
plain_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
    st.sampled_from(["星光托育中心", "渝中区民权路1号", "张园长", "023-63000000", "本月完成调研"]),
).filter(lambda s: s.strip())
