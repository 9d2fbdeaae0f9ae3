"""The unread count in the header: one cheap indexed COUNT, and only when a
page actually renders it (lazy), so pages without the header pay nothing."""
from django.utils.functional import SimpleLazyObject


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from .selectors import unread_count

        return unread_count(user)

    return {"unread_notifications": SimpleLazyObject(count)}
