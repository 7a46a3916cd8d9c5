"""/api/v1/letters: open letters and their public signatories.

Only what the letter's page shows: never a contact person or an email address.
"""

from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from clarion.api.common import CountryCode, Text, absolute, category_ref
from clarion.api.letters_schemas import LetterDetailOut, LetterOut
from clarion.api.pagination import PageNumbers, Rendered
from clarion.api.schemas import ErrorOut, ValidationErrorOut
from clarion.letters import selectors
from clarion.letters.models import Letter
from clarion.taxonomy.translated import translations

router = Router(tags=["letters"])


class LetterFilters(Schema):
    status: Literal["open", "closed", "delivered"] | None = None
    country: CountryCode = None
    category: Text = None


def letter_to_dict(letter: Letter) -> dict:
    return {
        "slug": letter.slug,
        "url": absolute(letter.get_absolute_url()),
        "pdf_url": absolute(reverse("letters:pdf", args=[letter.slug])),
        "title": letter.title,
        "language": letter.language,
        "date": letter.date,
        "status": letter.status,
        "addressees": [
            {
                "name": a.name,
                "title": a.title,
                "country": a.country.code or None,
                "translations": translations(a, "title"),
            }
            for a in letter.addressees.all()
        ],
        "salutation": letter.salutation,
        "body": letter.body,
        "closing": letter.closing,
        "translations": [
            {
                "language": t.language,
                "title": t.title,
                "salutation": t.salutation,
                "body": t.body,
                "closing": t.closing,
            }
            for t in letter.translations.all()
        ],
        "categories": [category_ref(c) for c in letter.categories.all()],
        "countries": [c.code for c in letter.countries],
        "organisation_count": selectors.organisation_count(letter),
        "published_at": letter.published_at,
        "updated_at": letter.updated_at,
        "delivered_at": letter.delivered_at,
    }


@router.get("", response={200: list[LetterOut], 400: ErrorOut, 422: ValidationErrorOut})
@paginate(PageNumbers)
def list_letters(request: HttpRequest, filters: Query[LetterFilters]):
    """Public letters (open, closed or delivered), newest first."""
    qs = selectors.public_letters()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.country:
        qs = qs.filter(countries__contains=filters.country.upper())
    if filters.category:
        qs = qs.filter(categories__slug=filters.category)
    qs = selectors.with_list_data(qs.distinct()).order_by("-date", "-id")
    return Rendered(qs, letter_to_dict)


@router.get("/{slug}", response={200: LetterDetailOut, 400: ErrorOut, 404: ErrorOut})
def get_letter(request: HttpRequest, slug: str):
    """One public letter with its approved organisations and public individual names."""
    letter = selectors.letter_for_page(slug)
    if letter is None:
        raise HttpError(404, f"No letter with slug {slug!r}.")
    data = letter_to_dict(letter)
    data["organisations"] = [
        {
            "name": o.name,
            "acronym": o.acronym,
            "name_other_language": o.name_other_language,
            "country": o.country.code or None,
            "website": o.website,
        }
        for o in selectors.approved_organisations(letter)
    ]
    data["individuals"] = [
        {"name": p.full_name, "affiliation": p.affiliation, "country": p.country.code or None}
        for p in selectors.public_individuals(letter)
    ]
    return data
