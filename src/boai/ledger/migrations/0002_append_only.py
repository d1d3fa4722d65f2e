from django.db import migrations

from boai.core.dbguards import AppendOnly


class Migration(migrations.Migration):
    """The log, its subtree hashes, its signed checkpoints and the draw history are never rewritten."""

    dependencies = [("ledger", "0001_initial")]

    operations = [
        AppendOnly("ledger_leaf"),
        AppendOnly("ledger_node"),
        AppendOnly("ledger_checkpoint"),
        AppendOnly("ledger_draw"),
    ]
