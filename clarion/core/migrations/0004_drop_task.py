# Queued tasks moved to Django's tasks API (django-tasks-db's own table, or RQ).
#
# Rows still queued here are not carried over: the only task was the recount after
# signatures were deleted, which the worker's hourly recount repeats for every petition.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_outbox_daily_cap"),
    ]

    operations = [
        migrations.DeleteModel(
            name='Task',
        ),
    ]
