"""The unread count in the header: one cheap indexed COUNT, made only when a
page actually shows it (pages without the header pay nothing)."""
from __future__ import annotations

from .selectors import unread_count


class LazyCount:
    """An int computed on first use (bool, str, int, comparisons), then kept."""

    def __init__(self, compute):
        self._compute = compute
        self._value: int | None = None

    @property
    def value(self) -> int:
        if self._value is None:
            self._value = self._compute()
        return self._value

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        return str(self.value)

    def __eq__(self, other) -> bool:
        return self.value == (other.value if isinstance(other, LazyCount) else other)

    def __hash__(self) -> int:
        return hash(self.value)

    def __gt__(self, other) -> bool:
        return self.value > int(other)

    def __lt__(self, other) -> bool:
        return self.value < int(other)


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return unread_count(user)

    return {"unread_notifications": LazyCount(count)}
