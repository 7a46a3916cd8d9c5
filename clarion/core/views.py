"""Site-wide pages: about and privacy, health, and the development outbox."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clarion.delivery.models import OutboxMessage


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/about.html",
        {
            "confirm_hours": settings.CLARION_CONFIRM_HOURS,
            "purge_unconfirmed_days": settings.CLARION_PURGE_UNCONFIRMED_DAYS,
            "purge_ip_days": settings.CLARION_PURGE_IP_DAYS,
        },
    )


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {
            "confirm_hours": settings.CLARION_CONFIRM_HOURS,
            "purge_unconfirmed_days": settings.CLARION_PURGE_UNCONFIRMED_DAYS,
            "purge_ip_days": settings.CLARION_PURGE_IP_DAYS,
        },
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _outbox_allowed(request: HttpRequest) -> bool:
    # The outbox holds signers' addresses: only a development site or staff may look.
    return settings.CLARION_MAIL_OUTBOX_ONLY and (settings.DEBUG or request.user.is_staff)


@never_cache
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if not _outbox_allowed(request):
        raise Http404
    page = Paginator(OutboxMessage.objects.all(), 25).get_page(request.GET.get("page"))
    return render(request, "core/outbox.html", {"page": page})


@never_cache
@require_GET
def outbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    if not _outbox_allowed(request):
        raise Http404
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "core/outbox_message.html", {"message": message})
