"""Moderation: petitions, their targets and categories, and signatures."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from clarion.core.csvcells import spreadsheet_safe
from clarion.petitions import admin_abuse, services
from clarion.petitions.models import (
    Demand,
    Petition,
    PetitionTranslation,
    RejectionReason,
    RejectionReasonTranslation,
    Signature,
    TargetResponse,
)
from clarion.petitions.selectors import counted_signatures

CSV_COLUMNS = [
    "petition",
    "full_name",
    "email",
    "country",
    "postcode",
    "comment",
    "show_name",
    "wants_updates",
    "created_at",
    "confirmed_at",
]


def confirmed_signatures_csv(signatures: Iterable[Signature], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for sig in signatures:
        writer.writerow(
            spreadsheet_safe(v)
            for v in (
                sig.petition.slug,
                sig.full_name,
                sig.email,
                sig.country.code,
                sig.postcode,
                sig.comment,
                sig.show_name,
                sig.wants_updates,
                sig.created_at.isoformat(),
                sig.confirmed_at.isoformat() if sig.confirmed_at else "",
            )
        )
    return response


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M")


class PetitionAdminForm(forms.ModelForm):
    class Meta:
        model = Petition
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean(self) -> dict:
        data = super().clean()
        # The database refuses a rejection without its reason (it is published).
        if data.get("status") == Petition.Status.REJECTED and not data.get("rejection_reason"):
            self.add_error("rejection_reason", _("A rejected petition needs its reason."))
        return data

    def clean_status(self) -> str:
        # The same rule as services.petition_close: a petition is closed only after it
        # was published, so a closed one always has a publication time and a public past.
        status = self.cleaned_data["status"]
        was = self.instance.status if self.instance.pk else Petition.Status.DRAFT
        if status == Petition.Status.CLOSED and was == Petition.Status.DRAFT:
            raise ValidationError(_("A draft can't be closed; publish it or delete it."))
        return status


class DemandInline(admin.TabularInline):
    model = Demand
    extra = 1
    fields = ["position", "text"]


class TranslationFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE"):
                continue
            if data.get("language") and data["language"] == self.instance.language:
                form.add_error(
                    "language",
                    _("This is the petition's own language: edit the original text above."),
                )


class PetitionTranslationInline(admin.StackedInline):
    """The petition's text in other languages; visitors see the one for their language."""

    model = PetitionTranslation
    formset = TranslationFormSet
    extra = 0
    fields = ["language", "title", "goal", "narrative", "demands"]


class TargetResponseInline(admin.StackedInline):
    model = TargetResponse
    extra = 0
    fields = ["responder", "responded_on", "text", "source_url"]


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    form = PetitionAdminForm
    list_display = [
        "title",
        "status",
        "signature_count",
        "signature_goal",
        "language",
        "published_at",
    ]
    list_filter = ["status", "language", "categories"]
    search_fields = ["title", "slug", "goal"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["targets", "categories", "organisers"]
    readonly_fields = [
        "signature_count",
        "created_at",
        "published_at",
        "closed_at",
        "deliver_link",
        "rejected_at",
    ]
    autocomplete_fields = ["duplicate_of"]
    inlines = [DemandInline, PetitionTranslationInline, TargetResponseInline]
    actions = ["publish", "close", "export_confirmed"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "language", "goal", "narrative"]}),
        (_("Addressed to"), {"fields": ["targets", "categories", "countries"]}),
        (
            _("Related article"),
            {
                "fields": [
                    "related_headline",
                    "related_outlet",
                    "related_url",
                    "related_published_at",
                    "related_time_zone",
                ]
            },
        ),
        (
            _("Signatures"),
            {
                "fields": [
                    "signature_goal",
                    "grow_goal",
                    "signature_count",
                    "pdf_lists_names",
                    "closes_at",
                    "created_at",
                    "published_at",
                    "closed_at",
                ]
            },
        ),
    ]

    fieldsets.append(
        (
            _("Moderation"),
            {
                "fields": ["rejection_reason", "rejection_note", "duplicate_of", "rejected_at"],
                "classes": ["collapse"],
            },
        )
    )
    fieldsets.append(
        (
            _("Organisers, delivery and outcome"),
            {
                "fields": [
                    "organisers",
                    "deliver_link",
                    "outcome",
                    "outcome_on",
                    "outcome_note",
                    "appeal",
                ]
            },
        )
    )

    @admin.display(description=_("delivery"))
    def deliver_link(self, obj: Petition) -> str:
        if obj.pk is None or not obj.is_public:
            return _("A petition can be delivered once it is published.")
        url = reverse("admin:delivery_deliver", args=["petition", obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Deliver this petition to its targets"))

    def save_model(self, request: HttpRequest, obj: Petition, form, change: bool) -> None:
        # Status changes from the form stamp the same times as services.petition_publish
        # and petition_close, so the publication time is always set and a reopened
        # petition doesn't keep its old closing time.
        wanted = obj.status
        obj.updated_at = timezone.now()
        if wanted == Petition.Status.PUBLISHED:
            obj.published_at = obj.published_at or obj.updated_at
            obj.closed_at = None
        if wanted == Petition.Status.CLOSED and obj.closed_at is None:
            obj.closed_at = obj.updated_at
        if wanted == Petition.Status.REJECTED:
            obj.rejected_at = obj.rejected_at or obj.updated_at
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.petition_reindex(form.instance)

    def delete_model(self, request: HttpRequest, obj: Petition) -> None:
        services.petition_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        for petition in queryset:
            services.petition_delete(petition)

    @admin.action(description=_("Publish selected petitions"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        published = 0
        for petition in queryset:
            services.petition_publish(petition)
            published += 1
        self.message_user(request, _("Published %d petitions.") % published)

    @admin.action(description=_("Close selected petitions"))
    def close(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        closed = 0
        for petition in queryset:
            try:
                services.petition_close(petition)
                closed += 1
            except ValidationError as exc:
                self.message_user(request, f"{petition}: {exc.messages[0]}", messages.WARNING)
        self.message_user(request, _("Closed %d petitions.") % closed)

    def has_view_signatures_permission(self, request: HttpRequest) -> bool:
        # The export holds signers' emails: only staff who may see signatures get it,
        # not everyone who may see petitions.
        return request.user.has_perm("petitions.view_signature")

    @admin.action(
        description=_("Export confirmed signatures as CSV"), permissions=["view_signatures"]
    )
    def export_confirmed(self, request: HttpRequest, queryset: QuerySet[Petition]) -> HttpResponse:
        signatures = (
            # Held signatures are not counted, so they are not delivered either.
            counted_signatures()
            .filter(petition__in=queryset)
            .select_related("petition")
            .order_by("petition_id", "confirmed_at")
        )
        return confirmed_signatures_csv(signatures.iterator(), f"signatures-{_stamp()}.csv")


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Pending"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    # Reviewing held signatures happens here, on a laptop's screen: five compact columns
    # (who, why held, which petition, when, from where) with the reason second, so the
    # list fits 1,400 pixels beside the filters without scrolling sideways. The site's
    # navigation sidebar is left out of this list for the same room (changelist_view).
    list_display = [
        "signer",
        "review_status",
        "petition_title",
        "signed",
        admin_abuse.ip_link,
    ]
    list_filter = [
        ConfirmedFilter,
        admin_abuse.ReviewFilter,
        "hold_reason",
        "petition",
        admin_abuse.IPHashFilter,
        admin_abuse.EmailDomainFilter,
        # Any range works in the address too: ?created_at__gte=...&created_at__lt=...
        ("created_at", admin.DateFieldListFilter),
        "country",
        "show_name",
        "wants_updates",
    ]
    search_fields = ["full_name", "email", "email_normalised", "postcode", "comment"]
    list_select_related = ["petition"]
    date_hierarchy = "created_at"
    actions = ["export_confirmed", admin_abuse.release, admin_abuse.invalidate]
    readonly_fields = [
        "petition",
        "email",
        "email_normalised",
        "language",
        "created_at",
        "confirmed_at",
        "token_expires_at",
        "review",
        "hold_reason",
        "hold_detail",
    ]
    exclude = ["ip_hash", "token_hash"]

    class Media:
        css = {"all": ["petitions/admin-signatures.css"]}

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        return super().changelist_view(
            request, {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        )

    @admin.display(description=_("signer"), ordering="full_name")
    def signer(self, signature: Signature) -> str:
        return format_html(
            '{}<br><span class="signer-detail">{} · {}</span>',
            signature.full_name,
            signature.email,
            signature.country.code,
        )

    @admin.display(description=_("review"), ordering="review")
    def review_status(self, signature: Signature) -> str:
        if not signature.hold_reason:
            return signature.get_review_display()
        return format_html(
            '{}<br><strong title="{}">{}</strong>',
            signature.get_review_display(),
            signature.hold_detail,
            signature.get_hold_reason_display(),
        )

    @admin.display(description=_("petition"), ordering="petition")
    def petition_title(self, signature: Signature) -> str:
        return Truncator(signature.petition.title).chars(60)

    @admin.display(description=_("signed"), ordering="created_at")
    def signed(self, signature: Signature) -> str:
        def short(moment) -> str:
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")

        if signature.confirmed_at is None:
            state = _("not confirmed")
        else:
            state = _("confirmed %(when)s") % {"when": short(signature.confirmed_at)}
        return format_html(
            '{}<br><span class="signer-detail">{}</span>', short(signature.created_at), state
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Signatures come from signers, through the confirmation step, only.
        return False

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        services.signatures_delete(queryset)

    def delete_model(self, request: HttpRequest, obj: Signature) -> None:
        services.signatures_delete(Signature.objects.filter(pk=obj.pk))

    @admin.action(description=_("Export selected confirmed signatures as CSV"))
    def export_confirmed(self, request: HttpRequest, queryset: QuerySet[Signature]) -> HttpResponse:
        confirmed = queryset.filter(confirmed_at__isnull=False).select_related("petition")
        return confirmed_signatures_csv(
            confirmed.order_by("confirmed_at").iterator(), f"signatures-{_stamp()}.csv"
        )


class RejectionReasonTranslationInline(admin.StackedInline):
    model = RejectionReasonTranslation
    extra = 0
    fields = ["language", "label", "explanation"]


@admin.register(RejectionReason)
class RejectionReasonAdmin(admin.ModelAdmin):
    """The reasons moderators choose from when they turn a started petition down."""

    list_display = ["label", "slug", "hides_text", "active", "position"]
    list_editable = ["active", "position"]
    list_filter = ["active", "hides_text"]
    prepopulated_fields = {"slug": ["label"]}
    inlines = [RejectionReasonTranslationInline]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A reason some petition was rejected with stays: its page still shows it.
        if obj is not None and obj.petitions.exists():
            return False
        return super().has_delete_permission(request, obj)
