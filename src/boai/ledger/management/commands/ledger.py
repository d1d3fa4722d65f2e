import base64
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from boai.core import context
from boai.ledger import params


class Command(BaseCommand):
    help = "The transparency log: integrate pending entries, sign a checkpoint, audit, dump, show keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        integrate = sub.add_parser("integrate", help="turn pending entries into leaves now")
        integrate.add_argument("--batch", type=int, default=10_000)
        checkpoint = sub.add_parser("checkpoint", help="integrate, then sign a checkpoint if the tree grew")
        checkpoint.add_argument("--force", action="store_true", help="sign even if the size did not change")
        sub.add_parser("verify", help="audit every leaf, subtree hash, checkpoint and flow rule")
        dump = sub.add_parser("dump", help="write the public log to a directory (for boai-verify)")
        dump.add_argument("directory")
        sub.add_parser("keys", help="print the verifier keys of the signing keys configured now")
        keygen = sub.add_parser("keygen", help="make a new signing key for BOAI_LOG_SIGNING_KEYS")
        keygen.add_argument("name", nargs="?", help="key name (default: the log origin)")

    def handle(self, *args, verb, **options):
        with context.use(context.RequestContext(channel="cli")):
            getattr(self, f"do_{verb}")(**options)

    def do_integrate(self, batch, **options):
        from boai.ledger.services import ledger_integrate

        result = ledger_integrate(max_batch=batch, checkpoint=False)
        if result.skipped:
            self.stdout.write("another integrator is running: nothing done")
        else:
            self.stdout.write(f"integrated {result.integrated} entries; the log holds {result.size} leaves")

    def do_checkpoint(self, force, **options):
        from boai.ledger.services import LogInconsistent, ledger_checkpoint, ledger_integrate

        ledger_integrate(checkpoint=False)
        try:
            checkpoint = ledger_checkpoint(force=force)
        except LogInconsistent as exc:
            raise CommandError(f"refused to sign: {exc}") from exc
        if checkpoint is None:
            self.stdout.write("nothing new to sign")
        else:
            self.stdout.write(checkpoint.note, ending="")

    def do_verify(self, **options):
        from boai.ledger.verification import ledger_verify

        audit = ledger_verify()
        if not audit.ok:
            for finding in audit.findings:
                self.stderr.write(str(finding))
            raise CommandError(f"the log failed its audit: {audit.findings[0]}")
        self.stdout.write(self.style.SUCCESS(
            f"log intact: {audit.leaves} leaves, {audit.checkpoints} checkpoints, flow rules hold, "
            f"root {base64.b64encode(audit.root).decode()}"))

    def do_dump(self, directory, **options):
        from boai.ledger.dump import dump

        info = dump(Path(directory))
        self.stdout.write(f"wrote {info['leaves_written']} leaves and the checkpoints to {directory}")

    def do_keys(self, **options):
        for key in params.verifier_keys():
            self.stdout.write(key)

    def do_keygen(self, name=None, **options):
        from boai.ledger.note import make_signer

        seed = os.urandom(32)
        signer = make_signer(name or params.origin(), seed)
        self.stdout.write("# add to BOAI_LOG_SIGNING_KEYS (keep secret):")
        self.stdout.write(f"{signer.name}:{base64.b64encode(seed).decode()}")
        self.stdout.write(f"# verifier key (publish):\n{signer.verifier.vkey}")
