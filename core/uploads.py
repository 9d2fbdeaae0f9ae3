"""Uploaded files: checked by content, stored under generated names, served
only by permission-checked views.

`validate_upload(upload)` is the one checker every upload goes through
(evidence of progress reports, notice replies, institution filings):

- the client's file name may not carry path parts (``../``, ``\\``, ``/``),
  invisible or control characters (bidi overrides such as U+202E, zero-width
  characters: Unicode categories Cc/Cf/…, refused with a message naming the
  file, the hidden characters shown as <U+202E>) or be empty; it is kept only
  as a display name;
- the size must not exceed ``settings.PORTAL_UPLOAD_MAX_BYTES`` (20 MB);
- the type is recognised from the first bytes of the content (PDF, PNG,
  JPEG, and .docx/.xlsx as a zip holding ``word/`` or ``xl/``), never from
  the name; a name whose extension contradicts the content is refused.

Django's multipart parser silently strips path parts from file names before a
view sees them. To *refuse* such an upload rather than quietly accept a
renamed one, `PathAwareUploadMiddleware` parses with a parser that keeps the
evidence (``../x.pdf`` arrives as ``..\\x.pdf``), which `validate_upload`
then refuses. Storage never uses the client's name either way.
"""
from __future__ import annotations

import html
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.http.multipartparser import MultiPartParser

from core import clock

from .xlsx import MAX_RATIO, MAX_UNPACKED_BYTES

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    code: str
    extension: str
    content_type: str
    label: str
    accepted_extensions: tuple[str, ...]


PDF = FileKind("pdf", "pdf", "application/pdf", "PDF", ("pdf",))
PNG = FileKind("png", "png", "image/png", "PNG 图片", ("png",))
JPEG = FileKind("jpeg", "jpg", "image/jpeg", "JPEG 图片", ("jpg", "jpeg"))
DOCX = FileKind(
    "docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档（.docx）",
    ("docx",),
)
XLSX = FileKind(
    "xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格（.xlsx）",
    ("xlsx",),
)
ALL_KINDS: tuple[FileKind, ...] = (PDF, PNG, JPEG, DOCX, XLSX)
KINDS_BY_CODE = {kind.code: kind for kind in ALL_KINDS}
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"

_FORBIDDEN_NAME_CHARS = set('/\\:*?"<>|')
# Invisible or format characters: controls (Cc), format (Cf: the bidi overrides
# U+202A–U+202E and isolates U+2066–U+2069 that make "fdp.exe" read as "exe.pdf",
# zero-width spaces and joiners, BOM), surrogates, private use, unassigned, and
# line/paragraph separators. Ordinary spaces (incl. the full-width U+3000) are fine.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def invisible_characters(name: str) -> list[str]:
    return [ch for ch in name if unicodedata.category(ch) in _INVISIBLE_CATEGORIES]


def _visible(name: str) -> str:
    """The name with each invisible character shown as <U+XXXX> (safe to put in a message)."""
    return "".join(f"<U+{ord(ch):04X}>" if unicodedata.category(ch) in _INVISIBLE_CATEGORIES else ch
                   for ch in name)


def max_upload_bytes() -> int:
    return int(getattr(settings, "PORTAL_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def check_file_name(name: str | None) -> str:
    """The display name, or ValidationError if it is not a plain file name."""
    if not name or not name.strip():
        raise ValidationError("文件名不能为空。", code="upload_name")
    hidden = invisible_characters(name)
    if hidden:
        codes = "、".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in hidden))
        raise ValidationError(
            "文件名“%(name)s”包含不可见字符或控制字符（%(codes)s），可能用于伪装文件类型，请改名后重新上传。",
            code="upload_name", params={"name": _visible(name), "codes": codes},
        )
    if ".." in name or any(ch in _FORBIDDEN_NAME_CHARS for ch in name):
        raise ValidationError("文件名“%(name)s”包含路径或非法字符，请改名后重新上传。", code="upload_name",
                              params={"name": name})
    if name.startswith("."):
        raise ValidationError("文件名“%(name)s”以“.”开头，请改名后重新上传。", code="upload_name",
                              params={"name": name})
    if len(name) > 200:
        raise ValidationError("文件名过长（最多 200 个字符）。", code="upload_name")
    return name.strip()


def _read_head(upload, n: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head or b""


def _zip_members(upload) -> list[zipfile.ZipInfo] | None:
    """The members a zip declares (None when it is no readable zip); the file is rewound after."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


def detect_kind(upload) -> FileKind | None:
    """What the content is, from its first bytes (and, for zips, its members)."""
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        members = _zip_members(upload)
        names = [m.filename for m in members or ()]
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
    return None


def validate_upload(
    upload,
    *,
    allowed: tuple[FileKind, ...] | list[FileKind] = ALL_KINDS,
    max_bytes: int | None = None,
    name: str | None = None,
) -> FileKind:
    """Check one uploaded file; return its kind or raise ValidationError (Chinese).

    ``name`` overrides ``upload.name`` (for callers that kept the raw name)."""
    display = check_file_name(name if name is not None else getattr(upload, "name", None))
    limit = max_bytes if max_bytes is not None else max_upload_bytes()
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    if size == 0:
        raise ValidationError("文件“%(name)s”是空文件。", code="upload_empty", params={"name": display})
    if size > limit:
        raise ValidationError(
            "文件“%(name)s”大小为 %(size)s，超过 %(limit)s 的上限。", code="upload_size",
            params={"name": display, "size": _size_text(size), "limit": _size_text(limit)},
        )
    kind = detect_kind(upload)
    allowed_labels = "、".join(k.label for k in allowed)
    if kind is None or kind not in allowed:
        raise ValidationError(
            "文件“%(name)s”的内容不是允许的类型（%(allowed)s），已拒收。", code="upload_type",
            params={"name": display, "allowed": allowed_labels},
        )
    extension = display.rsplit(".", 1)[-1].lower() if "." in display else ""
    if extension not in kind.accepted_extensions:
        raise ValidationError(
            "文件“%(name)s”的扩展名与内容（%(label)s）不符，已拒收。", code="upload_mismatch",
            params={"name": display, "label": kind.label},
        )
    if kind in (DOCX, XLSX) and _zip_bomb(upload):
        raise ValidationError(
            "文件“%(name)s”解压后体积异常（疑似压缩炸弹），已拒收。", code="upload_bomb", params={"name": display},
        )
    return kind


def _zip_bomb(upload) -> bool:
    """A .docx/.xlsx that would inflate far beyond its size, or whose declared
    sizes its compressed data contradicts (a bomb hiding its size). The portal
    never unpacks evidence, but reviewers open it in Excel or Word: refuse it
    with the limits the spreadsheet imports use (core.xlsx)."""
    members = _zip_members(upload)
    if members is None:
        return True
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    # Deflate never grows data by more than a fraction of a percent.
    hides_size = any(m.compress_size > m.file_size + m.file_size // 100 + 1024 for m in members)
    return hides_size or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO


def generated_name(folder: str, kind: FileKind) -> str:
    """A storage name that owes nothing to the client: folder/YYYY/MM/<uuid>.<ext>."""
    now = clock.local(clock.now())
    return f"{folder}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{kind.extension}"


def attachment_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Stream a stored file as a download: attachment, declared type, nosniff."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件不存在或已被移除。") from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class _PathKeepingParser(MultiPartParser):
    """Like Django's parser, but a file name with path parts arrives marked
    (separators turned into backslashes) instead of silently cleaned."""

    def sanitize_file_name(self, file_name):
        cleaned = super().sanitize_file_name(file_name)
        if cleaned is None:
            return None
        # Django also drops invisible characters (a bidi override …) silently: keep them,
        # so validate_upload refuses the name rather than accept a quietly renamed file.
        raw = html.unescape(file_name)
        if raw != cleaned:
            # os.path.basename leaves backslashes alone on POSIX: the evidence survives.
            return raw.replace("/", "\\")
        return cleaned


class PathAwareUploadMiddleware:
    """Parse multipart bodies with the parser above, so `validate_upload` can
    refuse names with path parts. Must come before CsrfViewMiddleware, which
    reads request.POST (and so parses the body) before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
            def parse_file_upload(META, post_data, _request=request):
                parser = _PathKeepingParser(META, post_data, _request.upload_handlers, _request.encoding)
                return parser.parse()

            request.parse_file_upload = parse_file_upload
        return self.get_response(request)
