"""Site-wide pages: about and privacy, health, and the development outbox."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from clarion.core import ratelimit
from clarion.core.http import client_ip, hash_ip
from clarion.core.models import OutboxMessage
from clarion.core.outbox import compose


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/about.html",
        {"confirm_hours": settings.CLARION_CONFIRM_HOURS},
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/privacy.html",
        {
            "confirm_hours": settings.CLARION_CONFIRM_HOURS,
            "purge_unconfirmed_days": settings.CLARION_PURGE_UNCONFIRMED_DAYS,
            "purge_ip_days": settings.CLARION_PURGE_IP_DAYS,
            "purge_mail_days": settings.CLARION_PURGE_MAIL_DAYS,
        },
    )


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


FAVICON = Path(__file__).resolve().parent / "static" / "clarion" / "favicon.ico"


@cache
def _favicon() -> bytes:
    return FAVICON.read_bytes()


# Browsers ask for /favicon.ico on their own, on every site, whether or not a page names
# an icon; without it each first visit logs a 404. Its address has no hash in it, so it
# is cached for a day rather than forever.
@cache_control(public=True, max_age=86400)
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")


def _outbox_allowed(request: HttpRequest) -> bool:
    # The outbox holds signers' addresses: only a development site or staff may look.
    return settings.CLARION_MAIL_OUTBOX_ONLY and (settings.DEBUG or request.user.is_staff)


@never_cache
@require_safe
def outbox(request: HttpRequest) -> HttpResponse:
    if not _outbox_allowed(request):
        raise Http404
    page = Paginator(OutboxMessage.objects.all(), 25).get_page(request.GET.get("page"))
    for message in page:
        message.subject = (compose(message) or ("", ""))[0]
    return render(request, "core/outbox.html", {"page": page})


@never_cache
@require_safe
def outbox_message(request: HttpRequest, pk: int) -> HttpResponse:
    if not _outbox_allowed(request):
        raise Http404
    message = get_object_or_404(OutboxMessage, pk=pk)
    # A message its composer writes at sending time is shown as it will be sent.
    message.subject, message.body = compose(message) or ("", "")
    return render(request, "core/outbox_message.html", {"message": message})


class InvalidEncoding(Exception):
    """The request's query string or body is not valid UTF-8, or holds a NUL."""


def bad_request_message(exception: Exception | None) -> str:
    if isinstance(exception, RequestDataTooBig):
        return _("The request is too large: shorten what you typed and send it again.")
    if isinstance(exception, TooManyFieldsSent):
        return _("The request has too many fields.")
    if isinstance(exception, InvalidEncoding):
        return _(
            "The request is not valid UTF-8 text (or holds a NUL character); "
            "check what was typed or pasted."
        )
    return _("The request could not be understood.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 answer: JSON for the API, a page for everyone else, saying what was wrong."""
    message = bad_request_message(exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


# Admin sign-in: a password guesser gets a few tries per address and per account, then
# waits. Counted on every POST, successful or not, so a valid password can't be used
# to reset the count for the next round of guesses.
ADMIN_LOGIN_WINDOW = 15 * 60


def admin_login(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        limit = settings.CLARION_ADMIN_LOGIN_ATTEMPTS
        username = str(request.POST.get("username", "")).strip().casefold()[:150]
        keys = [f"admin-login:ip:{hash_ip(client_ip(request))}"]
        if username:
            keys.append(f"admin-login:user:{hash_ip(username)}")
        waits = [ratelimit.hit(key, limit, ADMIN_LOGIN_WINDOW) for key in keys]
        retry_after = max((wait for allowed, wait in waits if not allowed), default=0)
        if retry_after:
            response = render(
                request,
                "429.html",
                {"minutes": max(1, -(-retry_after // 60))},
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
    return admin.site.login(request)
