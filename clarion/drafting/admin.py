"""The review queue for machine drafts, and the operator's drafting settings."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clarion.drafting import services
from clarion.drafting.models import DraftingSettings, PetitionDraft
from clarion.petitions.admin import PetitionAdmin
from clarion.petitions.models import Petition


@admin.register(PetitionDraft)
class PetitionDraftAdmin(PetitionAdmin):
    """Drafts the news desk wrote, oldest story first, with publish and discard.

    Editing uses the petition form; what the drafter chose and why stays visible.
    """

    list_display = ["title", "drafter", "coverage", "language", "created_at", "has_note"]
    list_filter = ["drafter", "language", "categories"]
    actions = ["publish", "discard"]
    readonly_fields = [*PetitionAdmin.readonly_fields, "drafter", "draft_note", "coverage"]
    fieldsets = [
        (_("Review"), {"fields": ["drafter", "draft_note", "coverage"]}),
        *PetitionAdmin.fieldsets,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        return services.drafts_awaiting_review().select_related("story")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # drafts come from stories; people write petitions in Petitions

    @admin.display(description=_("coverage"))
    def coverage(self, obj: Petition) -> str:
        story = getattr(obj, "story", None)
        if story is None:
            return "-"
        return format_html(
            '<a href="{}">{} articles from {} outlets</a>',
            story.get_absolute_url(),
            story.article_count,
            story.outlet_count,
        )

    @admin.display(description=_("fell back"), boolean=True)
    def has_note(self, obj: Petition) -> bool:
        return bool(obj.draft_note)

    @admin.action(description=_("Discard selected drafts"))
    def discard(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        count = 0
        for petition in queryset:
            services.draft_discard(petition)
            count += 1
        self.message_user(request, _("Discarded %d drafts.") % count, messages.SUCCESS)


@admin.register(DraftingSettings)
class DraftingSettingsAdmin(admin.ModelAdmin):
    fields = ["enabled", "threshold", "guidance"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not DraftingSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
