"""Moderation: letters, their addressees and translations, and the sign-ons to approve."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from clarion.letters import services
from clarion.letters.models import (
    Addressee,
    IndividualSignature,
    Letter,
    LetterTranslation,
    OrganisationSignature,
)


class LetterAdminForm(forms.ModelForm):
    class Meta:
        model = Letter
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        was = self.instance.status if self.instance.pk else Letter.Status.DRAFT
        if was == Letter.Status.DRAFT and status in (Letter.Status.CLOSED, Letter.Status.DELIVERED):
            raise ValidationError(_("A draft must be opened for sign-on before it closes."))
        return status


class AddresseeInline(admin.TabularInline):
    model = Addressee
    extra = 1
    fields = ["position", "title", "title_es", "name", "country"]


class TranslationInline(admin.StackedInline):
    model = LetterTranslation
    extra = 0
    fields = ["language", "title", "salutation", "body", "closing"]


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    form = LetterAdminForm
    list_display = ["title", "status", "date", "language", "published_at"]
    list_filter = ["status", "language", "categories"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["categories"]
    autocomplete_fields = ["related_articles", "related_stories"]
    readonly_fields = ["created_at", "published_at", "delivered_at", "deliver_link"]
    inlines = [AddresseeInline, TranslationInline]
    actions = ["open_for_signon", "close", "mark_delivered"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "language", "date"]}),
        (_("Text"), {"fields": ["salutation", "body", "closing"]}),
        (
            _("Signatories"),
            {"fields": ["signatory_order", "individuals_may_sign", "appeal"]},
        ),
        (
            _("Topics and places"),
            {"fields": ["categories", "countries", "related_articles", "related_stories"]},
        ),
        (_("History"), {"fields": ["created_at", "published_at", "delivered_at", "deliver_link"]}),
    ]

    @admin.display(description=_("delivery"))
    def deliver_link(self, obj: Letter) -> str:
        if obj.pk is None or obj.status == Letter.Status.DRAFT:
            return _("A letter can be delivered once it is open for sign-on.")
        url = reverse("admin:delivery_deliver", args=["letter", obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Deliver this letter to its addressees"))

    def save_model(self, request: HttpRequest, obj: Letter, form, change: bool) -> None:
        # The status field stamps the same times as the services do.
        obj.updated_at = timezone.now()
        if obj.status != Letter.Status.DRAFT:
            obj.published_at = obj.published_at or obj.updated_at
        if obj.status == Letter.Status.DELIVERED:
            obj.delivered_at = obj.delivered_at or obj.updated_at
        super().save_model(request, obj, form, change)

    def _apply(self, request: HttpRequest, queryset: QuerySet[Letter], service, done: str) -> None:
        count = 0
        for letter in queryset:
            try:
                service(letter)
                count += 1
            except ValidationError as exc:
                self.message_user(request, f"{letter}: {exc.messages[0]}", messages.WARNING)
        self.message_user(request, done % count)

    @admin.action(description=_("Open selected letters for sign-on"))
    def open_for_signon(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        self._apply(request, queryset, services.letter_open, _("Opened %d letters."))

    @admin.action(description=_("Close selected letters"))
    def close(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        self._apply(request, queryset, services.letter_close, _("Closed %d letters."))

    @admin.action(description=_("Mark selected letters as delivered"))
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Letter]) -> None:
        self._apply(
            request, queryset, services.letter_mark_delivered, _("Marked %d letters delivered.")
        )


class _SignOnAdmin(admin.ModelAdmin):
    list_filter = ["status", "letter", "country"]
    list_select_related = ["letter"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject"]
    exclude = ["ip_hash", "token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Sign-ons come from the public form, through the confirmation step, only.
        return False

    @admin.action(description=_("Approve selected (confirmed) sign-ons"))
    def approve(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = services.signons_approve(queryset)
        skipped = queryset.filter(status="pending").count()
        self.message_user(request, _("Approved %d sign-ons.") % changed)
        if skipped:
            self.message_user(
                request,
                _("%d not confirmed by email yet: left waiting.") % skipped,
                messages.WARNING,
            )

    @admin.action(description=_("Reject selected sign-ons"))
    def reject(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = services.signons_reject(queryset)
        self.message_user(request, _("Rejected %d sign-ons.") % changed)


class CompetingFilter(admin.SimpleListFilter):
    title = _("competing requests")
    parameter_name = "competing"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("yes", _("Another request uses the same name"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(competing__gt=0) if self.value() == "yes" else queryset


@admin.register(OrganisationSignature)
class OrganisationSignatureAdmin(_SignOnAdmin):
    """Requests in one organisation's name sit next to each other (sorted by letter and
    folded name), with how many others compete for it, so a moderator sees who is who."""

    ordering = ["letter", "name_normalised", "created_at"]
    list_filter = [CompetingFilter, *_SignOnAdmin.list_filter]
    list_display = [
        "name",
        "competing",
        "acronym",
        "letter",
        "country",
        "status",
        "contact_name",
        "email",
        "created_at",
        "confirmed_at",
    ]
    search_fields = ["name", "acronym", "name_other_language", "contact_name", "email"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrganisationSignature]:
        others = (
            OrganisationSignature.objects.filter(
                letter=OuterRef("letter"), name_normalised=OuterRef("name_normalised")
            )
            .exclude(pk=OuterRef("pk"))
            .order_by()
            .values("letter")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(competing=Coalesce(Subquery(others), 0))

    @admin.display(description=_("competing"), ordering="competing")
    def competing(self, obj: OrganisationSignature) -> int:
        return obj.competing

    readonly_fields = [
        "letter",
        "status",
        "email",
        "email_normalised",
        "name_normalised",
        "language",
        "created_at",
        "confirmed_at",
        "moderated_at",
        "token_expires_at",
    ]


@admin.register(IndividualSignature)
class IndividualSignatureAdmin(_SignOnAdmin):
    list_display = [
        "full_name",
        "affiliation",
        "letter",
        "country",
        "status",
        "email",
        "created_at",
    ]
    search_fields = ["full_name", "affiliation", "email"]
    readonly_fields = [
        "letter",
        "status",
        "email",
        "email_normalised",
        "language",
        "created_at",
        "confirmed_at",
        "moderated_at",
        "token_expires_at",
    ]
