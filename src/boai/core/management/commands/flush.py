"""`flush` that works with append-only tables in the test suite.

Transactional tests end by flushing every table, which the append-only guards refuse (that is
their job). Under BOAI_ENV=test only, the guards are lifted for the flush and put back after it;
everywhere else this is Django's flush, and the guards make it fail on guarded tables.
"""

from django.conf import settings
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from boai.core import dbguards


class Command(DjangoFlush):
    def handle(self, **options):
        if not settings.TESTING:
            return super().handle(**options)
        connection = connections[options["database"]]
        for table in dbguards.GUARDED:
            dbguards.uninstall(connection, table)
        try:
            return super().handle(**options)
        finally:
            for table in dbguards.GUARDED:
                dbguards.install(connection, table)
