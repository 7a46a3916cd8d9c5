"""The shapes the public API answers with. No signer's email is in any of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class TargetOut(Schema):
    name: str
    kind: str
    country: str | None


class CategoryOut(Schema):
    slug: str
    name: str


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


class PetitionPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[PetitionOut]


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
