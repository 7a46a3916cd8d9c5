from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="letter",
                    name="categories",
                    field=models.ManyToManyField(blank=True, related_name="letters", to="taxonomy.category", verbose_name="categories"),
                ),
            ],
        ),
    ]
