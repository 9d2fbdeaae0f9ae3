"""Uploaded evidence: every file checked before any is stored, and none left behind when a write fails."""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from core.uploads import FileKind, generated_name, validate_upload


def check_uploads(files: Sequence, *, field: str) -> list[FileKind]:
    """Every file checked before any is stored: one bad file stores nothing."""
    kinds, errors = [], []
    for upload in files:
        try:
            kinds.append(validate_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({field: errors})
    return kinds


@contextmanager
def files_removed_on_error():
    """Yields the list the block's stored files are named in; if the block fails they are deleted again."""
    saved: list[str] = []
    try:
        yield saved
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def store_upload(upload, kind: FileKind, *, folder: str, saved: list[str]) -> dict:
    name = default_storage.save(generated_name(folder, kind), upload)
    saved.append(name)
    return {
        "file": name,
        "original_name": upload.name[:200],
        "content_type": kind.content_type,
        "size": upload.size,
    }


def files_comment(files: Sequence, verb: str, *, lead: str = "") -> str:
    """The history line naming the files a write added (after `lead`, the write's own words, if any)."""
    named = f"{verb}：" + "、".join(f.name for f in files) if files else ""
    return "；".join(part for part in (lead, named) if part)


def files_attach(model, files: Sequence, kinds: Sequence[FileKind], *, folder: str, saved: list[str],
                 **owner) -> None:
    """Store each checked upload and create its row of `model` (owner, uploader, time in `owner`); call inside
    `with files_removed_on_error() as saved`, so a failure later in the write leaves no stored file behind."""
    model.objects.bulk_create(
        model(**owner, **store_upload(f, k, folder=folder, saved=saved)) for f, k in zip(files, kinds, strict=True)
    )
