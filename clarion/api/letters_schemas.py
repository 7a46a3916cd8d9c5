"""The shapes /api/v1/letters answers with. No contact person or email in any of them."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema

from clarion.api.schemas import CategoryOut


class AddresseeTranslationOut(Schema):
    """An addressee's title or office in another interface language."""

    language: str
    title: str


class AddresseeOut(Schema):
    name: str
    title: str
    country: str | None
    translations: list[AddresseeTranslationOut]


class LetterTranslationOut(Schema):
    language: str
    title: str
    salutation: str
    body: str
    closing: str


class LetterOut(Schema):
    slug: str
    url: str
    pdf_url: str
    title: str
    language: str
    date: date
    status: str
    addressees: list[AddresseeOut]
    salutation: str
    body: str
    closing: str
    translations: list[LetterTranslationOut]
    categories: list[CategoryOut]
    countries: list[str]
    organisation_count: int
    published_at: datetime | None
    updated_at: datetime
    delivered_at: datetime | None


class OrganisationOut(Schema):
    name: str
    acronym: str
    name_other_language: str
    country: str | None
    website: str


class IndividualOut(Schema):
    name: str
    affiliation: str
    country: str | None


class LetterDetailOut(LetterOut):
    organisations: list[OrganisationOut]
    individuals: list[IndividualOut]
