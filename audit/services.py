"""Writing history. Callers snapshot an object before changing it and hand
both states here; the diff is stored field by field, in words a person reads:
field labels (verbose_name), 是/否, choice names, related objects by name; only
what changed (an empty value becoming another empty value is no change)."""
from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .models import ObjectChange

# Never copied into history: secrets, and bookkeeping that changes on every save.
_SKIPPED_FIELDS = {"password", "last_login", "updated_at"}


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dt.datetime):
        # Shown to people in Chongqing: local time, to the minute.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, (dt.date, dt.time, decimal.Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(
    instance: models.Model | None, *, many_to_many: Mapping[str, Iterable[Any]] | None = None
) -> dict[str, Any]:
    """The object's own fields and many-to-many members as JSON-ready values,
    labelled by their Chinese verbose names. A writer that already holds the
    members passes them in `many_to_many` (by field name) and none is queried."""
    if instance is None or instance.pk is None:
        return {}
    data: dict[str, Any] = {}
    opts = instance._meta
    for field in opts.concrete_fields:
        if field.name in _SKIPPED_FIELDS or field.primary_key:
            continue
        value = getattr(instance, field.name)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name or None
        if field.choices and not isinstance(value, models.Model):
            value = dict(field.flatchoices).get(value, value)
        data[str(field.verbose_name)] = _plain(value)
    for field in opts.many_to_many:
        members = (many_to_many or {}).get(field.name)
        if members is None:
            members = getattr(instance, field.name).all()
        data[str(field.verbose_name)] = _plain([str(o) for o in members])
    return data


def is_empty(value: Any) -> bool:
    """None, "", [] and {} all read as （空）: going from one to another is no change."""
    return value is None or value == "" or value == [] or value == {}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = list(dict.fromkeys([*before, *after]))
    return {
        k: [before.get(k), after.get(k)] for k in keys
        if before.get(k) != after.get(k) and not (is_empty(before.get(k)) and is_empty(after.get(k)))
    }


def change_record(
    *,
    actor,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str = "",
) -> ObjectChange | None:
    """Store one change. An update that changed nothing stores nothing."""
    before = before or {}
    after = snapshot(instance) if after is None and action != ObjectChange.Action.DELETE else (after or {})
    changes = diff(before, after)
    if action == ObjectChange.Action.UPDATE and not changes and not comment:
        return None
    return ObjectChange.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
        comment=comment,
    )


def change_record_bulk(
    *,
    actor,
    instances: Iterable[models.Model],
    action: str,
    comment: str = "",
    many_to_many: Callable[[models.Model], Mapping[str, Iterable[Any]]] | None = None,
) -> int:
    """Creation history for many new objects in one INSERT (imports).
    `many_to_many(instance)` gives members the caller already holds (see snapshot)."""
    rows = []
    for instance in instances:
        rows.append(
            ObjectChange(
                actor=actor if getattr(actor, "pk", None) else None,
                action=action,
                content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
                object_id=str(instance.pk),
                object_repr=str(instance)[:300],
                changes=diff({}, snapshot(instance, many_to_many=many_to_many(instance) if many_to_many else None)),
                comment=comment,
            )
        )
    ObjectChange.objects.bulk_create(rows, batch_size=500)
    return len(rows)
