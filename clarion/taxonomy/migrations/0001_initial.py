# Categories and targets move here from the petitions app (2026-12): the state moves,
# the tables are renamed, and the admin permissions follow their content types.

import django_countries.fields
from django.db import migrations, models


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("category", "target"):
        if not ContentType.objects.filter(app_label="taxonomy", model=model).exists():
            ContentType.objects.filter(app_label="petitions", model=model).update(
                app_label="taxonomy"
            )


def unlabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("category", "target"):
        ContentType.objects.filter(app_label="taxonomy", model=model).update(
            app_label="petitions"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("petitions", "0012_deadlines_outcomes_updates"),
        # What uses the tables under their old names (news 0003 seeds categories,
        # letters 0001 points a foreign key at them) must run before the rename below,
        # whatever order the other apps' migrations happen to be planned in.
        ("news", "0003_default_taxonomy"),
        ("letters", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=80, unique=True, verbose_name="name")),
                        ("slug", models.SlugField(max_length=80, unique=True, verbose_name="slug")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        ("keywords", models.TextField(blank=True, help_text="Words or phrases, one per line, in any language, that mark news about this category. The news desk tags articles and stories with them.", verbose_name="keywords")),
                    ],
                    options={
                        "verbose_name": "category",
                        "verbose_name_plural": "categories",
                        "ordering": ["name"],
                        "db_table": "petitions_category",
                    },
                ),
                migrations.CreateModel(
                    name="Target",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("kind", models.CharField(choices=[("person", "Person"), ("office", "Office"), ("body", "Body")], default="body", max_length=10, verbose_name="kind")),
                        ("country", django_countries.fields.CountryField(blank=True, max_length=2, verbose_name="country")),
                    ],
                    options={
                        "ordering": ["name"],
                        "db_table": "petitions_target",
                        "constraints": [models.UniqueConstraint(fields=("name", "country"), name="target_unique_name_country")],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="category", table=None),
        migrations.AlterModelTable(name="target", table=None),
        migrations.RunPython(relabel_content_types, unlabel_content_types),
    ]
