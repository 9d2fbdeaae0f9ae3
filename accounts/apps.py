from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from axes.signals import user_locked_out  # inside: apps.py loads before the app registry; ready() is the place

        from .axes import on_user_locked_out  # inside: accounts.axes imports models (not loadable from apps.py)

        user_locked_out.connect(on_user_locked_out, dispatch_uid="accounts.lockout_record")
