from django.db import migrations


def rebuild_profiles(apps, schema_editor):
    """Rebuild every story's tallies and index with the signals grouping now compares
    (stems per language, names, concepts, figures, countries; headline tallies)."""
    from clarion.news.grouping import Profile
    from clarion.news.similarity import signals

    Story = apps.get_model("news", "Story")
    Article = apps.get_model("news", "Article")
    StoryTerm = apps.get_model("news", "StoryTerm")
    Through = Article.categories.through
    for story in Story.objects.all().iterator():
        profile = Profile()
        for article in Article.objects.filter(story=story).order_by("published_at", "pk"):
            countries = [c for c in str(article.countries or "").split(",") if c]
            category_ids = list(
                Through.objects.filter(article_id=article.pk).values_list("category_id", flat=True)
            )
            found = signals(article.headline, article.text, article.language, countries)
            profile.add(found, countries, category_ids, article.outlet_domain)
        profile.indexed = profile.top_terms()
        story.profile = profile.to_json()
        story.save(update_fields=["profile"])
        StoryTerm.objects.filter(story=story).delete()
        StoryTerm.objects.bulk_create(
            StoryTerm(story=story, term=term, seen_at=story.last_published_at)
            for term in profile.indexed
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0005_taxonomy_moved")]

    operations = [migrations.RunPython(rebuild_profiles, migrations.RunPython.noop)]
