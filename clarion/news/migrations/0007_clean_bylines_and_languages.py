from django.db import migrations


def clean(apps, schema_editor):
    """Bylines without email addresses, and languages as two-letter codes (es, not
    es-ES), for articles and stories stored before the parser did both."""
    from clarion.news.parse import byline
    from clarion.news.selectors import primary_language

    Article = apps.get_model("news", "Article")
    Story = apps.get_model("news", "Story")
    for article in Article.objects.filter(author__contains="@").iterator():
        article.author = byline(article.author)
        article.save(update_fields=["author"])
    for model in (Article, Story):
        for code in model.objects.values_list("language", flat=True).distinct():
            if code and primary_language(code) != code:
                model.objects.filter(language=code).update(language=primary_language(code))


class Migration(migrations.Migration):
    dependencies = [("news", "0006_rebuild_profiles")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
