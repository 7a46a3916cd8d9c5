"""Admin for the abuse controls: the rules, and reviewing the signatures they hold.

Every edit to a rule tells the signing processes to reload their rules
(``abuse.rules_changed``), so it applies within about a second. Reviewing happens on
the signature list: filter it (held for review, by IP hash, email domain, petition,
time range), select all, and release or invalidate in bulk.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clarion.petitions import abuse
from clarion.petitions.models import (
    AbuseListEntry,
    AbuseSettings,
    DisposableDomain,
    RateRule,
    Review,
    Signature,
)

# --- the rules -------------------------------------------------------------------------


class RulesAdmin(admin.ModelAdmin):
    """Saves and deletes of rules reach every signing process within about a second."""

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        abuse.rules_changed()

    def delete_model(self, request: HttpRequest, obj) -> None:
        super().delete_model(request, obj)
        abuse.rules_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        abuse.rules_changed()


@admin.register(AbuseSettings)
class AbuseSettingsAdmin(RulesAdmin):
    list_display = ["__str__", "enabled", "honeypot"]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        # Not the whole row: writing back the version read with the form could undo a
        # bump made meanwhile, and a process could then miss this change.
        if change:
            obj.save(update_fields=["enabled", "honeypot"])
        else:
            obj.save()
        abuse.rules_changed()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AbuseSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(RateRule)
class RateRuleAdmin(RulesAdmin):
    list_display = [
        "name",
        "scope",
        "enabled",
        "burst_limit",
        "burst_seconds",
        "sustained_limit",
        "sustained_seconds",
    ]
    list_filter = ["scope", "enabled"]
    list_editable = ["enabled"]
    fields = [
        "name",
        "scope",
        "enabled",
        ("burst_limit", "burst_seconds"),
        ("sustained_limit", "sustained_seconds"),
        "note",
    ]

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if not obj.burst_limit and not obj.sustained_limit:
            self.message_user(
                request,
                _("%(rule)s has no limit set (both are 0), so it holds nothing.")
                % {"rule": obj.name},
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)

    def get_changelist_formset(self, request, **kwargs):
        # list_editable saves rows without save_model: tell the signing processes too.
        formset_class = super().get_changelist_formset(request, **kwargs)

        class Formset(formset_class):
            def save(self, *args, **kwargs):
                saved = super().save(*args, **kwargs)
                abuse.rules_changed()
                return saved

        return Formset


@admin.register(AbuseListEntry)
class AbuseListEntryAdmin(RulesAdmin):
    list_display = ["value", "kind", "action", "note", "created_at"]
    list_filter = ["action", "kind"]
    search_fields = ["value", "note"]


@admin.register(DisposableDomain)
class DisposableDomainAdmin(RulesAdmin):
    list_display = ["domain", "created_at"]
    search_fields = ["domain"]


# --- reviewing held signatures ---------------------------------------------------------


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return Review.choices

    def queryset(self, request, queryset):
        if self.value() in Review.values:
            return queryset.filter(review=self.value())
        return queryset


def _with_current(value: str | None, choices: list, label) -> list:
    """The offered choices plus the one in the address, so the list shows what it is
    filtered by even when that is not among the top ten."""
    if value and value not in {choice for choice, _label in choices}:
        choices = [*choices, (value, label(value))]
    return choices


class IPHashFilter(admin.SimpleListFilter):
    """Signatures from one source, by the keyed hash of its IP address (never stored
    in the clear). Offers the sources with the most held signatures; any hash can be
    given in the address (?ip=...), as the list's "IP" links do."""

    title = _("IP address (hashed)")
    parameter_name = "ip"

    def lookups(self, request, model_admin):
        top = (
            Signature.objects.filter(review=Review.SUSPECT)
            .exclude(ip_hash="")
            .values("ip_hash")
            .annotate(n=Count("pk"))
            .order_by("-n")[:10]
        )
        choices = [(row["ip_hash"], f"{row['ip_hash'][:10]}… ({row['n']} held)") for row in top]
        return _with_current(self.value(), choices, lambda v: f"{v[:10]}…")

    def has_output(self) -> bool:
        # A filter with nothing to offer is dropped from the list, and its value with it.
        return True

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(ip_hash=self.value())
        return queryset


class EmailDomainFilter(admin.SimpleListFilter):
    """Signatures whose address is at one domain. Offers the domains with the most
    held signatures (among the latest 5,000); any domain can be given (?domain=...)."""

    title = _("email domain")
    parameter_name = "domain"

    def lookups(self, request, model_admin):
        latest = Signature.objects.filter(review=Review.SUSPECT).order_by("-created_at")
        domains = Counter(
            email.rpartition("@")[2]
            for email in latest.values_list("email_normalised", flat=True)[:5000]
        )
        choices = [(domain, f"{domain} ({n} held)") for domain, n in domains.most_common(10)]
        return _with_current(self.value(), choices, str)

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(email_normalised__endswith="@" + self.value().lower())
        return queryset


def ip_link(signature: Signature) -> str:
    """A short form of the IP hash that filters the list to that source."""
    if not signature.ip_hash:
        return "—"
    return format_html(
        '<a href="?ip={}" title="{}">{}…</a>',
        signature.ip_hash,
        _("Every signature from this address"),
        signature.ip_hash[:8],
    )


ip_link.short_description = _("IP")  # type: ignore[attr-defined]


def email_domain(signature: Signature) -> str:
    return signature.email_normalised.rpartition("@")[2]


email_domain.short_description = _("email domain")  # type: ignore[attr-defined]


@admin.action(description=_("Release: count the selected held signatures"), permissions=["change"])
def release(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    released = abuse.signatures_release(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "Released %(n)d signature: once confirmed, it is counted within a second or so.",
            "Released %(n)d signatures: the confirmed ones are counted within a second or so.",
            released,
        )
        % {"n": released},
    )


@admin.action(
    description=_("Invalidate: never count the selected signatures"), permissions=["change"]
)
def invalidate(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    invalidated = abuse.signatures_invalidate(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "Invalidated %(n)d signature; the counts are corrected.",
            "Invalidated %(n)d signatures; the counts are corrected.",
            invalidated,
        )
        % {"n": invalidated},
    )
