from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from boai.core import context
from boai.core.management.commands._tabular import actor_or_error, cli_translation, kind_or_error
from boai.core.tabular.engine import Mode, run_import


class Command(BaseCommand):
    help = ("Check (and with --commit, import) a spreadsheet of a kind, e.g. `boai import people people.xlsx`. "
            "Exits 1 when any row is invalid (each bad row's number and reason is printed), 2 when the file "
            "cannot be read.")

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the sheet holds, e.g. people or orgs")
        parser.add_argument("file", help=".xlsx, .xls or .csv")
        parser.add_argument("--commit", action="store_true", help="import (all rows, only if every row is valid)")
        parser.add_argument("--valid-only", action="store_true", help="with --commit: import the valid rows, skip "
                                                                      "the invalid ones")
        parser.add_argument("--user", help="act as this user: their scope, audited as them (default: the system, "
                                           "city-wide)")
        parser.add_argument("--errors", metavar="OUT.xlsx", help="write the error sheet here when rows are invalid")

    def handle(self, *args, **options):
        with cli_translation():
            self.run(**options)

    def run(self, *, kind, file, commit, valid_only, user, errors, **options):
        spec = kind_or_error(kind)
        if valid_only and not commit:
            raise CommandError("--valid-only only makes sense with --commit")
        actor = actor_or_error(user, spec.import_permission)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}", returncode=2)
        mode = Mode.CHECK if not commit else (Mode.VALID_ONLY if valid_only else Mode.ALL)
        with context.use(context.RequestContext(channel="cli")):
            report = run_import(path.read_bytes(), path.name, spec, actor=actor, mode=mode)
        self._print(report)
        if errors and report.issues and report.layout is not None:
            from boai.core.tabular.errorsheet import write_error_sheet

            write_error_sheet(report, errors, only_invalid=report.committed)
            self.stdout.write(_("Error sheet written to %(file)s.") % {"file": errors})
        self._exit(report)

    def _print(self, report) -> None:
        for issue in report.issues:
            self.stdout.write(str(issue))
        if report.ignored_columns:
            self.stdout.write(_("Columns not used by this import were ignored: %(cols)s.")
                              % {"cols": "、".join(report.ignored_columns)})
        if report.encoding:
            self.stdout.write(_("The CSV file was read as %(enc)s text.") % {"enc": report.encoding.upper()})

    def _exit(self, report) -> None:
        if report.file_error:
            raise CommandError(report.file_error, returncode=2)
        summary = _("%(file)s: %(total)d rows, %(valid)d valid, %(invalid)d with errors, %(imported)d imported.") % {
            "file": report.filename, "total": report.total, "valid": report.valid, "invalid": report.invalid,
            "imported": report.imported}
        if report.invalid:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
