"""Reads for letter pages, PDFs and the API: only what the public may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from clarion.core.text import LIKE_CONTAINS, contains_pattern, query_words
from clarion.letters.models import (
    Addressee,
    IndividualSignature,
    Letter,
    LetterTranslation,
    OrganisationSignature,
    SignOnStatus,
)
from clarion.taxonomy import countries
from clarion.taxonomy.models import Category

PUBLIC_STATUSES = (Letter.Status.OPEN, Letter.Status.CLOSED, Letter.Status.DELIVERED)
# Individuals show once confirmed; a moderator may still reject them.
INDIVIDUALS_SHOWN = (SignOnStatus.CONFIRMED, SignOnStatus.APPROVED)
# The only columns of a sign-on that public pages, PDFs and the API ever load: no
# contact person, no email.
ORGANISATION_PUBLIC_FIELDS = (
    "id",
    "letter_id",
    "name",
    "name_normalised",
    "acronym",
    "name_other_language",
    "country",
    "website",
    "confirmed_at",
    "created_at",
)
INDIVIDUAL_PUBLIC_FIELDS = ("id", "letter_id", "full_name", "affiliation", "country", "created_at")


def public_letters() -> QuerySet[Letter]:
    return Letter.objects.filter(status__in=PUBLIC_STATUSES)


def search_letters(query: str, limit: int) -> list[Letter]:
    """Public letters with every word of ``query`` in their title or text, in any of
    their languages; newest first. Only id, slug, title and date are loaded.

    Letters are few (dozens to hundreds), so a plain case-insensitive match of each word
    is quick enough and needs no index of its own; petitions have the full-text one.
    Written in SQL: the ORM's query (four columns over two tables, per word) took 1.3 to
    2 ms to build on every search, the search itself a fraction of that.
    """
    words = query_words(query)
    if not words:
        return []
    letters, translations = Letter._meta.db_table, LetterTranslation._meta.db_table
    like = LIKE_CONTAINS
    each_word = (
        f"({like.format('l.title')} OR {like.format('l.body')} OR EXISTS (SELECT 1 "  # noqa: S608
        f"FROM {translations} t WHERE t.letter_id = l.id "
        f"AND ({like.format('t.title')} OR {like.format('t.body')})))"
    )
    statuses = ", ".join(["%s"] * len(PUBLIC_STATUSES))
    params: list[object] = list(PUBLIC_STATUSES)
    for word in words:
        params += [contains_pattern(word)] * 4
    sql = (
        f"SELECT l.id, l.slug, l.title, l.date FROM {letters} l "  # noqa: S608
        f"WHERE l.status IN ({statuses}) AND "
        + " AND ".join([each_word] * len(words))
        + " ORDER BY l.date DESC, l.id DESC LIMIT %s"
    )
    return list(Letter.objects.raw(sql, [*params, limit]))


def with_list_data(queryset: QuerySet[Letter]) -> QuerySet[Letter]:
    """What a letter card or API item shows, in a fixed number of queries."""
    return queryset.annotate(
        organisation_count=Count(
            "organisations",
            filter=Q(organisations__status=SignOnStatus.APPROVED),
            distinct=True,
        )
    ).prefetch_related(
        Prefetch("addressees", queryset=Addressee.objects.order_by("position", "id")),
        Prefetch("categories", queryset=Category.objects.order_by("name")),
        "translations",
    )


def letter_for_page(slug: str, *, include_drafts: bool = False) -> Letter | None:
    qs = Letter.objects.all() if include_drafts else public_letters()
    return (
        with_list_data(qs)
        .prefetch_related("related_articles", "related_stories")
        .filter(slug=slug)
        .first()
    )


def approved_organisations(letter: Letter) -> list[OrganisationSignature]:
    """The organisations shown on the letter, in the order the letter asks for."""
    order = (
        ["name_normalised", "id"]
        if letter.signatory_order == Letter.SignatoryOrder.ALPHABETICAL
        else ["confirmed_at", "id"]
    )
    return list(
        OrganisationSignature.objects.filter(letter=letter, status=SignOnStatus.APPROVED)
        .only(*ORGANISATION_PUBLIC_FIELDS)
        .order_by(*order)
    )


def public_individuals(letter: Letter) -> list[IndividualSignature]:
    if not letter.individuals_may_sign:
        return []
    order = (
        ["full_name", "id"]
        if letter.signatory_order == Letter.SignatoryOrder.ALPHABETICAL
        else ["confirmed_at", "id"]
    )
    return list(
        IndividualSignature.objects.filter(letter=letter, status__in=INDIVIDUALS_SHOWN)
        .only(*INDIVIDUAL_PUBLIC_FIELDS, "confirmed_at")
        .order_by(*order)
    )


@dataclass(frozen=True)
class LetterText:
    """The words of a letter in one language: the original or a translation."""

    language: str
    title: str
    salutation: str
    body: str
    closing: str
    is_original: bool


def original_text(letter: Letter) -> LetterText:
    return LetterText(
        letter.language, letter.title, letter.salutation, letter.body, letter.closing, True
    )


def texts(letter: Letter) -> list[LetterText]:
    """The original first, then each translation."""
    return [original_text(letter)] + [
        LetterText(t.language, t.title, t.salutation, t.body, t.closing, False)
        for t in letter.translations.all()
        if t.language != letter.language
    ]


def text_for(letter: Letter, language: str | None = None) -> LetterText:
    """The letter in ``language`` (default: the active one), else the original."""
    wanted = (language or get_language() or letter.language).split("-")[0].lower()
    for text in texts(letter):
        if text.language == wanted:
            return text
    return original_text(letter)


def letters_in_countries(codes: list[str] | tuple[str, ...]) -> QuerySet[Letter]:
    """Public letters about any of these countries, newest first."""
    return with_list_data(public_letters().filter(countries.any_of(codes))).order_by("-date", "-id")


def organisation_count(letter: Letter) -> int:
    count = getattr(letter, "organisation_count", None)
    if count is None:
        count = letter.organisations.filter(status=SignOnStatus.APPROVED).count()
    return count


def letter_context(letter: Letter, language: str | None = None) -> dict:
    """What the letter's page and its PDF show, in ``language`` when it has that version."""
    text = text_for(letter, language)
    organisations = approved_organisations(letter)
    addressees = list(letter.addressees.all())
    for addressee in addressees:
        # In the language of the version shown, so the whole letter reads in one.
        addressee.shown_title = addressee.title_in(text.language)
    return {
        "letter": letter,
        "text": text,
        "other_texts": [t for t in texts(letter) if t.language != text.language],
        "addressees": addressees,
        "organisations": organisations,
        "organisation_count": len(organisations),
        "individuals": public_individuals(letter),
    }
