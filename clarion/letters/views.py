"""Public letter pages, sign-on forms, PDFs and region pages. Views stay thin."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clarion.appeals.selectors import appeal_for
from clarion.core import formtoken
from clarion.core.http import client_ip, is_staff, private_page, public_page
from clarion.core.pdf import pdf_response
from clarion.letters import selectors
from clarion.letters.forms import IndividualSignOnForm, OrganisationSignOnForm
from clarion.letters.models import Letter
from clarion.letters.pdf import letter_document
from clarion.letters.services import (
    SignOnError,
    individual_signon,
    organisation_signon,
    signon_rate_limit,
)

PAGE_SIZE = 12
# A petition PDF lists at most this many public names; the count covers everyone.


def _letter_or_404(request: HttpRequest, slug: str) -> Letter:
    letter = selectors.letter_for_page(slug, include_drafts=is_staff(request))
    if letter is None:
        raise Http404(_("There is no letter at this address."))
    return letter


def _wanted_language(request: HttpRequest) -> str | None:
    """?lang=es picks a version of the letter; otherwise the interface's language."""
    lang = request.GET.get("lang", "")
    return lang if lang.isalpha() and len(lang) <= 8 else None


def _letter_context(request: HttpRequest, letter: Letter) -> dict:
    return selectors.letter_context(letter, _wanted_language(request))


def _scope(letter: Letter) -> str:
    """What the individual sign-on form's token names (see clarion.core.formtoken)."""
    return f"letter:{letter.slug}"


def _render_letter(
    request: HttpRequest,
    letter: Letter,
    *,
    form: IndividualSignOnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _letter_context(request, letter)
    context["form"] = form or IndividualSignOnForm()
    # The same for every visitor, so the page can be cached and shared.
    context["form_token"] = formtoken.issue(_scope(letter))
    context["share_url"] = request.build_absolute_uri(letter.get_absolute_url())
    context["appeal"] = appeal_for(letter.appeal_id, get_language() or settings.LANGUAGE_CODE)
    return render(request, "letters/detail.html", context, status=status)


@require_safe
@public_page
def index(request: HttpRequest) -> HttpResponse:
    letters = selectors.with_list_data(selectors.public_letters()).order_by("-date", "-id")
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "letters/index.html", {"page": page})


@require_safe
@public_page
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_letter(request, _letter_or_404(request, slug))


def _too_many(request: HttpRequest) -> HttpResponse | None:
    retry_after = signon_rate_limit(client_ip(request))
    if not retry_after:
        return None
    response = render(request, "429.html", {"minutes": max(1, -(-retry_after // 60))}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def endorse(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation sign-on form; the POST takes the sign-on."""
    letter = _letter_or_404(request, slug)
    form = OrganisationSignOnForm(request.POST or None)
    status = 200
    if request.method == "POST":
        limited = _too_many(request)
        if limited is not None:
            return limited
        status = 400
        if form.is_valid():
            try:
                organisation_signon(
                    letter=letter,
                    data=form.to_input(),
                    ip=client_ip(request),
                    language=get_language() or "en",
                )
            except SignOnError as exc:
                form.add_error(None, exc)
                status = 409
            else:
                return redirect("letters:thanks", slug=letter.slug)
    text = selectors.text_for(letter, _wanted_language(request))
    return render(
        request,
        "letters/endorse.html",
        {"letter": letter, "text": text, "form": form},
        status=status,
    )


@csrf_exempt  # a signed form token instead of the CSRF cookie: see clarion.core.formtoken
@private_page
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    """An individual adds their name to the letter's separate list."""
    letter = _letter_or_404(request, slug)
    limited = _too_many(request)
    if limited is not None:
        return limited
    form = IndividualSignOnForm(request.POST)
    if not formtoken.token_accepted(request, _scope(letter)):
        form.is_valid()  # keep what was typed, and its errors, on the form shown again
        form.add_error(None, _("This form was open too long. Please send it again."))
        return _render_letter(request, letter, form=form, status=400)
    if not form.is_valid():
        return _render_letter(request, letter, form=form, status=400)
    try:
        individual_signon(
            letter=letter,
            data=form.to_input(),
            ip=client_ip(request),
            language=get_language() or "en",
        )
    except SignOnError as exc:
        form.add_error(None, exc)
        return _render_letter(request, letter, form=form, status=409)
    return redirect("letters:thanks", slug=letter.slug)


@private_page
@require_safe
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _letter_or_404(request, slug)
    return render(request, "letters/thanks.html", {"letter": letter})


# --- PDFs -----------------------------------------------------------------------------


@require_safe
def letter_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _letter_or_404(request, slug)
    return pdf_response(*letter_document(letter, _wanted_language(request)))
