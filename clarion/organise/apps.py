from django.apps import AppConfig


class OrganiseConfig(AppConfig):
    """The organiser dashboard: the pages where a petition's creator (or staff) follows
    and runs it. It gathers started petitions (campaigns), the update mailing (updates)
    and the petition's own figures (petitions), so it sits on the web floor."""

    name = "clarion.organise"
    label = "organise"
    default_auto_field = "django.db.models.BigAutoField"
