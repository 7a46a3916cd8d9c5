"""Atom feeds of new petitions (all, per category, per country), open letters and news
stories, in every language.

Every link and id is absolute on CLARION_BASE_URL, so a feed reads the same whichever
host name it was fetched under. Entries carry an id (the item's permanent address),
an updated time and the site as author, as Atom requires.

Each language has its own feeds (/feeds/... and /es/feeds/...): the feed's ``xml:lang``,
its title and each entry's title, link and summary are in that language when the item
has a version in it; an entry that does not says its own language (``xml:lang``).

Feed readers poll, so every feed sends an ETag (a digest of the feed) and Last-Modified
(its newest entry's time) and answers ``If-None-Match`` / ``If-Modified-Since`` with 304.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_countries import countries

from clarion.core.text import markdown_to_text, truncate_at_sentence
from clarion.core.tokens import absolute
from clarion.letters import selectors as letter_selectors
from clarion.letters.models import Letter
from clarion.news import selectors as news_selectors
from clarion.news.models import Story
from clarion.petitions import selectors
from clarion.petitions.models import Petition
from clarion.taxonomy.models import Category

FEED_ITEMS = 50
# Characters of a letter's or story's text in its entry's summary: whole sentences.
SUMMARY_CHARS = 400


class _LanguageAtom(Atom1Feed):
    """Atom whose entries say their own language when it is not the feed's."""

    def item_attributes(self, item: dict) -> dict[str, str]:
        language = item.get("language")
        if language and language != self.feed["language"]:
            return {"xml:lang": language}
        return {}


def _summary(text: str) -> str:
    # Atom summaries are sent as type="html": plain text is escaped, so a "<" a person
    # typed reads as a "<", never as markup.
    return escape(text)


class _AtomFeed(Feed):
    feed_type = _LanguageAtom

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        # An ETag from the feed's bytes (its entries, their summaries and times, its
        # language), and Django's Last-Modified from the newest entry: a reader that
        # sends either back gets 304 while nothing changed. If-None-Match wins when
        # both are sent, so an edit that leaves the dates alone still reaches readers.
        set_response_etag(response)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )

    def author_name(self) -> str:
        return settings.CLARION_SITE_NAME

    def author_link(self) -> str:
        return absolute("/")


class PetitionFeed(_AtomFeed):
    """Newly published petitions, newest first."""

    def title(self, obj=None) -> str:
        return _("%(site)s: new petitions") % {"site": settings.CLARION_SITE_NAME}

    def subtitle(self, obj=None) -> str:
        return _("Petitions that answer the news, as they are published.")

    def link(self, obj=None) -> str:
        return absolute(reverse("petitions:home"))

    def feed_url(self, obj=None) -> str:
        return absolute(reverse("opendata:feed", args=["petitions"]))

    def _published(self) -> QuerySet[Petition]:
        return selectors.with_card_data(
            selectors.public_petitions().filter(status=Petition.Status.PUBLISHED)
        ).order_by("-published_at", "-id")

    def items(self, obj=None):
        return self._published()[:FEED_ITEMS]

    def item_title(self, item: Petition) -> str:
        return item.shown.title

    def item_description(self, item: Petition) -> str:
        return _summary(item.shown.goal)

    def item_extra_kwargs(self, item: Petition) -> dict[str, str]:
        return {"language": item.shown.language}

    def item_link(self, item: Petition) -> str:
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item: Petition):
        return item.published_at

    def item_updateddate(self, item: Petition):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item: Petition) -> list[str]:
        return [c.name for c in item.categories.all()]


class CategoryPetitionFeed(PetitionFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Category:
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise Http404(_("There is no category with that name."))
        return category

    def title(self, obj: Category) -> str:
        return _("%(site)s: new petitions in %(category)s") % {
            "site": settings.CLARION_SITE_NAME,
            "category": obj.name,
        }

    def link(self, obj: Category) -> str:
        return absolute(obj.get_absolute_url())

    def feed_url(self, obj: Category) -> str:
        return absolute(reverse("opendata:category_feed", args=[obj.slug]))

    def items(self, obj: Category):
        return self._published().filter(categories=obj)[:FEED_ITEMS]


class CountryPetitionFeed(PetitionFeed):
    def get_object(self, request: HttpRequest, code: str) -> str:
        code = code.upper()
        if len(code) != 2 or code not in countries:
            raise Http404(_("There is no country with that code."))
        return code

    def title(self, obj: str) -> str:
        return _("%(site)s: new petitions about %(country)s") % {
            "site": settings.CLARION_SITE_NAME,
            "country": countries.name(obj),
        }

    def link(self, obj: str) -> str:
        return absolute(reverse("browse:country", args=[obj]))

    def feed_url(self, obj: str) -> str:
        return absolute(reverse("opendata:country_feed", args=[obj]))

    def items(self, obj: str):
        # Stored as "GB,FR": two letters never match across two codes.
        return self._published().filter(countries__contains=obj)[:FEED_ITEMS]


class StoryFeed(_AtomFeed):
    """The stories the news desk follows, most recently covered first."""

    title = gettext_lazy("News stories")
    subtitle = gettext_lazy("Events the news desk follows, with every outlet's coverage.")

    def link(self) -> str:
        return absolute(reverse("news:index"))

    def feed_url(self) -> str:
        return absolute(reverse("opendata:feed", args=["stories"]))

    def items(self):
        return (
            news_selectors.with_lead_text(Story.objects.prefetch_related("categories"))
            .filter(article_count__gt=0)
            .order_by("-last_published_at", "-id")[:FEED_ITEMS]
        )

    def item_title(self, item: Story) -> str:
        return item.title

    def item_description(self, item: Story) -> str:
        """What happened (the first report's summary), then how widely it is covered."""
        covered = ngettext(
            "Covered by %(n)d outlet.", "Covered by %(n)d outlets.", item.outlet_count
        ) % {"n": item.outlet_count}
        told = truncate_at_sentence(item.lead_summary or item.lead_opening or "", SUMMARY_CHARS)
        return _summary(f"{told} {covered}".strip())

    def item_extra_kwargs(self, item: Story) -> dict[str, str]:
        return {"language": item.language}

    def item_link(self, item: Story) -> str:
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item: Story):
        return item.first_published_at

    def item_updateddate(self, item: Story):
        return item.last_published_at

    def item_categories(self, item: Story) -> list[str]:
        return [c.name for c in item.categories.all()]


class LetterFeed(_AtomFeed):
    """Open letters as they are opened for sign-on, newest first."""

    def title(self, obj=None) -> str:
        return _("%(site)s: new open letters") % {"site": settings.CLARION_SITE_NAME}

    def subtitle(self, obj=None) -> str:
        return _("Open letters that organisations can sign, as they are published.")

    def link(self, obj=None) -> str:
        return absolute(reverse("letters:index"))

    def feed_url(self, obj=None) -> str:
        return absolute(reverse("opendata:feed", args=["letters"]))

    def items(self, obj=None):
        return (
            letter_selectors.public_letters()
            .filter(published_at__isnull=False)
            .prefetch_related("translations")
            .order_by("-published_at", "-id")[:FEED_ITEMS]
        )

    def item_title(self, item: Letter) -> str:
        return letter_selectors.text_for(item).title

    def item_description(self, item: Letter) -> str:
        """The opening of the letter itself, as plain text: what it asks, not "Dear"."""
        body = markdown_to_text(letter_selectors.text_for(item).body)
        return _summary(truncate_at_sentence(body, SUMMARY_CHARS))

    def item_extra_kwargs(self, item: Letter) -> dict[str, str]:
        return {"language": letter_selectors.text_for(item).language}

    def item_link(self, item: Letter) -> str:
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item: Letter):
        return item.published_at

    def item_updateddate(self, item: Letter):
        return max(item.updated_at, item.published_at)


# The feeds served by name at /feeds/<name>.atom.
FEEDS = {"petitions": PetitionFeed(), "letters": LetterFeed(), "stories": StoryFeed()}
