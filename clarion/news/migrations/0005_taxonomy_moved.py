from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0004_story_profile"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="categories",
                    field=models.ManyToManyField(blank=True, related_name="articles", to="taxonomy.category", verbose_name="categories"),
                ),
                migrations.AlterField(
                    model_name="story",
                    name="categories",
                    field=models.ManyToManyField(blank=True, related_name="stories", to="taxonomy.category", verbose_name="categories"),
                ),
            ],
        ),
    ]
