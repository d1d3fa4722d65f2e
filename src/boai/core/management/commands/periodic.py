from django.core.management.base import BaseCommand

from boai.core import context, periodic


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (for cron in the embedded default; Celery beat in production)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="run every job now, due or not")
        parser.add_argument("--list", action="store_true", help="list the jobs and their intervals")

    def handle(self, *args, **options):
        if options["list"]:
            for name, job in sorted(periodic.jobs().items()):
                self.stdout.write(f"{name}\tevery {job.every}")
            return
        with context.use(context.RequestContext(channel="task")):
            results = periodic.run_due(force=options["all"])
        for name, status in results.items():
            self.stdout.write(f"{name}: {status}")
        if not results:
            self.stdout.write("nothing due")
