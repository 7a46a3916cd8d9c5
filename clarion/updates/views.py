"""The signer's side of updates: the unsubscribe link every update carries."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clarion.core.http import private_page
from clarion.updates.services import unsubscribe, unsubscribe_signature


# Exempt from CSRF on purpose: RFC 8058's one-click unsubscribe is a POST from the
# mail client, which has no CSRF cookie. The signed token in the URL is what
# authorises it, and all it can do is stop updates to the signer it names. A GET
# (what mail scanners and link previews send) only shows the button.
@private_page
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    signature = unsubscribe_signature(token)
    if signature is None:
        return render(request, "updates/unsubscribe.html", {"state": "invalid"}, status=404)
    if request.method == "POST":
        unsubscribe(signature)
        state = "done"
    else:
        state = "ready" if signature.wants_updates else "done"
    return render(
        request,
        "updates/unsubscribe.html",
        {"state": state, "petition": signature.petition},
    )
