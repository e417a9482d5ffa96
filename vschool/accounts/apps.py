from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vschool.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Invitation, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Invitation, exclude_fields=["token_hash"])
