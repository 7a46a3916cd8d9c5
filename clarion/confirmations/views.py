"""The page every confirmation link opens."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from clarion.confirmations import flows
from clarion.confirmations.flows import Flow
from clarion.confirmations.services import (
    CONFIRM_HTTP_STATUS,
    ConfirmResult,
    ConfirmState,
    confirm,
    lookup,
)
from clarion.core.http import private_page


def _page(flow: Flow, result: ConfirmResult) -> dict[str, str]:
    """The page's kind-specific words, filled in for the item the link stands for."""
    wording = flow.wording
    page = {
        "invalid": str(wording.invalid),
        "home": str(wording.home),
        "home_url": flow.home_url(),
        "heading": str(wording.heading),
        "button": str(wording.button),
        "ignore": str(wording.ignore),
    }
    item = result.item
    if item is None:
        return page
    words = {"title": flow.title(item), "name": flow.signer(item)}
    texts = ("ready", "already", "see", "closed_heading", "closed", "expired_link", "note")
    for name in (*texts, "taken_heading", "taken"):
        text = getattr(wording, name)
        page[name] = str(text) % words if text else ""
    page["subject_url"] = flow.subject_url(item)
    page["expired_url"] = flow.expired_url(item)
    return page


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_view(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    """Opening the emailed link only shows a button; the POST behind it confirms.

    Mail scanners fetch links but do not submit forms (and a POST needs the CSRF
    cookie set by this page), so a scanner can never sign on someone's behalf.
    """
    flow = flows.get(kind)
    if flow is None:
        raise Http404
    if request.method == "POST":
        result = confirm(kind, token)
        if result.state is ConfirmState.CONFIRMED and result.item is not None:
            messages.success(request, str(flow.wording.confirmed))
            return redirect(flow.after_confirm_url(result.item))
    else:
        result = lookup(kind, token)
    return render(
        request,
        "confirmations/confirm.html",
        {"state": result.state.value, "page": _page(flow, result)},
        status=CONFIRM_HTTP_STATUS[result.state],
    )
