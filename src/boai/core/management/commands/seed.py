import time

from django.core.management.base import BaseCommand, CommandError

from boai.core import context, seeding


class Command(BaseCommand):
    help = "Load a seed preset: `demo` (small, for trying it out) or `city` (a city of 7.5 million)."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=seeding.PRESETS, default="demo")
        parser.add_argument("--random-seed", type=int, default=2026)
        parser.add_argument("--only", nargs="*", help="run only these seeders (by name)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing (and succeed) if data exists")

    def handle(self, *args, preset, random_seed, only, if_empty, **options):
        from boai.orgs.models import Org

        if Org.objects.exists() and if_empty:
            self.stdout.write("data already loaded: nothing to seed")
            return
        if Org.objects.exists():
            raise CommandError("The database already has organisations: seed an empty database.")
        started = time.perf_counter()
        with context.use(context.RequestContext(channel="cli")):
            seeding.run(preset, random_seed=random_seed, out=self.stdout.write, only=only)
        self.stdout.write(self.style.SUCCESS(f"seeded preset {preset!r} in {time.perf_counter() - started:.1f}s"))
