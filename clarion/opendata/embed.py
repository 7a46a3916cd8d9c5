"""The embeddable sign widget: /p/<slug>/embed/, a compact page other sites may frame.

Its answers alone relax framing (CSP frame-ancestors from CLARION_EMBED_ANCESTORS, and
no X-Frame-Options); every other page still forbids it.

Why it posts to itself, without the CSRF cookie. In a frame on another site, the
site's cookies are third-party: browsers withhold SameSite=Lax cookies there, and
Safari and Firefox (and Chrome with third-party cookies off) block them whatever
their SameSite, so the normal sign form's CSRF check would fail for many visitors, and
its redirect to the thanks page (which may not be framed) would show a blank frame.
So the widget takes the signature itself, in the same way the JSON API does: no
cookie is read (nothing of a visitor's session can be abused, so CSRF has nothing to
protect), the form carries a signed, expiring token naming the petition (a post must
come from a form this site served), each address may sign ``CLARION_SIGN_API_PER_HOUR``
times an hour, and the same SignForm and signature_create as the page apply. The
emailed confirmation, opened in the signer's own browser outside any frame, is what
makes a signature count, exactly as on the site.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clarion.core import formtoken
from clarion.core.http import client_ip
from clarion.core.middleware import policy_with
from clarion.petitions import selectors
from clarion.petitions.forms import SignForm, sign_token_scope
from clarion.petitions.models import Petition
from clarion.petitions.services import SignatureError, sign_rate_limit, signature_create


def form_token(petition: Petition) -> str:
    return formtoken.issue(sign_token_scope(petition))


def token_valid(token: str, petition: Petition) -> bool:
    # Always checked, also for Django's test client: the widget has no CSRF cookie to
    # fall back on, so this token is its only proof of origin.
    return formtoken.valid(token, sign_token_scope(petition))


def _frameable(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = policy_with(
        frame_ancestors=settings.CLARION_EMBED_ANCESTORS
    )
    return response


def _render(
    request: HttpRequest, petition: Petition, form: SignForm, *, status: int = 200, **extra
) -> HttpResponse:
    context = {"petition": petition, "form": form, "form_token": form_token(petition), **extra}
    return _frameable(render(request, "opendata/embed.html", context, status=status))


@xframe_options_exempt
@csrf_exempt  # see the module's docstring: a signed form token and a rate limit instead
@require_http_methods(["GET", "HEAD", "POST"])
def embed(request: HttpRequest, slug: str) -> HttpResponse:
    petition = selectors.petition_for_page(slug)
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    if request.method != "POST":  # GET, or HEAD
        return _render(request, petition, SignForm())
    form = SignForm(request.POST)
    if not token_valid(request.POST.get(formtoken.FIELD, ""), petition):
        form.is_valid()  # keep what was typed, and its errors, on the form shown again
        return _render(
            request,
            petition,
            form,
            status=400,
            problem=_("This form was open too long. Please send it again."),
        )
    wait = sign_rate_limit(client_ip(request), "embed")
    if wait:
        response = _render(
            request,
            petition,
            form,
            status=429,
            problem=_("Too many signatures from this address. Please try again later."),
        )
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        return _render(request, petition, form, status=400)
    try:
        signature_create(
            petition=petition,
            data=form.to_input(),
            ip=client_ip(request),
            language=get_language() or "en",
        )
    except SignatureError as exc:
        return _render(request, petition, form, status=409, problem=" ".join(exc.messages))
    return _render(request, petition, SignForm(), signed=True)
