from django.db import migrations

from boai.core.dbguards import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [AppendOnly("core_auditentry", keep_days=184)]
