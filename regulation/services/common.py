"""What every regulation service shares: who to tell, refusing, storing files."""
from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q

from accounts.models import User
from accounts.roles import COORDINATES, RUNS_INSTITUTION
from core.uploads import FileKind, generated_name, validate_upload


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def coordinators():
    return User.objects.filter(Q(role__in=COORDINATES) | Q(is_superuser=True), is_active=True).order_by("pk")


def operators_of(institution_id: int):
    return User.objects.filter(role__in=RUNS_INSTITUTION, institution_id=institution_id, is_active=True).order_by("pk")


def unit_users(department_id: int, roles: frozenset):
    return User.objects.filter(role__in=roles, department_id=department_id, is_active=True).order_by("pk")


def check_files(files: Sequence, *, field: str) -> list[FileKind]:
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


def stored(upload, kind: FileKind, *, folder: str, saved: list[str]) -> dict:
    name = default_storage.save(generated_name(folder, kind), upload)
    saved.append(name)
    return {"file": name, "original_name": upload.name[:200], "content_type": kind.content_type, "size": upload.size}


def remove_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
