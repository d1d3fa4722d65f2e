"""The race harness for what must hold on PostgreSQL: calls run in threads, each thread with its own
database connection (closed afterwards, so the test database can be dropped), released together.

    pytestmark = postgres_only()
    outcomes = run_together([lambda: service(...), lambda: service(...)])
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections


def postgres_only(reason: str = "needs PostgreSQL row locks", *, transaction: bool = True) -> list:
    """The marks of a PostgreSQL-only module: skipped on SQLite; threads need committed data
    (`transaction=True`) to see each other's rows."""
    return [pytest.mark.postgres, pytest.mark.skipif(connection.vendor != "postgresql", reason=reason),
            pytest.mark.django_db(transaction=transaction)]


def in_thread(func: Callable) -> Callable:
    """`func` closing its thread's database connection when it returns (for thread pools)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        finally:
            connections.close_all()

    return run


def run_together(calls: Sequence[Callable[[], object]], *, catch: tuple[type[BaseException], ...] = (ValidationError,),
                 timeout: float = 60) -> list:
    """Run each zero-argument call in its own thread and connection, all released at once by a
    barrier. Returns, in the order of `calls`, each call's result or the exception of a `catch` type
    it raised (other exceptions end the thread and leave None)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    @in_thread
    def work(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes[i] = call()
        except catch as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=2 * timeout)
    return outcomes


def free_connections() -> int:
    """How many more connections the PostgreSQL server accepts now (sizes a race to fit the server)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - current_setting("
                       "'superuser_reserved_connections')::int - (SELECT count(*) FROM pg_stat_activity)")
        return cursor.fetchone()[0]
