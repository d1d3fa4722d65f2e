"""Entries keep their bytes; a narrow queue; narrow leaves.

The integrator used to move each entry's bytes from the queue into the leaf and delete the queued
row; now the entry row stays (append-only) and holds the bytes, a one-column queue says what waits,
and a leaf only maps its index to the entry and its hash (plus the bytes the integrator had to
build itself). Entries still queued under the old scheme are queued here.
"""

import django.db.models.deletion
from django.db import migrations, models

from boai.core.dbguards import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_drop_leaf_type_index")]

    operations = [
        migrations.CreateModel(
            name="QueuedEntry",
            fields=[("entry_id", models.BigIntegerField(primary_key=True, serialize=False))],
            options={"verbose_name": "queued log entry", "verbose_name_plural": "queued log entries"},
        ),
        migrations.AlterModelOptions(
            name="pendingentry",
            options={"ordering": ["id"], "verbose_name": "log entry", "verbose_name_plural": "log entries"},
        ),
        migrations.AlterField(
            model_name="leaf",
            name="data",
            field=models.TextField(blank=True, null=True, verbose_name="entry"),
        ),
        AppendOnly("ledger_leaf"),  # SQLite rebuilt the table for the change above: guard it again
        migrations.SeparateDatabaseAndState(
            # the entry_id column stays as it is (bigint, unique, always set); the model reads it as a
            # link to the entry, without a database constraint (COPY stays fast)
            state_operations=[
                migrations.RemoveField(model_name="leaf", name="entry_id"),
                migrations.AddField(
                    model_name="leaf",
                    name="entry",
                    field=models.OneToOneField(db_column="entry_id", db_constraint=False, null=True,
                                               on_delete=django.db.models.deletion.DO_NOTHING, related_name="leaf",
                                               to="ledger.pendingentry", verbose_name="entry number"),
                ),
            ],
        ),
        migrations.RunSQL("INSERT INTO ledger_queuedentry (entry_id) SELECT id FROM ledger_pendingentry",
                          migrations.RunSQL.noop),
        AppendOnly("ledger_pendingentry"),
    ]
