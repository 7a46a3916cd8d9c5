from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "clarion.letters"
    label = "letters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clarion.letters.feeds import LetterFeed, LetterSitemap
        from clarion.opendata import registry

        registry.register_feed("letters", LetterFeed())
        registry.register_sitemap("letters", LetterSitemap)
