"""Public letter pages, sign-on forms, PDFs and region pages. Views stay thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from clarion.core.http import client_ip
from clarion.core.tokens import CONFIRM_HTTP_STATUS
from clarion.letters import regions, selectors
from clarion.letters.forms import IndividualSignOnForm, OrganisationSignOnForm
from clarion.letters.models import Letter
from clarion.letters.pdf import letter_document, petition_document
from clarion.letters.services import (
    ConfirmState,
    SignOnError,
    individual_signon,
    organisation_signon,
    signon_confirm,
    signon_for_token,
    signon_rate_limit,
)
from clarion.petitions import selectors as petition_selectors

PAGE_SIZE = 12
# A petition PDF lists at most this many public names; the count covers everyone.


def _letter_or_404(request: HttpRequest, slug: str) -> Letter:
    letter = selectors.letter_for_page(slug, include_drafts=request.user.is_staff)
    if letter is None:
        raise Http404(_("There is no letter at this address."))
    return letter


def _wanted_language(request: HttpRequest) -> str | None:
    """?lang=es picks a version of the letter; otherwise the interface's language."""
    lang = request.GET.get("lang", "")
    return lang if lang.isalpha() and len(lang) <= 8 else None


def _letter_context(request: HttpRequest, letter: Letter) -> dict:
    return selectors.letter_context(letter, _wanted_language(request))


def _render_letter(
    request: HttpRequest,
    letter: Letter,
    *,
    form: IndividualSignOnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _letter_context(request, letter)
    context["form"] = form or IndividualSignOnForm()
    context["share_url"] = request.build_absolute_uri(letter.get_absolute_url())
    return render(request, "letters/detail.html", context, status=status)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    letters = selectors.with_list_data(selectors.public_letters()).order_by("-date", "-id")
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "letters/index.html", {"page": page})


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_letter(request, _letter_or_404(request, slug))


def _too_many(request: HttpRequest) -> HttpResponse | None:
    allowed, retry_after = signon_rate_limit(client_ip(request))
    if allowed:
        return None
    response = render(request, "429.html", {"minutes": max(1, -(-retry_after // 60))}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
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


@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    """An individual adds their name to the letter's separate list."""
    letter = _letter_or_404(request, slug)
    limited = _too_many(request)
    if limited is not None:
        return limited
    form = IndividualSignOnForm(request.POST)
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


@require_GET
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _letter_or_404(request, slug)
    return render(request, "letters/thanks.html", {"letter": letter})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    """Opening the emailed link only shows a button; the POST behind it confirms.

    Mail scanners follow links but do not submit forms, so they can never sign an
    organisation (or a person) on to a letter.
    """
    if request.method == "POST":
        result = signon_confirm(kind, token)
        if result.state is ConfirmState.CONFIRMED and result.signon is not None:
            if result.is_organisation:
                messages.success(
                    request,
                    _(
                        "Thank you: your organisation's signature is confirmed. It will "
                        "appear on the letter once a moderator has approved it."
                    ),
                )
            else:
                messages.success(request, _("Your signature is confirmed. Thank you for signing."))
            return redirect(result.signon.letter.get_absolute_url() + "#signatories")
    else:
        result = signon_for_token(kind, token)
    return render(
        request,
        "letters/confirm.html",
        {
            "state": result.state.value,
            "signon": result.signon,
            "is_organisation": result.is_organisation,
            "signer": (
                getattr(result.signon, "name", None) or getattr(result.signon, "full_name", "")
            ),
        },
        status=CONFIRM_HTTP_STATUS[result.state],
    )


# --- PDFs -----------------------------------------------------------------------------


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def letter_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _letter_or_404(request, slug)
    return _pdf_response(*letter_document(letter, _wanted_language(request)))


@require_GET
def petition_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_selectors.petition_for_page(slug, include_drafts=request.user.is_staff)
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    return _pdf_response(*petition_document(petition))


# --- places ---------------------------------------------------------------------------


@require_GET
def region_index(request: HttpRequest) -> HttpResponse:
    rows = [
        (region, sorted((countries.name(code), code) for code in region.countries))
        for region in regions.all_regions()
    ]
    return render(request, "letters/region_index.html", {"rows": rows})


@require_GET
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = regions.region(slug)
    if region is None:
        raise Http404(_("There is no region at this address."))
    codes = list(region.countries)
    petitions = petition_selectors.with_card_data(
        petition_selectors.public_petitions().filter(_any_country(codes))
    ).order_by("status", "-published_at")
    return render(
        request,
        "letters/region_detail.html",
        {
            "region": region,
            "country_list": sorted((countries.name(code), code) for code in codes),
            "page": Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page")),
            "letters": list(selectors.letters_in_countries(codes)[:PAGE_SIZE]),
            "stories": list(selectors.stories_in_countries(codes)[:PAGE_SIZE]),
        },
    )


def _any_country(codes: list[str]) -> Q:
    match = Q()
    for code in codes:
        match |= Q(countries__contains=code)
    return match


def country_extras(code: str) -> dict:
    """What a country page shows beside its petitions: letters, stories, regions."""
    return {
        "country_letters": list(selectors.letters_in_countries([code])[:PAGE_SIZE]),
        "country_stories": list(selectors.stories_in_countries([code])[:PAGE_SIZE]),
        "country_regions": regions.regions_of(code),
    }
