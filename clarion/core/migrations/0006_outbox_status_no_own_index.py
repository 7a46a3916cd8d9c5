"""Queued emails lose the indexes that only cost writes: the status column's own (the
``outbox_due`` index on status and next attempt serves every lookup by status), and on
PostgreSQL the LIKE copies of the status and key indexes (keys are looked up whole).
SQLite would remake the whole table for the AlterField, so the state changes alone and
the indexes are dropped as found (their names still say ``delivery`` on sites that
began before the outbox moved to core)."""

from django.db import migrations, models

from clarion.core.db import drop_spare_indexes


def drop(apps, schema_editor):
    message = apps.get_model("core", "OutboxMessage")
    drop_spare_indexes(schema_editor, message, "status", like_only=("key",))


def restore(apps, schema_editor):
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "outbox_status" ON "core_outboxmessage" ("status")'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_outbox_composer"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="outboxmessage",
                    name="status",
                    field=models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("dropped", "Dropped (daily cap)"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        ),
    ]
