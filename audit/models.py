from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ObjectChange(models.Model):
    """One change to one object: who, when, what it was and what it became.

    Written explicitly by the service (or admin action) that makes the change,
    never by a signal, so every row names a real actor and reason.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        TRANSITION = "transition", "流转"

    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, verbose_name="对象类型", on_delete=models.PROTECT)
    object_id = models.CharField("对象编号", max_length=64)
    object_repr = models.CharField("对象", max_length=300)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    comment = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    @property
    def lines(self) -> list[dict]:
        """The stored changes in words, for the history table: rows written before
        values were worded (True/False, empty → empty) read the same as new ones."""
        found = []
        for label, pair in (self.changes or {}).items():
            before, after = (list(pair) + [None, None])[:2] if isinstance(pair, (list, tuple)) else (None, pair)
            before, after = _words(before), _words(after)
            if before == after:
                continue
            if self.action == self.Action.CREATE:
                text = after
            elif before == EMPTY:
                text = f"设为 {after}"
            elif after == EMPTY:
                text = f"清空（原为 {before}）"
            else:
                text = f"{before} → {after}"
            found.append({"field": label, "before": before, "after": after, "text": text})
        return found


EMPTY = "（空）"


def _words(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (list, tuple)):
        return "、".join(_words(v) for v in value)
    return str(value)
