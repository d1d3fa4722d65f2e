from django.core.management.base import BaseCommand, CommandError

from boai.core import context
from boai.core.audit import MIN_RETENTION_DAYS, audit_purge, audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, or purge records past the retention period."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="recompute the chain and name the first broken record")
        purge = sub.add_parser("purge", help=f"remove records older than N days (at least {MIN_RETENTION_DAYS})")
        purge.add_argument("--days", type=int, default=MIN_RETENTION_DAYS)

    def handle(self, *args, verb, **options):
        with context.use(context.RequestContext(channel="cli")):
            if verb == "verify":
                result = audit_verify()
                if not result.ok:
                    raise CommandError(
                        f"audit chain broken at record #{result.broken_id}: {result.reason} "
                        f"({result.checked} records before it verified)"
                    )
                self.stdout.write(self.style.SUCCESS(f"audit chain intact: {result.checked} records verified"))
            else:
                removed = audit_purge(older_than_days=options["days"])
                self.stdout.write(f"removed {removed} audit records")
