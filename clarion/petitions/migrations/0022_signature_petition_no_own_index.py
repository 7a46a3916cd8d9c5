"""Signatures lose two indexes that only cost writes.

The index Django made for the petition column alone: the one-per-email constraint's
(petition, email) and the counted (petition, held, confirmed_at) indexes both start with
it. On PostgreSQL also the LIKE copy of the token's unique index: tokens are looked up
whole. SQLite would remake the whole table for the AlterField, so the state changes
alone and the indexes are dropped by name as found.
"""

import django.db.models.deletion
from django.db import migrations, models

from clarion.core.db import drop_spare_indexes


def drop(apps, schema_editor):
    signature = apps.get_model("petitions", "Signature")
    drop_spare_indexes(schema_editor, signature, "petition_id", like_only=("token_hash",))


def restore(apps, schema_editor):
    # The column's index again (under a name of its own); the LIKE copy is not needed.
    schema_editor.execute(
        'CREATE INDEX IF NOT EXISTS "signature_petition" ON "petitions_signature" ("petition_id")'
    )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0021_search_longer_prefixes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="signature",
                    name="petition",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signatures",
                        to="petitions.petition",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        ),
    ]
