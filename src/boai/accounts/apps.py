from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "boai.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from boai.accounts import signals  # noqa: F401
        from boai.core.registry import NavItem, register_nav

        register_nav(NavItem("admin", _("Users"), "accounts:user-list", "accounts.view", "person-badge", 900))

        from boai.core.notifications import register_category

        register_category("accounts.security", _("Account security (new logins, password changes)"))
