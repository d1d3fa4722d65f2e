from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from boai.core import context
from boai.core.audit import audit_record
from boai.core.management.commands._tabular import actor_or_error, cli_translation, kind_or_error
from boai.core.tabular.export import write_xlsx
from boai.core.tabular.views import export_headers, export_rows


class Command(BaseCommand):
    help = ("Export everything of a kind (in the user's scope with --user, else city-wide) as .xlsx in its import "
            "layout.")

    def add_arguments(self, parser):
        parser.add_argument("kind", help="e.g. people or orgs")
        parser.add_argument("file", help="the .xlsx to write")
        parser.add_argument("--user", help="export what this user may export (default: the system, city-wide)")

    def handle(self, *args, **options):
        with cli_translation():
            self.run(**options)

    def run(self, *, kind, file, user, **options):
        spec = kind_or_error(kind)
        actor = actor_or_error(user, spec.export_permission)
        headers, widths, text_columns = export_headers(spec)
        counted = []

        def rows():
            for row in export_rows(spec, actor):
                counted.append(1)
                yield row

        with context.use(context.RequestContext(channel="cli")):
            write_xlsx(Path(file), headers, rows(), sheet_title=str(spec), widths=widths, text_columns=text_columns)
            audit_record(actor=actor, action=spec.export_permission, object_type=f"tabular.{spec.name}",
                         object_repr=str(spec), after={"kind": spec.name, "rows": len(counted),
                                                       "file": Path(file).name})
        self.stdout.write(self.style.SUCCESS(_("Exported %(n)d rows to %(file)s.") % {"n": len(counted),
                                                                                      "file": file}))
