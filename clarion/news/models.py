"""Feeds Clarion watches and the articles it has read from them."""

from __future__ import annotations

from datetime import timedelta
from datetime import timezone as dt_timezone

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Feed(models.Model):
    url = models.URLField(_("feed URL"), max_length=500, unique=True)
    name = models.CharField(_("outlet name"), max_length=200, blank=True)
    interval_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=15)
    active = models.BooleanField(_("active"), default=True)
    # Conditional GET: what the server told us last time.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "url"]

    def __str__(self) -> str:
        return self.name or self.url


class Article(models.Model):
    feed = models.ForeignKey(Feed, on_delete=models.SET_NULL, null=True, related_name="articles")
    url = models.URLField(_("canonical URL"), max_length=1000, unique=True)
    guid = models.CharField(max_length=1000, blank=True, db_index=True)
    outlet_name = models.CharField(_("outlet"), max_length=200)
    outlet_domain = models.CharField(_("outlet domain"), max_length=200)
    headline = models.CharField(_("headline"), max_length=500)
    author = models.CharField(_("author"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(_("main text"), blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    published_at = models.DateTimeField(_("published"))
    # The UTC offset the outlet published with, so the time reads as the outlet wrote it.
    published_offset_minutes = models.SmallIntegerField(default=0)
    # True when the feed gave no date and published_at is the time Clarion fetched it.
    published_is_fetch_time = models.BooleanField(default=False)
    # sha256 of the normalised text: the same story re-posted under a new URL is one article.
    content_hash = models.CharField(max_length=64, unique=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["feed", "guid"], name="article_feed_guid")]

    def __str__(self) -> str:
        return self.headline

    @property
    def published_local(self):
        zone = dt_timezone(timedelta(minutes=self.published_offset_minutes))
        return self.published_at.astimezone(zone)
