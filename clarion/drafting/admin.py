"""The review queue for machine drafts, and the operator's drafting settings."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
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
    readonly_fields = [
        *PetitionAdmin.readonly_fields,
        "drafter",
        "draft_note",
        "coverage",
        "candidate_targets",
    ]
    fieldsets = [
        (_("Review"), {"fields": ["drafter", "draft_note", "coverage", "candidate_targets"]}),
        *PetitionAdmin.fieldsets,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        return services.drafts_awaiting_review().select_related("story", "draft_evidence")

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

    @admin.display(description=_("bodies the coverage names"))
    def candidate_targets(self, obj: Petition) -> str:
        """The drafter's ranked candidates, each but the current one a one-click switch.

        The buttons submit the change form to the switch URL (formaction), so they need
        no form of their own inside it; the switch view reads only the candidate.
        """
        evidence = getattr(obj, "draft_evidence", None)
        if obj.pk is None or evidence is None or not evidence.candidates:
            return "-"
        current = {t.name for t in obj.targets.all()}
        rows = []
        for index, candidate in enumerate(evidence.candidates):
            name = services.candidate_name(candidate, obj.language)
            if name in current:
                action = format_html("<strong>{}</strong>", _("addressed"))
            else:
                action = format_html(
                    '<button type="submit" class="button" formaction="{}" '
                    "formnovalidate>{}</button>",
                    reverse("admin:drafting_petitiondraft_switch_target", args=[obj.pk, index]),
                    _("Address this one"),
                )
            rows.append(
                (
                    name,
                    candidate.get("country") or "-",
                    candidate.get("outlets", 0),
                    candidate.get("cues", 0),
                    action,
                )
            )
        items = format_html_join(
            "",
            "<li>{} ({}): {} outlets, {} responsibility cues {}</li>",
            rows,
        )
        return format_html('<ol class="candidate-targets">{}</ol>', items)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/switch-target/<int:index>/",
                self.admin_site.admin_view(self.switch_target),
                name="drafting_petitiondraft_switch_target",
            )
        ]
        return own + super().get_urls()

    def switch_target(self, request: HttpRequest, pk: int, index: int) -> HttpResponseRedirect:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        petition = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, petition):
            raise PermissionDenied
        try:
            services.draft_switch_target(petition, index)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            names = ", ".join(t.name for t in petition.targets.all())
            self.message_user(request, _("The draft now addresses %s.") % names, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:drafting_petitiondraft_change", args=[petition.pk])
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
