"""Moderation of started petitions, their creators' corrections and delivery requests."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from clarion.campaigns import services
from clarion.campaigns.models import Correction, DeliveryRequest, ModerationQueue, PetitionStart
from clarion.campaigns.selectors import supporters
from clarion.core.forms import clean_text
from clarion.petitions.models import Petition, RejectionReason
from clarion.petitions.selectors import public_petitions


class RejectForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason"),
        queryset=RejectionReason.objects.filter(active=True),
        help_text=_("Published on the petition's page and emailed to its creator."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Emailed to the creator, and shown on the page unless the reason hides the text."
        ),
    )
    duplicate_of = forms.ModelChoiceField(
        label=_("Duplicate of (optional)"),
        required=False,
        queryset=public_petitions().filter(status=Petition.Status.PUBLISHED).order_by("title"),
        help_text=_("The published petition it repeats: its page then sends people there."),
    )

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"], multiline=True)


@admin.register(ModerationQueue)
class ModerationQueueAdmin(admin.ModelAdmin):
    """Started petitions: collecting supporters, awaiting moderation, or rejected.

    Moderators read the text here and approve (publish) or reject with a reason; both
    email the creator. The text itself is corrected through the petition's own admin
    page or the creator's correction.
    """

    list_display = ["title", "status", "supporter_count", "created_at", "page_link"]
    list_filter = ["status"]
    search_fields = ["title", "goal", "start__email", "start__full_name"]
    ordering = ["updated_at"]
    actions = ["approve", "reject"]
    fields = [
        "title",
        "status",
        "goal",
        "narrative",
        "demand_list",
        "target_list",
        "related_article",
        "creator",
        "supporter_count",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModerationQueue]:
        return (
            super()
            .get_queryset(request)
            .filter(
                status__in=(
                    Petition.Status.COLLECTING,
                    Petition.Status.MODERATION,
                    Petition.Status.REJECTED,
                )
            )
            .select_related("start")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # started by the public, through the confirmation step only

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a rejection is kept, with its reason, on the petition's page

    @admin.display(description=_("supporters"))
    def supporter_count(self, obj: Petition) -> int:
        start = getattr(obj, "start", None)
        return supporters(start) if start is not None else obj.signature_count

    @admin.display(description=_("page"))
    def page_link(self, obj: Petition) -> str:
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View"))

    @admin.display(description=_("key demands"))
    def demand_list(self, obj: Petition) -> str:
        return format_html_join("\n", "<p>{}</p>", ((d.text,) for d in obj.demands.all()))

    @admin.display(description=_("targets"))
    def target_list(self, obj: Petition) -> str:
        return "; ".join(t.name for t in obj.targets.all())

    @admin.display(description=_("related article"))
    def related_article(self, obj: Petition) -> str:
        if not obj.related_url:
            return "—"
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a> ({}, {})',
            obj.related_url,
            obj.related_headline,
            obj.related_outlet,
            obj.related_published_local or "—",
        )

    @admin.display(description=_("creator"))
    def creator(self, obj: Petition) -> str:
        start = getattr(obj, "start", None)
        return f"{start.full_name} <{start.email}>" if start is not None else "—"

    @admin.action(description=_("Approve and publish selected petitions"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        approved = 0
        for petition in queryset:
            try:
                services.moderation_approve(petition)
                approved += 1
            except ValidationError as exc:
                self.message_user(request, f"{petition}: {exc.messages[0]}", messages.WARNING)
        if approved:
            self.message_user(
                request, _("Published %(n)d petitions.") % {"n": approved}, messages.SUCCESS
            )

    @admin.action(description=_("Reject selected petitions, with a reason…"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Petition]) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            rejected = 0
            for petition in queryset:
                try:
                    services.moderation_reject(
                        petition,
                        reason=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                        duplicate_of=form.cleaned_data["duplicate_of"],
                    )
                    rejected += 1
                except ValidationError as exc:
                    self.message_user(request, f"{petition}: {exc.messages[0]}", messages.WARNING)
            if rejected:
                self.message_user(
                    request, _("Rejected %(n)d petitions.") % {"n": rejected}, messages.SUCCESS
                )
            return None
        return TemplateResponse(
            request,
            "campaigns/admin_reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject petitions"),
                "form": form,
                "petitions": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


@admin.register(PetitionStart)
class PetitionStartAdmin(admin.ModelAdmin):
    """Who started what: the creators' own data, for moderators only."""

    list_display = ["title", "full_name", "email", "created_at", "confirmed_at", "petition"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "full_name", "email", "email_normalised"]
    exclude = ["ip_hash", "token_hash", "sponsor_token"]
    readonly_fields = [
        field.name
        for field in PetitionStart._meta.fields
        if field.name not in ("id", "ip_hash", "token_hash", "sponsor_token")
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Organisers' corrections to locked petitions: a moderator applies or declines them."""

    list_display = ["petition", "title", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["petition__title", "title", "note"]
    actions = ["apply", "decline"]
    readonly_fields = [
        "petition",
        "current_text",
        "title",
        "goal",
        "narrative",
        "demands",
        "note",
        "status",
        "created_at",
        "decided_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("the petition now says"))
    def current_text(self, obj: Correction) -> str:
        petition = obj.petition
        return format_html(
            "<strong>{}</strong><p>{}</p><p>{}</p>",
            petition.title,
            petition.goal,
            petition.narrative,
        )

    @admin.action(description=_("Apply the selected corrections to their petitions"))
    def apply(self, request: HttpRequest, queryset: QuerySet[Correction]) -> None:
        applied = sum(services.correction_apply(c) for c in queryset.select_related("petition"))
        self.message_user(request, _("Applied %(n)d corrections.") % {"n": applied})

    @admin.action(description=_("Decline the selected corrections"))
    def decline(self, request: HttpRequest, queryset: QuerySet[Correction]) -> None:
        declined = sum(services.correction_decline(c) for c in queryset)
        self.message_user(request, _("Declined %(n)d corrections.") % {"n": declined})


@admin.register(DeliveryRequest)
class DeliveryRequestAdmin(admin.ModelAdmin):
    """Organisers asking for their petition to be delivered; staff deliver it from the
    petition's admin page, then mark the request handled."""

    list_display = ["petition", "created_at", "handled_at", "deliver_link"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["petition", "note", "created_at", "handled_at", "deliver_link"]
    fields = readonly_fields
    actions = ["mark_handled"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("delivery"))
    def deliver_link(self, obj: DeliveryRequest) -> str:
        url = reverse("admin:delivery_deliver", args=["petition", obj.petition_id])
        return format_html('<a href="{}">{}</a>', url, _("Deliver this petition to its targets"))

    @admin.action(description=_("Mark the selected requests handled"))
    def mark_handled(self, request: HttpRequest, queryset: QuerySet[DeliveryRequest]) -> None:
        handled = sum(services.delivery_handled(r) for r in queryset)
        self.message_user(request, _("Marked %(n)d requests handled.") % {"n": handled})
