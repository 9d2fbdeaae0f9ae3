from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import ObjectChange


def changes_for(instance: models.Model, *, limit: int = 200):
    """History of one object, newest first, actor loaded in the same query."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return (
        ObjectChange.objects.filter(content_type=ct, object_id=str(instance.pk))
        .select_related("actor")[:limit]
    )
