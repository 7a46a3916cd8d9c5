# The outbox now lives in the core app (its 0002 renamed the table); only the state
# changes here.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_attachments_deliveries"),
        ("core", "0002_outbox"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutboxMessage")],
        ),
    ]
