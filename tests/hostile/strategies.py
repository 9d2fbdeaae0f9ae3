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
