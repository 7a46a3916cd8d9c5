# Categories and targets now live in the taxonomy app (its 0001 renamed their tables);
# only the state changes here.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0012_deadlines_outcomes_updates"),
        ("taxonomy", "0001_initial"),
        ("news", "0005_taxonomy_moved"),
        ("letters", "0002_taxonomy_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="petition",
                    name="categories",
                    field=models.ManyToManyField(blank=True, related_name="petitions", to="taxonomy.category"),
                ),
                migrations.AlterField(
                    model_name="petition",
                    name="targets",
                    field=models.ManyToManyField(blank=True, related_name="petitions", to="taxonomy.target"),
                ),
                migrations.DeleteModel(name="Category"),
                migrations.DeleteModel(name="Target"),
            ],
        ),
    ]
