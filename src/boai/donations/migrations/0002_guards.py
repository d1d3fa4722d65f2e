from django.db import migrations

from boai.core.dbguards import AppendOnly
from boai.donations import dbguards


class Migration(migrations.Migration):
    dependencies = [("donations", "0001_initial")]

    operations = [
        migrations.RunPython(dbguards.forward, dbguards.backward),
        AppendOnly("donations_journaltxn"),
        AppendOnly("donations_journalline"),
        AppendOnly("donations_allocationdraw"),
        AppendOnly("donations_spendingdraw"),
    ]
