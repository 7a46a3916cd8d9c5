"""Starting a petition, and its first supporters' private page. Views stay thin."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clarion.appeals.selectors import appeal_for
from clarion.campaigns import selectors
from clarion.campaigns.forms import StartForm
from clarion.campaigns.services import StartError, TooManyStarts, start_petition
from clarion.core import ratelimit
from clarion.core.forms import clean_text
from clarion.core.http import client_ip, private_page
from clarion.petitions.forms import SignForm
from clarion.petitions.services import SignatureError, signature_create

# The similar-petitions lookup runs a search per keystroke pause: generous for a person
# typing, a wall for a script using it as a free search API.
SIMILAR_PER_MINUTE = 60
# Supporters' signatures are tallied under this tag on the organiser's dashboard.
SUPPORT_SOURCE = "supporters-link"


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _render_start(request: HttpRequest, form: StartForm, status: int = 200) -> HttpResponse:
    title = getattr(form, "cleaned_data", {}).get("title", "")
    return render(
        request,
        "campaigns/start.html",
        {
            "form": form,
            # Without script, the similar petitions show once the form has been sent.
            "similar": selectors.similar_petitions(title) if title else [],
            "needed": settings.CLARION_SPONSORS_NEEDED,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_start(request, StartForm())
    form = StartForm(request.POST)
    if not form.is_valid():
        return _render_start(request, form, status=400)
    try:
        start_petition(form.to_input(), ip=client_ip(request), language=_language())
    except TooManyStarts as exc:
        form.add_error(
            None,
            _(
                "Too many petitions have been started from this address or with this "
                "email today. Please try again tomorrow."
            ),
        )
        response = _render_start(request, form, status=429)
        response["Retry-After"] = str(exc.wait)
        return response
    except StartError as exc:
        form.add_error(exc.field or None, exc.messages)
        return _render_start(request, form, status=400)
    # Whether the address is new, pending or done, the answer is the same.
    return redirect("campaigns:sent")


@private_page
@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/sent.html")


@require_safe
def similar(request: HttpRequest) -> JsonResponse:
    """Open petitions like the title being typed, for site.js to offer (JSON)."""
    wait = ratelimit.hit_ip("similar", client_ip(request), SIMILAR_PER_MINUTE, 60)
    if wait:
        response = JsonResponse({"detail": _("Too many requests.")}, status=429)
        response["Retry-After"] = str(wait)
        return response
    raw = request.GET.get("q", "")
    try:
        query = clean_text(raw)[:200]
    except ValidationError as exc:  # control or invisible characters
        return JsonResponse({"detail": exc.messages[0]}, status=400)
    results = [
        {
            "title": petition.shown.title,
            "url": petition.get_absolute_url(),
            "signatures": petition.signature_count,
            "signatures_label": ngettext(
                "%(n)s signature", "%(n)s signatures", petition.signature_count
            )
            % {"n": number_format(petition.signature_count, force_grouping=True)},
        }
        for petition in selectors.similar_petitions(query)
    ]
    return JsonResponse({"results": results})


def _support_or_404(token: str) -> selectors.Support:
    support = selectors.support_page(token)
    if support is None:
        raise Http404(_("This supporters' link is not valid."))
    return support


def _render_support(
    request: HttpRequest, support: selectors.Support, form: SignForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "campaigns/support.html",
        {
            "support": support,
            "petition": support.petition,
            "form": form,
            "share_url": request.build_absolute_uri(request.path),
        },
        status=status,
    )


@private_page
@require_safe
def support(request: HttpRequest, token: str) -> HttpResponse:
    support = _support_or_404(token)
    if support.petition.is_public or not support.petition.can_be_signed:
        # Published: its own page takes signatures now. Rejected: its page says why.
        return redirect(support.petition.get_absolute_url())
    return _render_support(request, support, SignForm())


@private_page
@require_POST
def support_sign(request: HttpRequest, token: str) -> HttpResponse:
    support = _support_or_404(token)
    if support.petition.is_public:
        return redirect(support.petition.get_absolute_url() + "#sign")
    form = SignForm(request.POST)
    if not form.is_valid():
        return _render_support(request, support, form, status=400)
    try:
        signature_create(
            petition=support.petition,
            data=dataclasses.replace(form.to_input(), source=SUPPORT_SOURCE),
            ip=client_ip(request),
            language=_language(),
            from_form=True,
        )
    except SignatureError as exc:
        form.add_error(None, exc)
        return _render_support(request, support, form, status=409)
    return redirect("campaigns:support_thanks", token=token)


@private_page
@require_safe
def support_thanks(request: HttpRequest, token: str) -> HttpResponse:
    support = _support_or_404(token)
    appeal = appeal_for(support.petition.appeal_id, _language())
    return render(
        request,
        "campaigns/support_thanks.html",
        {"support": support, "petition": support.petition, "appeal": appeal},
    )
