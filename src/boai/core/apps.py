from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "boai.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from boai.core import checks  # noqa: F401  (registers system checks)

        autodiscover_modules("tasks")  # periodic jobs register themselves there

        from django.conf import settings

        from boai.core.api_schema import enum_name_overrides

        settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", enum_name_overrides())

        from boai.core.registry import NavItem, NavSection, register_nav, register_section

        register_section(NavSection("admin", _("Administration"), order=900))
        register_nav(NavItem("admin", _("Audit log"), "core:audit", "audit.view", "journal-check", 910))
