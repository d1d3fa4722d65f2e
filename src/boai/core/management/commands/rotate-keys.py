"""`boai rotate-keys`: re-encrypt every encrypted field under the current key (see docs/people.md)."""

from django.core.management.base import BaseCommand, CommandError

from boai.core import context, crypto
from boai.core.audit import audit_record
from boai.core.keyrotation import RotationError, rotate_all


class Command(BaseCommand):
    help = ("Re-encrypt personal data (every EncryptedTextField) still under an older key with the current "
            "key, the first one in BOAI_FIELD_KEYS. Idempotent; safe to interrupt and run again.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--dry-run", action="store_true", help="only count the values that need it")

    def handle(self, *args, batch_size, dry_run, **options):
        with context.use(context.RequestContext(channel="cli")):
            try:
                reports = rotate_all(batch_size=batch_size, dry_run=dry_run, progress=self._progress)
            except RotationError as exc:
                raise CommandError(str(exc)) from exc
            current = crypto.keyring().current_id
            for r in reports:
                self.stdout.write(f"{r.label}: {r.total} values, {r.stale} under older keys, {r.rotated} re-encrypted")
            rotated = sum(r.rotated for r in reports)
            if rotated:
                audit_record(actor=None, action="core.keys.rotate", object_repr=f"field key {current}",
                             after={"key_id": current, "rotated": {r.label: r.rotated for r in reports if r.rotated}})
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        total = sum(r.stale for r in reports) if dry_run else rotated
        self.stdout.write(self.style.SUCCESS(f"current key {current!r}: {verb} {total} values"))

    def _progress(self, report):
        if report.rotated and report.rotated % 100_000 == 0:
            self.stdout.write(f"  {report.label}: {report.rotated}/{report.stale}")
