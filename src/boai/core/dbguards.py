"""Database-level guards that hold even against raw SQL from the application's own account.

`append_only(table)` makes a table refuse UPDATE and DELETE (optionally allowing DELETE of rows
older than a retention period, for purges), with a trigger on PostgreSQL and on SQLite. Use it
from a migration through `AppendOnly("table")`.
"""

from __future__ import annotations

from django.db import migrations


def _pg_sql(table: str, keep_days: int | None, time_column: str) -> list[str]:
    fn = f"{table}_append_only"
    delete_rule = (
        f"IF TG_OP = 'DELETE' AND OLD.{time_column} < now() - interval '{int(keep_days)} days' "
        "THEN RETURN OLD; END IF;"
        if keep_days is not None
        else ""
    )
    return [
        f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {delete_rule}
  RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
    MESSAGE = TG_OP || ' on {table} refused: the table is append-only';
END $$;""",
        f"DROP TRIGGER IF EXISTS {fn}_trg ON {table};",
        f"CREATE TRIGGER {fn}_trg BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}();",
        f"DROP TRIGGER IF EXISTS {fn}_truncate ON {table};",
        f"CREATE TRIGGER {fn}_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {fn}();",
    ]


def _sqlite_sql(table: str, keep_days: int | None, time_column: str) -> list[str]:
    msg = f"{table} is append-only"
    when = f" WHEN OLD.{time_column} >= datetime('now', '-{int(keep_days)} days')" if keep_days is not None else ""
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update;",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{msg}'); END;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}{when} BEGIN SELECT RAISE(ABORT, '{msg}'); END;",
    ]


def _drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only_trg ON {table};",
                f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table};",
                f"DROP FUNCTION IF EXISTS {table}_append_only();"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def append_only_sql(vendor: str, table: str, *, keep_days: int | None = None, time_column: str = "created_at"):
    if vendor == "postgresql":
        return _pg_sql(table, keep_days, time_column)
    if vendor == "sqlite":
        return _sqlite_sql(table, keep_days, time_column)
    raise NotImplementedError(f"append-only guard not implemented for {vendor}")


GUARDED: dict[str, dict] = {}  # table → options, filled as migrations are loaded


def install(connection, table: str) -> None:
    with connection.cursor() as cursor:
        for sql in append_only_sql(connection.vendor, table, **GUARDED[table]):
            cursor.execute(sql)


def uninstall(connection, table: str) -> None:
    with connection.cursor() as cursor:
        for sql in _drop_sql(connection.vendor, table):
            cursor.execute(sql)


class AppendOnly(migrations.operations.base.Operation):
    reversible = True
    reduces_to_sql = True

    def __init__(self, table: str, *, keep_days: int | None = None, time_column: str = "created_at"):
        self.table, self.keep_days, self.time_column = table, keep_days, time_column
        GUARDED[table] = {"keep_days": keep_days, "time_column": time_column}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for sql in append_only_sql(schema_editor.connection.vendor, self.table, keep_days=self.keep_days,
                                   time_column=self.time_column):
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for sql in _drop_sql(schema_editor.connection.vendor, self.table):
            schema_editor.execute(sql)

    def describe(self):
        return f"Make {self.table} append-only"

    def deconstruct(self):
        return ("boai.core.dbguards.AppendOnly", [self.table],
                {"keep_days": self.keep_days, "time_column": self.time_column})
