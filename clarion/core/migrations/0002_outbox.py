# The outbox moves here from the delivery app (2026-12): the state moves, the table is
# renamed, and the admin permissions follow its content type.

import django.utils.timezone
from django.db import migrations, models


def relabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="outboxmessage").exists():
        ContentType.objects.filter(app_label="delivery", model="outboxmessage").update(
            app_label="core"
        )


def unlabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model="outboxmessage").update(
        app_label="delivery"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("delivery", "0002_attachments_deliveries"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True)),
                        ("to", models.EmailField(max_length=254)),
                        ("subject", models.CharField(max_length=300)),
                        ("body", models.TextField()),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed")], db_index=True, default="pending", max_length=10)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("claimed_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("last_error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("headers", models.JSONField(blank=True, default=dict)),
                        ("attachment_name", models.CharField(blank=True, max_length=200)),
                        ("attachment_type", models.CharField(blank=True, max_length=100)),
                        ("attachment", models.BinaryField(blank=True, null=True)),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "indexes": [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")],
                        "db_table": "delivery_outboxmessage",
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="outboxmessage", table=None),
        migrations.RunPython(relabel_content_type, unlabel_content_type),
    ]
