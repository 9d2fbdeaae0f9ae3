"""core.uploads: uploads are checked by content, size and name; refused ones
store nothing (the page-level refusals are in
tests/progress/test_views.py::test_report_form_refuses_bad_uploads). Names with
invisible or format characters (bidi overrides, zero-width characters, BOM,
controls) are refused with a Chinese message naming the file, the hidden
characters shown as <U+XXXX>; ordinary names (with full-width spaces too) pass."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.uploads import DOCX, JPEG, PDF, PNG, XLSX, check_file_name, validate_upload
from tests.factories import PDF_BYTES

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return buffer.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("方案.pdf", PDF_BYTES, PDF),
        ("现场.png", PNG_BYTES, PNG),
        ("现场.JPG", JPEG_BYTES, JPEG),
        ("现场.jpeg", JPEG_BYTES, JPEG),
        ("纪要.docx", office("word"), DOCX),
        ("台账.xlsx", office("xl"), XLSX),
    ],
)
def test_allowed_types_are_recognised_by_content(name, data, kind):
    assert validate_upload(upload(name, data)) == kind


def refusal(f, **kwargs) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(f, **kwargs)
    return excinfo.value.messages[0]


def test_exe_renamed_pdf_is_refused():
    assert refusal(upload("通知.pdf", EXE_BYTES)) == (
        "文件“通知.pdf”的内容不是允许的类型（PDF、PNG 图片、JPEG 图片、Word 文档（.docx）、Excel 表格（.xlsx）），已拒收。"
    )


def test_a_25_mb_file_is_refused(settings):
    big = upload("大文件.pdf", PDF_BYTES + b"0" * (25 * 1024 * 1024))
    assert refusal(big) == "文件“大文件.pdf”大小为 25 MB，超过 20 MB 的上限。"
    settings.PORTAL_UPLOAD_MAX_BYTES = 30 * 1024 * 1024
    assert validate_upload(big) == PDF  # the limit is a setting


@pytest.mark.parametrize("name", ["../evil.pdf", "..\\..\\evil.pdf", "a/b.pdf", "C:evil.pdf", ".htaccess", "x\x00.pdf"])
def test_names_with_path_parts_are_refused(name):
    message = refusal(upload("placeholder.pdf", PDF_BYTES), name=name)
    assert "文件名" in message


def test_extension_must_match_content_and_zip_must_be_office():
    assert "扩展名与内容" in refusal(upload("照片.pdf", PNG_BYTES))
    assert "不是允许的类型" in refusal(upload("压缩包.docx", office("other")))
    assert "不是允许的类型" in refusal(upload("坏.docx", b"PK\x03\x04 broken"))
    assert "空文件" in refusal(upload("空.pdf", b""))
    assert "不是允许的类型" in refusal(upload("图.png", PNG_BYTES), allowed=[PDF])


# ---------------------------------------------------------------- invisible characters in names


def name_refusal(name: str) -> str:
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
    message = name_refusal(name)
    shown = name.replace(chr(int(code[2:], 16)), f"<{code}>")
    assert message == f"文件名“{shown}”包含不可见字符或控制字符（{code}），可能用于伪装文件类型，请改名后重新上传。"


def test_ordinary_names_pass():
    for name in ("佐证材料.pdf", "2026年10月　进展.pdf", "report v2.pdf", "𠜎𠜱.pdf"):
        assert check_file_name(name) == name
        assert validate_upload(SimpleUploadedFile("x.pdf", PDF_BYTES), name=name) == PDF
