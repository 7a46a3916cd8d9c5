"""Deliveries in admin: the deliver page (reached from a petition or a letter) and the record."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from clarion.delivery.kinds import KINDS
from clarion.delivery.models import Delivery
from clarion.delivery.services import DeliveryError, delivery_create, may_deliver, parse_recipients


class DeliveryForm(forms.Form):
    recipients = forms.CharField(
        label=_("Recipients"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: Name <address>, or just the address. Names are shown publicly."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000
    )

    def clean_recipients(self) -> list[tuple[str, str]]:
        try:
            return parse_recipients(self.cleaned_data["recipients"])
        except DeliveryError as exc:
            raise forms.ValidationError(str(exc)) from None


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subject", "petition", "letter", "count", "delivered_at", "delivered_by"]
    list_filter = ["delivered_at"]
    search_fields = ["subject", "recipient_names", "petition__title", "letter__title"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries are made from the petition or letter (deliver_view)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a record of what was sent

    def get_urls(self):
        return [
            path(
                "deliver/<str:kind>/<int:pk>/",
                self.admin_site.admin_view(self.deliver_view),
                name="delivery_deliver",
            ),
            *super().get_urls(),
        ]

    def deliver_view(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        deliverable = KINDS.get(kind)
        if deliverable is None:
            raise Http404
        obj = get_object_or_404(deliverable.model, pk=pk)
        if not may_deliver(request.user, obj):
            raise PermissionDenied
        if not deliverable.ready(obj):
            messages.error(request, _("Only a published petition or an open letter is delivered."))
            return redirect(reverse(f"admin:{obj._meta.app_label}_{kind}_change", args=[pk]))
        form = DeliveryForm(request.POST or None, initial={"subject": obj.title})
        if request.method == "POST" and form.is_valid():
            delivery = delivery_create(
                subject_of=obj,
                recipients=form.cleaned_data["recipients"],
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                user=request.user,
            )
            messages.success(
                request,
                _("Delivered to %(n)s recipient(s), with %(count)s signatures; it is on its way.")
                % {"n": len(form.cleaned_data["recipients"]), "count": delivery.count},
            )
            return redirect(reverse(f"admin:{obj._meta.app_label}_{kind}_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deliver “%(title)s”") % {"title": obj.title},
            "form": form,
            "subject_of": obj,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "delivery/admin_deliver.html", context)
