from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "boai.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers and members")

    def ready(self) -> None:
        from boai.volunteers import shell

        shell.register()
