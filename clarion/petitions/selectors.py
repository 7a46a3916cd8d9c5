"""Reads for pages and the API: what the public may see, fetched in few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from clarion.core.db import rows
from clarion.core.kept import Kept
from clarion.core.recent import Recent
from clarion.petitions.models import (
    Demand,
    Petition,
    PetitionSource,
    PetitionText,
    PetitionTranslation,
    Signature,
    Update,
    demand_lines,
)
from clarion.taxonomy import countries
from clarion.taxonomy.models import Category, Target


def counted(prefix: str = "") -> Q:
    """What makes a signature count: confirmed, and not held by the abuse controls
    (neither waiting for a moderator nor invalidated).

    The one definition behind every count, list, chart, export, PDF, mailing and API
    answer; ``prefix`` reaches it through a relation (``"signatures__"``).
    """
    return Q(**{f"{prefix}confirmed_at__isnull": False, f"{prefix}held": False})


def counted_signatures(petition_id: int | None = None) -> QuerySet[Signature]:
    """The signatures that count, of one petition or of all."""
    signatures = Signature.objects.filter(counted())
    return signatures if petition_id is None else signatures.filter(petition_id=petition_id)


PUBLIC_STATUSES = (Petition.Status.PUBLISHED, Petition.Status.CLOSED)


def public_petitions() -> QuerySet[Petition]:
    return Petition.objects.filter(status__in=PUBLIC_STATUSES)


def with_card_data(queryset: QuerySet[Petition]) -> QuerySet[Petition]:
    """What a petition card or API item shows, in a fixed number of queries.

    Translations come along so that ``petition.shown`` (the words in the visitor's
    language) reads no more rows.
    """
    return queryset.prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("name")),
        Prefetch("categories", queryset=Category.objects.order_by("name")),
        "translations",
    )


@dataclass(frozen=True)
class SearchResult:
    """A public petition as a search results page shows it: its words in the page's
    language and the names its snippet may quote, read as plain rows."""

    pk: int
    slug: str
    status: str
    signature_count: int
    shown: PetitionText
    # Targets, then categories (each by name, in the page's language), then the related
    # article's headline and outlet: the "names" column of the search index.
    names: tuple[str, ...]

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.slug])


def search_results(ids: Collection[int]) -> dict[int, SearchResult]:
    """The public petitions among ``ids``, with what a results page shows of each.

    Plain SQL on purpose: model instances with their prefetched relations
    (``with_card_data``) took 5 to 8 ms of Django's bookkeeping for a page of ten, the
    same reads through ``values_list`` 2 to 4 ms, nearly all of it building the
    queries, against well under a millisecond to run them (SQLite, the bench's data).
    """
    ids = [int(pk) for pk in ids]
    if not ids:
        return {}
    language = get_language() or settings.LANGUAGE_CODE
    # As ``in_language`` reads a label's translated name: by the language's main code.
    code = language.split("-")[0].lower()
    marks = ", ".join(["%s"] * len(ids))
    statuses = ", ".join(["%s"] * len(PUBLIC_STATUSES))
    found = rows(
        "SELECT id, slug, status, signature_count, language, title, goal, narrative, "  # noqa: S608
        f"related_headline, related_outlet FROM {Petition._meta.db_table} "
        f"WHERE id IN ({marks}) AND status IN ({statuses})",
        [*ids, *PUBLIC_STATUSES],
    )
    translated: dict[int, PetitionText] = {}
    if any(row[4] != language for row in found):
        for pk, title, goal, narrative, lines in rows(
            "SELECT petition_id, title, goal, narrative, demands "  # noqa: S608
            f"FROM {PetitionTranslation._meta.db_table} "
            f"WHERE petition_id IN ({marks}) AND language = %s",
            [*ids, language],
        ):
            listed = demand_lines(lines)
            translated[pk] = PetitionText(language, title, goal, narrative, lambda d=listed: d)
    # Demands, targets and categories in one statement: each read is a round trip to a
    # PostgreSQL server (0.3 to 0.5 ms), more than the reading itself. ``kind`` keeps
    # them apart and in order: demands by position, names alphabetically.
    parts = [
        f"SELECT 0, petition_id, text, '', position, '', id FROM {Demand._meta.db_table} "  # noqa: S608
        f"WHERE petition_id IN ({marks})"
    ]
    for kind, model, relation in ((1, Target, "targets"), (2, Category, "categories")):
        # The name in the page's language where the label has one (as ``shown_name``).
        local = f"name_{code}"
        has_local = code != settings.LANGUAGE_CODE and hasattr(model, local)
        through = getattr(Petition, relation).through
        link = f"{model._meta.model_name}_id"
        translated_column = f"n.{local}" if has_local else "''"
        parts.append(
            f"SELECT {kind}, t.petition_id, n.name, {translated_column}, "  # noqa: S608
            f"0, n.name, n.id FROM {through._meta.db_table} t "
            f"JOIN {model._meta.db_table} n ON n.id = t.{link} WHERE t.petition_id IN ({marks})"
        )
    demands: dict[int, list[str]] = defaultdict(list)
    names: dict[int, list[str]] = defaultdict(list)
    for kind, pk, text, translated_name, _position, _name, _id in rows(
        " UNION ALL ".join(parts) + " ORDER BY 1, 5, 6, 7", ids * len(parts)
    ):
        if kind == 0:
            demands[pk].append(text)
        else:
            names[pk].append(translated_name or text)
    results = {}
    for pk, slug, status, count, original, title, goal, narrative, headline, outlet in found:
        shown = translated.get(pk) or PetitionText(
            original, title, goal, narrative, lambda d=demands[pk]: d
        )
        results[pk] = SearchResult(pk, slug, status, count, shown, (*names[pk], headline, outlet))
    return results


def newest(limit: int = 6, *, exclude: Collection[int] = ()) -> list[Petition]:
    # Published alone, not public_petitions() narrowed: with the redundant IN, SQLite
    # sorts every published petition instead of walking the (status, published) index.
    qs = (
        Petition.objects.filter(status=Petition.Status.PUBLISHED)
        .exclude(pk__in=list(exclude))
        .order_by("-published_at")
    )
    return list(with_card_data(qs)[:limit])


def recently_updated(limit: int = 6, *, exclude: Collection[int] = ()) -> list[Petition]:
    # The newest of each public status, merged here: over `status IN (...)` SQLite sorts
    # every public petition, while one status at a time walks the (status, updated)
    # index and stops after `limit` rows.
    found: list[Petition] = []
    for status in PUBLIC_STATUSES:
        qs = Petition.objects.filter(status=status).exclude(pk__in=list(exclude))
        found += with_card_data(qs.order_by("-updated_at"))[:limit]
    found.sort(key=lambda petition: (petition.updated_at, petition.pk), reverse=True)
    return found[:limit]


# Trending is an aggregate over a day's signatures: on a busy site, hundreds of
# milliseconds (about 650 at a million) that the home page and every empty search would
# pay. Its ranking moves slowly, so the ids are rebuilt in the background once they are
# this old (clarion.core.kept); the cards themselves, counts included, are read fresh.
TRENDING_SECONDS = 60


# The most any caller lists; each list is the first ``limit`` of these.
TRENDING_MOST = 12


# The window "trending" looks back over.
TRENDING_HOURS = 24


def _work_out_trending() -> list[int]:
    since = timezone.now() - timedelta(hours=TRENDING_HOURS)
    return list(
        public_petitions()
        .filter(status=Petition.Status.PUBLISHED)
        .annotate(
            recent=Count(
                "signatures",
                filter=counted("signatures__") & Q(signatures__confirmed_at__gte=since),
            )
        )
        .filter(recent__gt=0)
        .order_by("-recent", "-signature_count")
        .values_list("pk", flat=True)[:TRENDING_MOST]
    )


# Shared (one rebuild a minute for the whole site with Redis), rebuilt in the background
# while the last list is served: no visitor of the home page waits for the aggregate.
_trending_ids = Kept("petitions:trending", _work_out_trending, fresh=TRENDING_SECONDS, shared=True)


def trending(limit: int = 6, *, compute: bool = True) -> list[Petition]:
    """Petitions with the most signatures confirmed in the last TRENDING_HOURS.

    ``compute=False`` answers from the kept ids only, and with nothing when there are
    none: for pages that can do without (an empty search offers the newest instead).
    """
    ids = _trending_ids.get() if compute else _trending_ids.peek()
    ids = (ids or [])[: min(limit, TRENDING_MOST)]
    if not ids:
        return []
    qs = Petition.objects.filter(status=Petition.Status.PUBLISHED, pk__in=ids)
    by_id = {petition.pk: petition for petition in with_card_data(qs)}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass(frozen=True)
class HomeSections:
    trending: list[Petition]
    newest: list[Petition]
    updated: list[Petition]


def home_sections(limit: int = 6) -> HomeSections:
    """The home page's three lists, in the order the page shows them, none repeating
    another: on a young site the newest petitions are also the most signed and the last
    edited, and the same six cards three times tell a visitor nothing more."""
    hot = trending(limit)
    seen = {p.pk for p in hot}
    fresh = newest(limit, exclude=seen)
    seen |= {p.pk for p in fresh}
    return HomeSections(trending=hot, newest=fresh, updated=recently_updated(limit, exclude=seen))


def site_last_updated() -> datetime | None:
    """When anything a visitor sees last changed: a petition or a confirmed signature."""
    petitions = public_petitions().aggregate(latest=Max("updated_at"))["latest"]
    signed = (
        counted_signatures()
        .filter(petition__status__in=PUBLIC_STATUSES)
        .aggregate(latest=Max("confirmed_at"))["latest"]
    )
    times = [t for t in (petitions, signed) if t is not None]
    return max(times) if times else None


def petition_for_page(slug: str, *, include_drafts: bool = False) -> Petition | None:
    qs = Petition.objects.all() if include_drafts else public_petitions()
    return (
        with_card_data(qs)
        .select_related("story")
        .prefetch_related(
            Prefetch("demands", queryset=Demand.objects.order_by("position", "id")),
            "responses",
            "deliveries",
            Prefetch(
                "updates",
                queryset=Update.objects.filter(published_at__isnull=False),
                to_attr="published_updates",
            ),
        )
        .filter(slug=slug)
        .first()
    )


def petition_unpublished(slug: str) -> Petition | None:
    """A started petition that is not (or will never be) public, for the page that says
    so: collecting supporters, awaiting moderation, or rejected with its reason."""
    return (
        Petition.objects.filter(
            slug=slug,
            status__in=(
                Petition.Status.COLLECTING,
                Petition.Status.MODERATION,
                Petition.Status.REJECTED,
            ),
        )
        .select_related("rejection_reason", "duplicate_of")
        .prefetch_related(
            "rejection_reason__translations",
            "translations",
            "targets",
            Prefetch("demands", queryset=Demand.objects.order_by("position", "id")),
        )
        .first()
    )


def petition_sources(petition_id: int) -> list[PetitionSource]:
    """The petition's ?source= tallies, most signatures first."""
    return list(PetitionSource.objects.filter(petition_id=petition_id))


def petition_page_version(slug: str) -> tuple[int, int, object] | None:
    """What a cached petition page depends on and may not lag behind: id, count, last edit.

    Read on every page view, so it is one indexed lookup in plain SQL: building the
    same query through the ORM costs more than running it. The last edit comes back
    as the driver gives it (a string on SQLite); it only has to change when the row does.
    """
    table = connection.ops.quote_name(Petition._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, signature_count, updated_at FROM {table} "  # noqa: S608
            "WHERE slug = %s AND status IN (%s, %s)",
            [slug, *PUBLIC_STATUSES],
        )
        row = cursor.fetchone()
    return (row[0], row[1], row[2]) if row else None


def petition_count(slug: str) -> Petition | None:
    """A public petition's count and goal alone, for the count endpoint."""
    return (
        public_petitions()
        .filter(slug=slug)
        .only("pk", "slug", "signature_count", "signature_goal")
        .first()
    )


def count_now(petition_id: int) -> int:
    """The count including confirmations the worker has not folded in yet.

    For the page a signer lands on after confirming, which must include their own
    signature although the fold (``petitions.counts``) adds it a second or so later.
    One statement, so it sees the petition and its pending marks at one instant: a fold
    raises the count and clears the marks it counted in one transaction, so nothing is
    counted twice or missed. Cheap: the pending marks sit in a small partial index.
    """
    pending = (
        counted_signatures(petition_id)
        .filter(count_pending=True)
        .order_by()
        .values("petition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    row = (
        Petition.objects.filter(pk=petition_id)
        .annotate(pending=Coalesce(Subquery(pending), 0))
        .values_list("signature_count", "pending")
        .first()
    )
    return row[0] + row[1] if row else 0


# The petitions being signed, per process, for CLARION_PAGE_LOCAL_SECONDS.
# (None,) for a slug that finds nothing signable: asked again, it costs nothing either.
_RECENT_TO_SIGN: Recent[tuple[Petition | None]] = Recent(size=1024)


def petition_to_sign(slug: str, *, include_drafts: bool = False) -> Petition | None:
    """The petition alone, for taking a signature: only what signing reads.

    Every sign request starts here, so it is one indexed lookup in plain SQL (see
    ``petition_page_version``) returning a partial Petition: id, slug, title, status,
    closing time, language, and its words in the active language (``shown``, for the
    confirmation email), from the translation into that language when there is one.

    Each process keeps what it read for CLARION_PAGE_LOCAL_SECONDS (1 s), as it keeps
    the page: a petition being signed a thousand times a second is read once a second.
    Its deadline still stops signing at once (``can_be_signed`` compares its closing
    time with the clock); a moderator's closing or hiding it reaches signing within
    that second, as it reaches the page. The copy is shared: nothing may change it.
    """
    key = (slug, include_drafts, get_language() or settings.LANGUAGE_CODE)
    seconds = settings.CLARION_PAGE_LOCAL_SECONDS
    if seconds and (kept := _RECENT_TO_SIGN.get(key, seconds)) is not None:
        return kept[0]
    petition = _read_petition_to_sign(slug, include_drafts=include_drafts)
    if seconds:
        _RECENT_TO_SIGN.put(key, (petition,))
    return petition


def _read_petition_to_sign(slug: str, *, include_drafts: bool) -> Petition | None:
    table = connection.ops.quote_name(Petition._meta.db_table)
    translations = connection.ops.quote_name(PetitionTranslation._meta.db_table)
    language = get_language() or settings.LANGUAGE_CODE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.title, p.status, "  # noqa: S608
            f"p.closes_at, p.language, p.goal, p.narrative, "
            f"t.id, t.title, t.goal, t.narrative, t.demands "
            f"FROM {table} p LEFT JOIN {translations} t "
            f"ON t.petition_id = p.id AND t.language = %s AND p.language <> %s "
            f"WHERE p.slug = %s",
            [language, language, slug],
        )
        row = cursor.fetchone()
    if row is None or not (include_drafts or row[2] in PUBLIC_STATUSES):
        return None
    pk, title, status, closes_at, own_language, goal, narrative = row[:7]
    if isinstance(closes_at, datetime) and timezone.is_naive(closes_at):
        closes_at = timezone.make_aware(closes_at, UTC)  # SQLite hands back UTC as naive
    loaded = {
        "id": pk,
        "slug": slug,
        "title": title,
        "status": status,
        "closes_at": closes_at,
        "language": own_language,
        "goal": goal,
        "narrative": narrative,
    }
    # from_db wants the values in the model's field order.
    fields = [f.attname for f in Petition._meta.concrete_fields if f.attname in loaded]
    petition = Petition.from_db(None, fields, [loaded[name] for name in fields])
    if row[7] is not None:
        translation = PetitionTranslation(
            id=row[7], petition=petition, language=language, title=row[8], goal=row[9],
            narrative=row[10], demands=row[11],
        )  # fmt: skip
        petition.__dict__["shown"] = translation.text()  # what Petition.shown would find
    return petition


def public_signatures(petition: Petition, limit: int = 10) -> list[Signature]:
    """The latest counted signatures, for the public list (held ones never show).

    Only the fields a page may show are loaded; names are blanked by the template
    unless the signer agreed to show them.
    """
    return list(
        counted_signatures(petition.pk)
        .order_by("-confirmed_at")
        .only("full_name", "show_name", "country", "comment", "confirmed_at", "petition_id")[:limit]
    )


# Counting every category's public petitions joins the whole petitions table (about
# 130 ms over 100,000 petitions on SQLite); the counts are kept this long.
CATEGORY_COUNTS_SECONDS = 60


def _category_counts() -> dict[int, int]:
    return dict(
        Category.objects.annotate(
            n=Count("petitions", filter=Q(petitions__status__in=PUBLIC_STATUSES))
        ).values_list("pk", "n")
    )


# Shared (in Redis when there is one): one rebuild a minute for the whole site.
_category_counts_kept = Kept(
    "petitions:category-counts", _category_counts, fresh=CATEGORY_COUNTS_SECONDS, shared=True
)


def categories_with_counts() -> list[Category]:
    """Every category, by name, with ``petition_count``: its public petitions (a minute
    old at most, give or take a rebuild)."""
    counts = _category_counts_kept.get()
    categories = list(Category.objects.order_by("name"))
    for category in categories:
        category.petition_count = counts.get(category.pk, 0)
    return categories


def petitions_in_category(category: Category) -> QuerySet[Petition]:
    return with_card_data(public_petitions().filter(categories=category)).order_by(
        "status", "-published_at"
    )


def petitions_in_countries(codes: list[str] | tuple[str, ...]) -> QuerySet[Petition]:
    """Public petitions about any of these countries: open ones first, newest first."""
    return with_card_data(public_petitions().filter(countries.any_of(codes))).order_by(
        "status", "-published_at"
    )


def countries_with_counts() -> list[tuple[str, int]]:
    """(code, number of public petitions) for every country that has one."""
    counts: dict[str, int] = {}
    for stored in public_petitions().values_list("countries", flat=True):
        # values_list gives the stored "GB,FR" text rather than Country objects.
        codes = stored.split(",") if isinstance(stored, str) else [str(c) for c in stored]
        for code in filter(None, codes):
            counts[code] = counts.get(code, 0) + 1
    return sorted(counts.items())


# --- signatures over time and by country (charts, API) -------------------------------

# Seconds the aggregates of a large petition are reused. Both are a scan of the
# petition's confirmed signatures; on a popular petition the count (and so the cached
# page) changes every second, and recomputing them each time would cost more than the
# rest of the page. A small petition's figures are keyed by its count instead, exact.
STATS_CACHE_SECONDS = 300
STATS_EXACT_BELOW = 1000


@dataclass(frozen=True)
class SignatureStats:
    """Confirmed, counted signatures of one petition, per day and per country."""

    # (day, signatures confirmed that day), oldest first; days without any are absent.
    days: list[tuple[date, int]]
    # (ISO code, signatures), most first, then by code.
    countries: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(n for _day, n in self.days)


def _counted(petition_id: int, pending: bool) -> QuerySet[Signature]:
    # The same signatures as the count the page shows: the stored count holds the folded
    # ones only; count_now() adds those waiting for the fold.
    signatures = counted_signatures(petition_id).order_by()
    return signatures if pending else signatures.filter(count_pending=False)


def _compute_stats(petition_id: int, pending: bool) -> SignatureStats:
    per_day = (
        _counted(petition_id, pending)
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
    )
    per_country = (
        _counted(petition_id, pending)
        .values("country")
        .annotate(n=Count("id"))
        .order_by("-n", "country")
    )
    return SignatureStats(
        days=[(row["day"], row["n"]) for row in per_day],
        countries=[(str(row["country"]), row["n"]) for row in per_country],
    )


def signature_stats(petition_id: int, count: int, *, pending: bool = False) -> SignatureStats:
    """Two aggregate queries, cached (see STATS_CACHE_SECONDS); ``count`` is the count
    the page shows: the stored one, or with ``pending`` the one from ``count_now``,
    which includes the confirmations not folded in yet (the signer's own page)."""
    # Either way the figures add up to ``count``, so both share its key: a signer's page
    # leaves behind what every visitor's page shows once the fold reaches that count.
    # A large petition's figures are kept under one key for minutes while its count
    # moves on: those are the folded ones only, or they could run ahead of the count.
    # The day boundaries follow TIME_ZONE, which is part of what the figures mean.
    variant = count if count < STATS_EXACT_BELOW else "large"
    pending = pending and variant != "large"
    key = f"petition-stats:{petition_id}:{variant}:{timezone.get_current_timezone_name()}"
    stats = cache.get(key)
    if stats is None:
        stats = _compute_stats(petition_id, pending)
        cache.set(key, stats, STATS_CACHE_SECONDS)
    return stats


def petitions_about(
    *, url: str, story_id: int | None, include_drafts: bool = False
) -> list[Petition]:
    """Petitions drafted from a news story, or that cite the article at ``url`` itself."""
    about = Q(related_url=url)
    if story_id is not None:
        about |= Q(story__pk=story_id)
    statuses = (*PUBLIC_STATUSES, Petition.Status.DRAFT) if include_drafts else PUBLIC_STATUSES
    return list(
        Petition.objects.filter(about, status__in=statuses)
        .distinct()
        .prefetch_related("translations")
    )


def visible(petition: Petition | None, *, include_drafts: bool = False) -> Petition | None:
    """The petition if a visitor may see it (staff see drafts too), else None."""
    if petition is None:
        return None
    if petition.status in PUBLIC_STATUSES:
        return petition
    if include_drafts and petition.status == Petition.Status.DRAFT:
        return petition
    return None


def organised_by(user: User, queryset: QuerySet[Petition]) -> QuerySet[Petition]:
    """The petitions ``user`` may speak for: all for a superuser, else those they organise."""
    return queryset if user.is_superuser else queryset.filter(organisers=user)
