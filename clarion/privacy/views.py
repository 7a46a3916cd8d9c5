"""My data: ask for a link, see what is stored, download it, delete it. Views stay thin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from clarion.core.http import private_page
from clarion.privacy import selectors
from clarion.privacy.forms import MyDataForm
from clarion.privacy.services import (
    my_data_delete,
    my_data_email,
    my_data_request,
    signature_export,
    signon_export,
)


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def my_data_start(request: HttpRequest) -> HttpResponse:
    """Ask for a link to one's signatures. The answer never says whether they exist."""
    form = MyDataForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "privacy/my_data_start.html", {"form": form}, status=400)
        my_data_request(form.cleaned_data["email"])
        return redirect("privacy:my_data_sent")
    return render(request, "privacy/my_data_start.html", {"form": form})


@private_page
@require_safe
def my_data_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/my_data_sent.html")


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link shows the data; only the POST behind the button deletes it."""
    email_key = my_data_email(token)
    if email_key is None:
        return render(request, "privacy/my_data_invalid.html", status=404)
    if request.method == "POST":
        if request.POST.get("action") != "delete":
            return HttpResponseBadRequest(_("Unknown action."))
        deleted = my_data_delete(email_key)
        return render(request, "privacy/my_data_deleted.html", {"deleted": deleted})
    return render(
        request,
        "privacy/my_data.html",
        {
            "signatures": selectors.signer_signatures(email_key),
            "letter_signons": selectors.signer_signons(email_key),
            "other_data": [
                {
                    "heading": other.flow.my_data_heading,
                    "items": [other.flow.personal_rows(item) for item in other.items],
                }
                for other in selectors.signer_other_data(email_key)
            ],
            "token": token,
        },
    )


@private_page
@require_safe
def my_data_export(request: HttpRequest, token: str) -> HttpResponse:
    email_key = my_data_email(token)
    if email_key is None:
        return JsonResponse({"error": _("This link is not valid or has expired.")}, status=404)
    data = {
        "email": email_key,
        "exported_at": timezone.now().isoformat(),
        "signatures": [
            signature_export(s, request.build_absolute_uri(s.petition.get_absolute_url()))
            for s in selectors.signer_signatures(email_key)
        ],
        "letter_signatures": [
            signon_export(s, request.build_absolute_uri(s.letter.get_absolute_url()))
            for s in selectors.signer_signons(email_key)
        ],
        # Other confirmed actions (petitions started), each as its flow describes it.
        "other": [
            {"kind": other.flow.kind, **dict(other.flow.personal_rows(item))}
            for other in selectors.signer_other_data(email_key)
            for item in other.items
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-signatures.json"'
    return response
