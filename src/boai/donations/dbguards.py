"""What the database itself enforces about money (installed by migration 0002).

PostgreSQL:
- every journal line moves its account's balance (a trigger; the balance CHECK refuses a
  negative one at once), so balances cannot drift from the lines, whoever writes them;
- a deferred constraint trigger refuses, at commit, any journal transaction whose lines do not
  sum to zero (an unbalanced transaction written with raw SQL fails);
- an allocation may only draw lots of the fund it comes from, and restricted lots only for the
  project or purpose the donor named.
SQLite (the embedded default) gets the same rules from the services (`services/journal.py`).
The journal, allocations and draws are append-only on both (core's `AppendOnly`).
"""

PG_FORWARD = [
    """CREATE OR REPLACE FUNCTION donations_line_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE donations_account AS a SET balance = a.balance + s.total
    FROM (SELECT account_id, sum(amount) AS total FROM new_lines GROUP BY account_id) AS s
   WHERE a.id = s.account_id AND a.kind IN ('fund', 'project', 'relief');
  RETURN NULL;
END $$;""",
    "DROP TRIGGER IF EXISTS donations_line_apply_trg ON donations_journalline;",
    """CREATE TRIGGER donations_line_apply_trg AFTER INSERT ON donations_journalline
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION donations_line_apply();""",
    """CREATE OR REPLACE FUNCTION donations_txn_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total numeric;
BEGIN
  SELECT coalesce(sum(amount), 0) INTO total FROM donations_journalline WHERE txn_id = NEW.txn_id;
  IF total <> 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
      MESSAGE = 'journal transaction ' || NEW.txn_id || ' does not balance: its lines sum to ' || total;
  END IF;
  RETURN NULL;
END $$;""",
    "DROP TRIGGER IF EXISTS donations_txn_balanced_trg ON donations_journalline;",
    """CREATE CONSTRAINT TRIGGER donations_txn_balanced_trg AFTER INSERT ON donations_journalline
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION donations_txn_balanced();""",
    """CREATE OR REPLACE FUNCTION donations_draw_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE lot record; alloc record; target_purpose text;
BEGIN
  SELECT l.account_id, l.restricted_project_id, l.restricted_purpose INTO lot
    FROM donations_lot l WHERE l.id = NEW.lot_id;
  SELECT a.project_id, a.relief_purpose, acc.id AS fund_account INTO alloc
    FROM donations_allocation a JOIN donations_account acc ON acc.fund_id = a.fund_id
   WHERE a.id = NEW.allocation_id;
  IF lot.account_id <> alloc.fund_account THEN
    RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
      MESSAGE = 'allocation ' || NEW.allocation_id || ' draws a lot of another account';
  END IF;
  IF lot.restricted_project_id IS NOT NULL AND lot.restricted_project_id IS DISTINCT FROM alloc.project_id THEN
    RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
      MESSAGE = 'allocation ' || NEW.allocation_id || ' spends money restricted to another project';
  END IF;
  IF lot.restricted_purpose <> '' THEN
    SELECT coalesce(p.purpose, alloc.relief_purpose) INTO target_purpose
      FROM (SELECT 1) AS one LEFT JOIN donations_project p ON p.id = alloc.project_id;
    IF lot.restricted_purpose IS DISTINCT FROM target_purpose THEN
      RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
        MESSAGE = 'allocation ' || NEW.allocation_id || ' spends money restricted to another purpose';
    END IF;
  END IF;
  RETURN NULL;
END $$;""",
    "DROP TRIGGER IF EXISTS donations_draw_allowed_trg ON donations_allocationdraw;",
    """CREATE TRIGGER donations_draw_allowed_trg AFTER INSERT ON donations_allocationdraw
  FOR EACH ROW EXECUTE FUNCTION donations_draw_allowed();""",
]

PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS donations_draw_allowed_trg ON donations_allocationdraw;",
    "DROP FUNCTION IF EXISTS donations_draw_allowed();",
    "DROP TRIGGER IF EXISTS donations_txn_balanced_trg ON donations_journalline;",
    "DROP FUNCTION IF EXISTS donations_txn_balanced();",
    "DROP TRIGGER IF EXISTS donations_line_apply_trg ON donations_journalline;",
    "DROP FUNCTION IF EXISTS donations_line_apply();",
]


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)
