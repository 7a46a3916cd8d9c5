"""Organisers write updates here; publishing one emails the signers who opted in."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from clarion.petitions.models import Petition, Update
from clarion.petitions.selectors import organised_by
from clarion.updates.services import update_publish


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    """Organisers write updates here; publishing one emails the signers who opted in."""

    list_display = ["title", "petition", "published_at", "mailing", "recipients"]
    list_filter = ["mailing"]
    search_fields = ["title", "body", "petition__title"]
    fields = ["petition", "title", "body", "published_at", "mailing", "recipients"]
    readonly_fields = ["published_at", "mailing", "recipients"]
    actions = ["publish_and_email", "publish_quietly"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Update]:
        qs = super().get_queryset(request).select_related("petition")
        return qs if request.user.is_superuser else qs.filter(petition__organisers=request.user)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "petition":
            kwargs["queryset"] = organised_by(request.user, Petition.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Update | None = None) -> bool:
        # A sent update is a record of what signers received: it stays as it was.
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def _publish(self, request: HttpRequest, queryset: QuerySet[Update], *, email: bool) -> None:
        published = sum(update_publish(update, email=email) for update in queryset)
        self.message_user(
            request,
            _("%(n)s update(s) published%(how)s.")
            % {"n": published, "how": _(", emailing the signers") if email else ""},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish and email the signers who asked for updates"))
    def publish_and_email(self, request: HttpRequest, queryset: QuerySet[Update]) -> None:
        self._publish(request, queryset, email=True)

    @admin.action(description=_("Publish on the page only"))
    def publish_quietly(self, request: HttpRequest, queryset: QuerySet[Update]) -> None:
        self._publish(request, queryset, email=False)
