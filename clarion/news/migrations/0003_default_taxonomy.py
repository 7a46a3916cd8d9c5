"""Ship a default civic taxonomy; the operator edits it in admin afterwards."""

import json
from pathlib import Path

from django.db import migrations

TAXONOMY = Path(__file__).resolve().parent.parent / "taxonomy.json"


def add_defaults(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for item in json.loads(TAXONOMY.read_text(encoding="utf-8")):
        keywords = "\n".join(
            word for language in sorted(item["keywords"]) for word in item["keywords"][language]
        )
        category, created = Category.objects.get_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "keywords": keywords,
            },
        )
        # A category the operator made before keeps its words; an empty one gets ours.
        if not created and not category.keywords:
            category.keywords = keywords
            category.save(update_fields=["keywords"])


class Migration(migrations.Migration):
    dependencies = [("news", "0002_stories_and_tags")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
