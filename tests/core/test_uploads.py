"""Upload names with invisible or format characters (bidi overrides, zero-width
characters, BOM, controls) are refused with a Chinese message naming the file,
the hidden characters shown as <U+XXXX>; ordinary names (with full-width spaces too) pass."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import PDF, check_file_name, validate_upload
from tests.factories import PDF_BYTES


def refusal(name: str) -> str:
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("placeholder.pdf", PDF_BYTES), name=name)
    return info.value.messages[0]


@pytest.mark.parametrize(("name", "code"), [
    ("发票\u202egpj.pdf", "U+202E"),      # right-to-left override
    ("报告\u2066.pdf", "U+2066"),         # left-to-right isolate
    ("\u200b通知.pdf", "U+200B"),         # zero-width space
    ("\ufeff材料.pdf", "U+FEFF"),         # byte order mark
    ("证明\u200d.pdf", "U+200D"),         # zero-width joiner
    ("响铃\x07.pdf", "U+0007"),           # control character
    ("换行\u2028.pdf", "U+2028"),         # line separator
])
def test_invisible_characters_are_refused_naming_the_file(name, code):
    message = refusal(name)
    shown = name.replace(chr(int(code[2:], 16)), f"<{code}>")
    assert message == f"文件名“{shown}”包含不可见字符或控制字符（{code}），可能用于伪装文件类型，请改名后重新上传。"


def test_ordinary_names_pass():
    for name in ("佐证材料.pdf", "2026年10月　进展.pdf", "report v2.pdf", "𠜎𠜱.pdf"):
        assert check_file_name(name) == name
        assert validate_upload(SimpleUploadedFile("x.pdf", PDF_BYTES), name=name) == PDF
