from django.apps import AppConfig


class MessengerConfig(AppConfig):
    name = "messenger"
    verbose_name = "工作消息（钉钉/企业微信）"
    default_auto_field = "django.db.models.BigAutoField"
