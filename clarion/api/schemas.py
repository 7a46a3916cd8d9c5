"""The shapes the public API answers with. No signer's email is in any of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class NameTranslationOut(Schema):
    """A target's name in another interface language (the API itself answers in English)."""

    language: str
    name: str


class CategoryTranslationOut(Schema):
    """A category in another interface language; description is null where not translated."""

    language: str
    name: str
    description: str | None


class TargetOut(Schema):
    name: str
    kind: str
    country: str | None
    translations: list[NameTranslationOut]


class CategoryOut(Schema):
    slug: str
    name: str
    translations: list[CategoryTranslationOut]


class RelatedArticleOut(Schema):
    headline: str
    outlet: str
    url: str
    published_at: datetime | None
    time_zone: str | None


class PetitionTranslationOut(Schema):
    language: str
    url: str | None  # the page in that language, when the interface speaks it
    title: str
    goal: str
    narrative: str
    demands: list[str]


class PetitionOut(Schema):
    slug: str
    url: str
    title: str
    goal: str
    narrative: str
    language: str
    translations: list[PetitionTranslationOut]
    status: str
    signature_count: int
    signature_goal: int
    targets: list[TargetOut]
    demands: list[str]
    categories: list[CategoryOut]
    countries: list[str]
    related_article: RelatedArticleOut | None
    created_at: datetime
    published_at: datetime | None
    updated_at: datetime
    closed_at: datetime | None


class ErrorOut(Schema):
    detail: str


class ValidationIssueOut(Schema):
    type: str
    loc: list[str | int]
    msg: str
    ctx: dict[str, Any] | None = None


class ValidationErrorOut(Schema):
    """What Ninja answers (422) when a parameter has the wrong type or value.

    Unlike ErrorOut, ``detail`` is a list: one item per parameter that failed.
    """

    detail: list[ValidationIssueOut]


class SignIn(Schema):
    """A signature, as the petition page's form takes it (the same checks apply)."""

    full_name: str = Field(..., max_length=120, description="The signer's name.")
    email: str = Field(
        ...,
        max_length=254,
        description="Only to send the confirmation link. Never shown, never returned.",
    )
    country: str = Field(
        ..., pattern=r"^[A-Za-z]{2}$", description="Two-letter ISO 3166-1 code, e.g. MX."
    )
    postcode: str = Field("", max_length=16)
    comment: str = Field(
        "",
        max_length=500,
        description=(
            "Why they sign; plain text. Public with the name when show_name is true; "
            "otherwise only the petition's organisers read it."
        ),
    )
    show_name: bool = Field(False, description="Show the name and comment publicly.")
    wants_updates: bool = Field(False, description="Email the signer updates.")


class AcceptedOut(Schema):
    detail: str


class SignErrorOut(Schema):
    """A refused signature: ``errors`` names each field that failed, as the form does."""

    detail: str
    errors: dict[str, list[str]] = {}


class CountryCountOut(Schema):
    country: str
    name: str
    count: int


class CountryCountsOut(Schema):
    petition: str
    total: int
    results: list[CountryCountOut]


class CategoryCountOut(Schema):
    slug: str
    name: str
    description: str
    translations: list[CategoryTranslationOut]
    url: str
    petition_count: int
