"""The organiser dashboard at /organise/: sign in by emailed link, then follow and run
one's petitions. Staff may open any petition's dashboard. Views stay thin.

Who is signed in is the session's ``ORGANISER`` key: the normalised address the
emailed link opened. The dashboard of a petition opens to the person who started it
(that address) and to staff; the signers' CSV only to its organisers: its creator and
the staff named as its organisers, nobody else.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clarion.campaigns import selectors as campaigns
from clarion.campaigns import services as campaign_services
from clarion.campaigns.forms import EmailForm, TextForm
from clarion.campaigns.models import PetitionStart
from clarion.core import ratelimit
from clarion.core.csvcells import spreadsheet_safe
from clarion.core.http import client_ip, private_page
from clarion.organise.forms import CloseForm, DeliveryForm, TagForm, UpdateForm
from clarion.petitions import charts
from clarion.petitions import selectors as petitions
from clarion.petitions.models import Petition
from clarion.updates.services import update_post

# The session key holding the signed-in organiser's normalised address.
ORGANISER = "clarion.organiser"
# Sign-in links asked for per IP address per hour: plenty for a person, not a mailer.
LINKS_PER_HOUR = 20
# Updates an organiser may post per petition per day: each may go to every signer.
UPDATES_PER_DAY = 3
DAY = 24 * 60 * 60


def _organiser_key(request: HttpRequest) -> str | None:
    return request.session.get(ORGANISER)


@dataclass(frozen=True)
class Access:
    petition: Petition
    start: PetitionStart | None
    is_creator: bool
    may_export: bool


def _access(request: HttpRequest, slug: str) -> Access:
    """The petition behind a dashboard URL, if this visitor may run it; else 404.

    A 404 rather than a 403, so the dashboard says nothing about petitions that are
    not the visitor's.
    """
    petition = Petition.objects.filter(slug=slug).first()
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    start = campaigns.start_of(petition)
    key = _organiser_key(request)
    is_creator = start is not None and bool(key) and start.email_normalised == key
    user = request.user
    staff_organiser = user.is_authenticated and petition.organisers.filter(pk=user.pk).exists()
    if not (is_creator or (user.is_authenticated and user.is_staff)):
        raise Http404(_("There is no petition at this address."))
    return Access(petition, start, is_creator, may_export=is_creator or staff_organiser)


# --- signing in ------------------------------------------------------------------------


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    key = _organiser_key(request)
    if key:
        return render(
            request,
            "organise/home.html",
            {"starts": campaigns.organiser_petitions(key)},
        )
    form = EmailForm(request.POST or None)
    if request.method == "POST":
        wait = ratelimit.hit_ip("organise:link", client_ip(request), LINKS_PER_HOUR, 3600)
        if wait:
            form.is_valid()
            form.add_error(None, _("Too many sign-in links from this address. Try again later."))
            response = render(request, "organise/signin.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        if not form.is_valid():
            return render(request, "organise/signin.html", {"form": form}, status=400)
        if not form.honeypot:
            campaign_services.organiser_link_request(
                form.cleaned_data["email"], get_language() or settings.LANGUAGE_CODE
            )
        # The same answer whether or not the address started anything.
        return render(request, "organise/link_sent.html")
    return render(request, "organise/signin.html", {"form": form})


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def signin(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the emailed link shows a button; the POST behind it signs in, so a mail
    scanner that opens links signs nobody in."""
    key = campaign_services.organiser_email(token)
    if key is None:
        return render(request, "organise/signin_invalid.html", status=404)
    if request.method == "POST":
        # A new session key: whatever session the visitor had can't be fixed upon them.
        request.session.cycle_key()
        request.session[ORGANISER] = key
        return redirect("organise:home")
    return render(request, "organise/signin_ready.html")


@private_page
@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    request.session.pop(ORGANISER, None)
    messages.success(request, _("You are signed out."))
    return redirect("organise:home")


# --- one petition ------------------------------------------------------------------------


def _dashboard(request: HttpRequest, access: Access, status: int = 200, **forms) -> HttpResponse:
    petition = access.petition
    tag_form = TagForm(request.GET) if "tag" in request.GET else TagForm()
    page_url = settings.CLARION_BASE_URL + petition.get_absolute_url()
    tagged = (
        f"{page_url}?source={tag_form.cleaned_data['tag']}"
        if tag_form.is_bound and tag_form.is_valid()
        else ""
    )
    start = access.start
    context = {
        "petition": petition,
        "start": start,
        "access": access,
        "charts": charts.for_petition(petition) if petition.is_public else None,
        "sources": petitions.petition_sources(petition.pk),
        "milestones": list(petition.milestones.all()),
        "updates": list(petition.updates.order_by("-created_at")),
        "pending_correction": campaigns.pending_correction(petition),
        "latest_correction": campaigns.latest_decided_correction(petition),
        "delivery_request": campaigns.open_delivery_request(petition),
        "supporters": campaigns.supporters(start) if start is not None else None,
        "needed": settings.CLARION_SPONSORS_NEEDED,
        "support_url": (
            settings.CLARION_BASE_URL + campaign_services.support_path(start)
            if start is not None and petition.status in Petition.SIGNABLE and not petition.is_public
            else ""
        ),
        "page_url": page_url,
        "tag_form": tag_form,
        "tagged_url": tagged,
        "update_form": forms.get("update_form") or UpdateForm(),
        "text_form": forms.get("text_form") or _text_form(petition),
        "delivery_form": forms.get("delivery_form") or DeliveryForm(),
        "close_form": forms.get("close_form") or CloseForm(),
    }
    return render(request, "organise/dashboard.html", context, status=status)


def _text_form(petition: Petition) -> TextForm:
    return TextForm(
        initial={
            "title": petition.title,
            "goal": petition.goal,
            "narrative": petition.narrative,
            "demands": "\n".join(d.text for d in petition.demands.order_by("position", "id")),
        }
    )


def _back(access: Access, anchor: str) -> HttpResponse:
    return redirect(reverse("organise:dashboard", args=[access.petition.slug]) + anchor)


@private_page
@require_safe
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    if not _organiser_key(request) and not request.user.is_authenticated:
        messages.info(request, _("Sign in to run your petition."))
        return redirect("organise:home")
    return _dashboard(request, _access(request, slug))


@private_page
@require_POST
def post_update(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    form = UpdateForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, access, status=400, update_form=form)
    if form.honeypot:
        return _back(access, "#updates")
    if not access.petition.is_public:
        form.add_error(None, _("Updates can be posted once the petition is published."))
        return _dashboard(request, access, status=409, update_form=form)
    allowed, wait = ratelimit.hit(f"organise:update:{access.petition.pk}", UPDATES_PER_DAY, DAY)
    if not allowed:
        form.add_error(
            None,
            _("At most %(n)s updates a day per petition: signers' inboxes matter. Try again later.")
            % {"n": UPDATES_PER_DAY},
        )
        response = _dashboard(request, access, status=429, update_form=form)
        response["Retry-After"] = str(wait)
        return response
    email = form.cleaned_data["email_signers"]
    update_post(
        access.petition,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        email=email,
    )
    messages.success(
        request,
        _(
            "Your update is on the petition's page and on its way to the signers who "
            "asked for updates."
        )
        if email
        else _("Your update is on the petition's page."),
    )
    return _back(access, "#updates")


@private_page
@require_POST
def change_text(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    form = TextForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, access, status=400, text_form=form)
    if form.honeypot:
        return _back(access, "#text")
    try:
        correction = campaign_services.text_change(access.petition, form.to_input())
    except ValidationError as exc:
        form.add_error(None, exc)
        return _dashboard(request, access, status=409, text_form=form)
    messages.success(
        request,
        _("Your correction is with the moderators; the petition changes once they apply it.")
        if correction is not None
        else _("Your petition's text is changed."),
    )
    return _back(access, "#text")


@private_page
@require_POST
def close(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, access, status=400, close_form=form)
    if form.honeypot:
        return _back(access, "#close")
    try:
        campaign_services.organiser_close(access.petition)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _dashboard(request, access, status=409, close_form=form)
    messages.success(request, _("Your petition is closed. It stays online with its signatures."))
    return _back(access, "#close")


@private_page
@require_POST
def ask_delivery(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request, slug)
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, access, status=400, delivery_form=form)
    if form.honeypot:
        return _back(access, "#delivery")
    try:
        asked = campaign_services.delivery_ask(access.petition, form.cleaned_data["note"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return _dashboard(request, access, status=409, delivery_form=form)
    messages.success(
        request,
        _("The staff have your request and will deliver the petition to its targets.")
        if asked
        else _("You have asked already; the staff will deliver it."),
    )
    return _back(access, "#delivery")


@private_page
@require_safe
def signers_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The signers who agreed to hear from the organisers: name, email, country, date."""
    access = _access(request, slug)
    if not access.may_export:
        raise Http404(_("There is no petition at this address."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.petition.slug}-signers.csv"'
    writer = csv.writer(response)
    writer.writerow(["name", "email", "country", "signed"])
    for signature in campaigns.signers_for_organiser(access.petition.pk).iterator():
        writer.writerow(
            spreadsheet_safe(value)
            for value in (
                signature.full_name,
                signature.email,
                signature.country.code,
                signature.confirmed_at.date().isoformat(),
            )
        )
    return response
