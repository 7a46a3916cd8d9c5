"""Shapes of the news desk's API answers."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

# Categories take one shape across the API: slug, name and their translations.
from clarion.api.schemas import CategoryOut as CategoryRef


class OutletOut(Schema):
    name: str
    domain: str


class ArticleOut(Schema):
    id: int
    url: str
    original_url: str
    headline: str
    outlet: OutletOut
    author: str
    published_at: datetime
    published_is_fetch_time: bool
    language: str
    summary: str
    categories: list[CategoryRef]
    countries: list[str]
    story: int | None


class ArticleDetailOut(ArticleOut):
    text: str


class StoryArticleOut(Schema):
    id: int
    headline: str
    outlet: str
    url: str
    published_at: datetime


class StoryOut(Schema):
    id: int
    url: str
    title: str
    language: str
    article_count: int
    outlet_count: int
    first_published_at: datetime
    last_published_at: datetime
    categories: list[CategoryRef]
    countries: list[str]
    articles: list[StoryArticleOut]
    petition: str | None
