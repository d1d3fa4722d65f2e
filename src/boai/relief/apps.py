from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "boai.relief"
    label = "relief"
    verbose_name = _("Humanitarian relief")

    def ready(self) -> None:
        from boai.core.registry import NavSection, register_section
        from boai.relief.views import applications, campaigns, households

        register_section(NavSection("relief", _("Relief"), order=40))
        for area in (households, applications, campaigns):
            area.register()
