"""Every write of starting and running a petition goes through here.

1. ``start_petition``: a person sends the form. Limits per IP address and per email
   address apply, the related article (if any) is read through the guarded fetcher,
   and a pending start is stored with its confirmation email (the shared flow of
   clarion.confirmations). Nothing else is written, so a refused or failed request
   leaves nothing half-way.
2. ``start_confirmed`` (the flow's ``on_confirmed``, in the confirming transaction):
   the petition is created, collecting supporters, and its creator is emailed the
   private link to share.
3. ``sponsors_check`` (a periodic job): a petition with CLARION_SPONSORS_NEEDED
   counted supporters besides its creator goes to the moderators.
4. ``moderation_approve`` / ``moderation_reject``: a moderator publishes it, or turns
   it down with a published reason; the creator is emailed either way.
5. The organiser's own actions (their dashboard, clarion.organise): corrections,
   closing early, asking for delivery, and the sign-in links that open the dashboard.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clarion.campaigns.flows import PETITION_START
from clarion.campaigns.models import (
    Correction,
    DeliveryRequest,
    OrganiserLink,
    PetitionStart,
)
from clarion.campaigns.selectors import supporters
from clarion.confirmations import services as confirmations
from clarion.core import ratelimit
from clarion.core.addresses import normalise_email
from clarion.core.http import hash_ip
from clarion.core.outbox import outbox_enqueue
from clarion.core.tokens import absolute, token_hash
from clarion.news.article_page import ArticleUnreadable, related_article
from clarion.petitions import services as petitions
from clarion.petitions.models import Demand, Milestone, Petition, RejectionReason
from clarion.taxonomy.models import Category, Target

DAY = 24 * 60 * 60


class StartError(ValidationError):
    """The form can't be taken as sent; ``field`` names what to fix ("" for the form)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class TooManyStarts(Exception):
    """Over a per-IP or per-address limit; ``wait`` is the seconds until the next try."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


@dataclass(frozen=True)
class StartInput:
    full_name: str
    email: str
    title: str
    goal: str
    narrative: str
    targets: list[str]
    category: Category
    country: str
    content_language: str
    demands: list[str] = field(default_factory=list)
    related_url: str = ""
    # The form's hidden honeypot was filled in: only bots do that.
    honeypot: bool = False


def title_key(title: str) -> str:
    return slugify(title)[:150] or hashlib.sha256(title.encode()).hexdigest()[:32]


def _address_limit(email_key: str) -> int:
    digest = hashlib.sha256(email_key.encode()).hexdigest()[:32]
    allowed, wait = ratelimit.hit(
        f"start:address:{digest}", settings.CLARION_START_PER_ADDRESS_PER_DAY, DAY
    )
    return 0 if allowed else wait


def start_petition(data: StartInput, *, ip: str | None, language: str) -> PetitionStart | None:
    """Take a "start a petition" form: a pending start and its confirmation email.

    Raises TooManyStarts over a limit and StartError when the related article can't be
    read; either way nothing is stored. A filled honeypot answers as if all went well
    and stores nothing (None). An address that started the same title before gets a
    fresh link, or a note that the petition exists (the shared flow's ``store``).
    """
    # Counted before the article is fetched: the fetch is the costly part, and a
    # script must not make the site fetch pages for it without end.
    wait = ratelimit.hit_ip("start:ip", ip, settings.CLARION_START_PER_IP_PER_DAY, DAY)
    if wait:
        raise TooManyStarts(wait)
    if data.honeypot:
        return None
    email_key = normalise_email(data.email)
    related = None
    if data.related_url:
        try:
            related = related_article(data.related_url)
        except ArticleUnreadable as exc:
            raise StartError(str(exc), field="related_url") from None
    wait = _address_limit(email_key)
    if wait:
        raise TooManyStarts(wait)
    start = PetitionStart(
        full_name=data.full_name,
        email=data.email.strip(),
        email_normalised=email_key,
        language=language,
        ip_hash=hash_ip(ip),
        title=data.title,
        title_key=title_key(data.title),
        goal=data.goal,
        narrative=data.narrative,
        demands="\n".join(data.demands),
        targets="\n".join(data.targets),
        category=data.category,
        country=data.country,
        content_language=data.content_language,
        sponsor_token=secrets.token_urlsafe(24),
    )
    if related is not None:
        start.related_url = related.url
        start.related_headline = related.headline
        start.related_outlet = related.outlet
        start.related_published_at = related.published_at
        start.related_time_zone = related.time_zone
    prepared = confirmations.prepare(PETITION_START, start)
    with transaction.atomic():
        return confirmations.store(PETITION_START, prepared)


# --- the petition, once its creator confirmed --------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:90].strip("-") or "petition"
    if not Petition.objects.filter(slug=base).exists():
        return base
    # A short random tail rather than -2, -3...: no guessing the next one, no loop.
    return f"{base}-{secrets.token_hex(3)}"


def _target(name: str, country: str) -> Target:
    found = Target.objects.filter(name__iexact=name, country=country).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Target.objects.create(name=name, country=country, kind=Target.Kind.BODY)
    except IntegrityError:  # created meanwhile by another request with the same name
        return Target.objects.get(name=name, country=country)


def start_confirmed(start: PetitionStart) -> Petition:
    """Create the petition a just-confirmed start stands for, collecting supporters.

    Runs in the confirming transaction: if anything here fails, the confirmation is
    rolled back with it and the link still works.
    """
    now = timezone.now()
    petition = None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                petition = Petition.objects.create(
                    title=start.title,
                    slug=_unique_slug(start.title),
                    goal=start.goal,
                    narrative=start.narrative,
                    countries=[start.country],
                    language=start.content_language,
                    related_url=start.related_url,
                    related_headline=start.related_headline,
                    related_outlet=start.related_outlet,
                    related_published_at=start.related_published_at,
                    related_time_zone=start.related_time_zone,
                    status=Petition.Status.COLLECTING,
                    signature_goal=petitions.next_goal(0),
                    created_at=now,
                    updated_at=now,
                )
            break
        except IntegrityError:  # two petitions of one title confirmed at once
            continue
    if petition is None:
        raise IntegrityError("no free slug for a started petition")
    Demand.objects.bulk_create(
        Demand(petition=petition, position=n, text=text)
        for n, text in enumerate(start.demand_list(), 1)
    )
    petition.targets.set([_target(name, start.country.code) for name in start.target_list()])
    petition.categories.set([start.category_id])
    PetitionStart.objects.filter(pk=start.pk).update(petition=petition)
    start.petition = petition
    _tell_creator(
        start,
        "created",
        gettext_noop("Your petition is created: %(title)s"),
        support_url=absolute(support_path(start)),
        needed=settings.CLARION_SPONSORS_NEEDED,
    )
    return petition


def support_path(start: PetitionStart) -> str:
    return reverse("campaigns:support", args=[start.sponsor_token])


def _tell_creator(
    start: PetitionStart, kind: str, subject: str, *, once_per: str = "", **context
) -> bool:
    """Email the creator about their petition, in the language they started it in.

    One email per start and kind (the outbox key; ``once_per`` tells apart several of
    one kind, such as each goal reached), however often this runs. Every one carries a
    fresh sign-in link to the organiser dashboard.
    """
    petition = start.petition
    with translation.override(start.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            f"campaigns/email/{kind}.txt",
            {
                "start": start,
                "petition": petition,
                "petition_url": absolute(petition.get_absolute_url()),
                "signin_url": absolute(
                    reverse("organise:signin", args=[organiser_token(start.email_normalised)])
                ),
                "link_hours": settings.CLARION_ORGANISER_LINK_HOURS,
                "site_name": settings.CLARION_SITE_NAME,
                **context,
            },
        )
        # Marked with gettext_noop by the callers: translated here, in the creator's language.
        subject = _(subject) % {"title": petition.title, **context}
    key = f"start-{kind}:{start.pk}" + (f":{once_per}" if once_per else "")
    return outbox_enqueue(key=key, to=start.email, subject=subject, body=body)


# Who may approve or reject started petitions (the moderation queue's admin page).
MODERATE_PERMISSION = "campaigns.change_moderationqueue"


# --- supporters, then moderation --------------------------------------------------


def sponsors_check() -> int:
    """Send to moderation every collecting petition that has its supporters.

    The worker runs this every few seconds. The status moves by a conditional UPDATE,
    so two workers never both move (and email about) one petition. Returns how many
    moved.
    """
    needed = settings.CLARION_SPONSORS_NEEDED
    starts = PetitionStart.objects.filter(
        petition__status=Petition.Status.COLLECTING,
        # The folded count includes the creator; the exact check follows.
        petition__signature_count__gte=needed,
    ).select_related("petition")
    moved = 0
    for start in starts:
        if supporters(start) < needed:
            continue
        now = timezone.now()
        with transaction.atomic():
            changed = Petition.objects.filter(
                pk=start.petition_id, status=Petition.Status.COLLECTING
            ).update(status=Petition.Status.MODERATION, updated_at=now)
            if not changed:
                continue
            PetitionStart.objects.filter(pk=start.pk).update(submitted_at=now)
            start.petition.status = Petition.Status.MODERATION
            _tell_creator(
                start, "moderation", gettext_noop("Your petition is with the moderators: %(title)s")
            )
            _tell_moderators(start)
        moved += 1
    return moved


def _moderators() -> list[tuple[int, str]]:
    """(id, email) of every active account that may approve or reject started petitions."""
    # with_perm: one query through the permission tables (superusers included), where
    # has_perm on each staff account would read its permissions one account at a time.
    moderators = User.objects.with_perm(MODERATE_PERMISSION).filter(is_staff=True)
    return list(moderators.exclude(email="").values_list("pk", "email"))


def _tell_moderators(start: PetitionStart) -> None:
    """Tell the moderators that a petition has its supporters and waits for them.

    In the site's language (moderators work in the admin, which speaks it); one email
    per petition and moderator, however often this runs.
    """
    petition = start.petition
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A petition awaits moderation: %(title)s") % {"title": petition.title}
        body = render_to_string(
            "campaigns/email/queue.txt",
            {
                "petition": petition,
                "queue_url": absolute(
                    reverse("admin:campaigns_moderationqueue_changelist")
                    + f"?status__exact={Petition.Status.MODERATION}"
                ),
                "site_name": settings.CLARION_SITE_NAME,
            },
        )
    for user_id, email in _moderators():
        outbox_enqueue(
            key=f"start-queue:{start.pk}:{user_id}", to=email, subject=subject, body=body
        )


def milestones_tell_creators() -> int:
    """Email each started petition's creator the goals it reached lately.

    The milestone rows are written by petitions (``milestones_record``), which tells
    the staff organisers and knows nothing of creators; this looks at the last few
    days' rows of started petitions. The outbox key makes each goal one email however
    often this runs, so the window stays well inside the time sent mail is kept
    (CLARION_PURGE_MAIL_DAYS): a key deleted with its mail could not stop a second one.
    Returns how many were queued.
    """
    window = min(timedelta(days=2), timedelta(days=settings.CLARION_PURGE_MAIL_DAYS) / 2)
    since = timezone.now() - window
    recent = Milestone.objects.filter(
        reached_at__gte=since, petition__start__isnull=False
    ).select_related("petition__start")
    queued = 0
    for milestone in recent:
        queued += _tell_creator(
            milestone.petition.start,
            "milestone",
            gettext_noop("Goal reached: %(goal)s signatures for “%(title)s”"),
            once_per=str(milestone.goal),
            goal=f"{milestone.goal:,}",
        )
    return queued


def _start_of(petition: Petition) -> PetitionStart | None:
    return PetitionStart.objects.filter(petition=petition).select_related("petition").first()


def moderation_approve(petition: Petition) -> Petition:
    """Publish a started petition and tell its creator."""
    if petition.status not in (Petition.Status.COLLECTING, Petition.Status.MODERATION):
        raise ValidationError(_("Only a petition awaiting publication can be approved."))
    with transaction.atomic():
        changed = Petition.objects.filter(pk=petition.pk, status=petition.status).update(
            updated_at=timezone.now()
        )
        if not changed:
            raise ValidationError(_("Someone else decided on this petition first."))
        petitions.petition_publish(petition)
        start = _start_of(petition)
        if start is not None:
            _tell_creator(start, "published", gettext_noop("Your petition is published: %(title)s"))
    return petition


def moderation_reject(
    petition: Petition,
    *,
    reason: RejectionReason,
    note: str = "",
    duplicate_of: Petition | None = None,
) -> Petition:
    """Turn a started petition down with a published reason, and tell its creator."""
    with transaction.atomic():
        petitions.petition_reject(petition, reason=reason, note=note, duplicate_of=duplicate_of)
        start = _start_of(petition)
        if start is not None:
            with translation.override(start.language or settings.LANGUAGE_CODE):
                label, explanation = reason.shown()
            _tell_creator(
                start,
                "rejected",
                gettext_noop("Your petition was not published: %(title)s"),
                reason=label,
                explanation=explanation,
                note=note,
                duplicate_url=absolute(duplicate_of.get_absolute_url()) if duplicate_of else "",
            )
    return petition


# --- what organisers do -------------------------------------------------------------


@dataclass(frozen=True)
class TextInput:
    title: str
    goal: str
    narrative: str
    demands: list[str]
    note: str = ""


def text_change(petition: Petition, text: TextInput) -> Correction | None:
    """Change the petition's words: at once while it collects supporters, else as a
    correction a moderator applies (the text locks once it goes to moderation).

    A new proposal replaces one still waiting. Returns the correction, or None when
    the text was changed at once.
    """
    if not petition.text_locked:
        petitions.petition_set_text(
            petition,
            title=text.title,
            goal=text.goal,
            narrative=text.narrative,
            demands=text.demands,
        )
        return None
    if petition.status == Petition.Status.REJECTED:
        raise ValidationError(_("A rejected petition can't be changed."))
    with transaction.atomic():
        petition.corrections.filter(status=Correction.Status.PENDING).delete()
        return Correction.objects.create(
            petition=petition,
            title=text.title,
            goal=text.goal,
            narrative=text.narrative,
            demands="\n".join(text.demands),
            note=text.note,
        )


@transaction.atomic
def correction_apply(correction: Correction) -> bool:
    """A moderator accepts a correction: the petition's words become the proposal's."""
    decided = Correction.objects.filter(pk=correction.pk, status=Correction.Status.PENDING).update(
        status=Correction.Status.APPLIED, decided_at=timezone.now()
    )
    if decided:
        petitions.petition_set_text(
            correction.petition,
            title=correction.title,
            goal=correction.goal,
            narrative=correction.narrative,
            demands=correction.demand_list(),
        )
    return bool(decided)


def correction_decline(correction: Correction) -> bool:
    return bool(
        Correction.objects.filter(pk=correction.pk, status=Correction.Status.PENDING).update(
            status=Correction.Status.DECLINED, decided_at=timezone.now()
        )
    )


def organiser_close(petition: Petition) -> Petition:
    """Close a published petition before its time, at its organiser's wish."""
    return petitions.petition_close(petition)


def delivery_ask(petition: Petition, note: str) -> bool:
    """Ask the staff to deliver the petition. False when a request is already open."""
    if not petition.is_public:
        raise ValidationError(_("A petition can be delivered once it is published."))
    try:
        with transaction.atomic():
            DeliveryRequest.objects.create(petition=petition, note=note)
    except IntegrityError:  # one open request per petition (a database constraint)
        return False
    return True


def delivery_handled(request: DeliveryRequest) -> bool:
    return bool(
        DeliveryRequest.objects.filter(pk=request.pk, handled_at__isnull=True).update(
            handled_at=timezone.now()
        )
    )


# --- signing in to the organiser dashboard ------------------------------------------


def organiser_token(email_key: str) -> str:
    """A new sign-in link token for this address key; only its hash is stored."""
    now = timezone.now()
    # Expired links are worth nothing: forget them whenever a new one is made.
    OrganiserLink.objects.filter(expires_at__lt=now).delete()
    token = secrets.token_urlsafe(32)
    OrganiserLink.objects.create(
        token_hash=token_hash(token),
        email_key=email_key,
        created_at=now,
        expires_at=now + timedelta(hours=settings.CLARION_ORGANISER_LINK_HOURS),
    )
    return token


def organiser_email(token: str) -> str | None:
    """The address key a sign-in token opens, or None if unknown or expired."""
    if not token or len(token) > 100:
        return None
    return (
        OrganiserLink.objects.filter(token_hash=token_hash(token), expires_at__gt=timezone.now())
        .values_list("email_key", flat=True)
        .first()
    )


def organiser_link_request(email: str, language: str) -> None:
    """Email a sign-in link, if this address started a petition.

    The caller always answers the same way, so the form reveals nothing about who
    started what. At most one email per address per hour.
    """
    email_key = normalise_email(email)
    if not PetitionStart.objects.filter(
        email_normalised=email_key, petition__isnull=False
    ).exists():
        return
    digest = hashlib.sha256(email_key.encode()).hexdigest()[:24]
    hour = timezone.now().strftime("%Y%m%d%H")
    with translation.override(language):
        body = render_to_string(
            "campaigns/email/signin.txt",
            {
                "signin_url": absolute(
                    reverse("organise:signin", args=[organiser_token(email_key)])
                ),
                "link_hours": settings.CLARION_ORGANISER_LINK_HOURS,
                "site_name": settings.CLARION_SITE_NAME,
            },
        )
        subject = _("Sign in to run your petitions on %(site)s") % {
            "site": settings.CLARION_SITE_NAME
        }
    outbox_enqueue(
        key=f"organiser-link:{digest}:{hour}", to=email, subject=subject, body=body, capped=True
    )


# --- a creator's own data -------------------------------------------------------------


@transaction.atomic
def start_forget(start: PetitionStart) -> None:
    """What "delete my data" does to a petition its creator started.

    Not published (never confirmed, collecting supporters, with the moderators, or
    rejected): it is deleted, with its supporters' signatures; nobody else relies on it.
    Published or closed: its signers do, so it stays, without its creator: their name
    and address are wiped from the start (the only place they were kept) and their
    organiser sign-in links are deleted, so nobody can run it as them any more.
    """
    petition = start.petition
    if petition is None or not petition.is_public:
        if petition is not None:
            petitions.petition_delete(petition)
        PetitionStart.objects.filter(pk=start.pk).delete()
        return
    OrganiserLink.objects.filter(email_key=start.email_normalised).delete()
    PetitionStart.objects.filter(pk=start.pk).update(
        full_name="",
        email=f"forgotten-{start.pk}@invalid",
        # Matches no address anyone can type, and stays unique per creator and title.
        email_normalised=f"forgotten:{start.pk}",
    )
