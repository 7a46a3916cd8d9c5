"""Feeds Clarion watches and the articles it has read from them."""

from __future__ import annotations

from datetime import timedelta
from datetime import timezone as dt_timezone

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


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
    # What the parser complained of in the last poll that still read the feed (an
    # undefined entity, a wrong encoding declaration): for the operator, not a failure.
    last_warning = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "url"]

    def __str__(self) -> str:
        return self.name or self.url


class Story(models.Model):
    """One event, as covered by one or more outlets."""

    title = models.CharField(_("title"), max_length=500)
    language = models.CharField(_("language"), max_length=16, blank=True)
    categories = models.ManyToManyField(
        "taxonomy.Category", related_name="stories", blank=True, verbose_name=_("categories")
    )
    # Main country first: kept in the order grouping ranks them, not alphabetically.
    countries = CountryField(_("countries"), multiple=True, blank=True, multiple_sort=False)
    article_count = models.PositiveIntegerField(_("articles"), default=0)
    outlet_count = models.PositiveIntegerField(_("outlets"), default=0)
    first_published_at = models.DateTimeField(_("first published"))
    # Moves whenever coverage joins, so "recent stories" is an index range scan.
    last_published_at = models.DateTimeField(_("last published"), db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The petition drafted from this story. Drafting sets draft_claimed_at, once, in the
    # transaction that writes the draft (while it works it holds a lock with a lease,
    # see clarion.drafting.services.draft_story); a discarded or deleted draft is never
    # drafted again.
    petition = models.OneToOneField(
        "petitions.Petition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story",
        verbose_name=_("petition draft"),
    )
    draft_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Tallies of the coverage's terms, countries, categories and outlets, updated as
    # each article joins (see clarion.news.grouping.Profile).
    profile = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-last_published_at"]
        verbose_name_plural = _("stories")
        indexes = [
            models.Index(fields=["draft_claimed_at", "article_count"], name="story_draft_queue")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:story", args=[self.pk])


class StoryTerm(models.Model):
    """The grouping index: a story's heaviest terms, so a new article finds its
    candidate stories by term lookups instead of comparing with every article."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=64)
    # The story's latest publication time, copied here so the lookup by term can stop
    # at recent stories inside the index.
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "term"], name="storyterm_unique")]
        indexes = [models.Index(fields=["term", "seen_at"], name="storyterm_lookup")]

    def __str__(self) -> str:
        return self.term


class Article(models.Model):
    class TextSource(models.TextChoices):
        FEED = "feed", _("Full text in the feed")
        EXTRACTED = "extracted", _("Extracted from the article page")
        SUMMARY = "summary", _("Summary only")

    feed = models.ForeignKey(Feed, on_delete=models.SET_NULL, null=True, related_name="articles")
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles"
    )
    url = models.URLField(_("canonical URL"), max_length=1000, unique=True)
    guid = models.CharField(max_length=1000, blank=True, db_index=True)
    outlet_name = models.CharField(_("outlet"), max_length=200)
    outlet_domain = models.CharField(_("outlet domain"), max_length=200)
    headline = models.CharField(_("headline"), max_length=500)
    author = models.CharField(_("author"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    text = models.TextField(_("main text"), blank=True)
    text_source = models.CharField(
        _("main text from"), max_length=10, choices=TextSource.choices, default=TextSource.FEED
    )
    categories = models.ManyToManyField(
        "taxonomy.Category", related_name="articles", blank=True, verbose_name=_("categories")
    )
    # Most prominent first (clarion.news.geo.country_weights), not alphabetically.
    countries = CountryField(_("countries"), multiple=True, blank=True, multiple_sort=False)
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

    def get_absolute_url(self) -> str:
        return reverse("news:article", args=[self.pk, slugify(self.headline)[:80] or "article"])

    @property
    def published_local(self):
        zone = dt_timezone(timedelta(minutes=self.published_offset_minutes))
        return self.published_at.astimezone(zone)
