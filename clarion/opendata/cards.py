"""Share cards (og:image) for the pages people share: a petition, a letter, a story and
the home page, each in every language at a stable address beside its page:
/p/<slug>/card.png, /letters/<slug>/card.png, /news/stories/<id>/card.png, /card.png
(and /es/...). Drawing and caching are in clarion/core/cards.py."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clarion.core.cards import Card, png
from clarion.letters import selectors as letter_selectors
from clarion.news import selectors as news_selectors
from clarion.petitions import selectors

# Crawlers fetch a card when a link is first shared and keep it; an hour lets an edited
# title show up soon, and the ETag makes the check afterwards cheap.
MAX_AGE = 3600


def _card(title: str, label: str) -> Card:
    return Card(
        title=title,
        label=label,
        site_name=settings.CLARION_SITE_NAME,
        language=get_language() or settings.LANGUAGE_CODE,
    )


def card_response(request: HttpRequest, card: Card) -> HttpResponse:
    data, key = png(card)
    etag = f'"{key}"'
    not_modified = get_conditional_response(request, etag=etag)
    response = not_modified or HttpResponse(data, content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def petition_card(request: HttpRequest, slug: str) -> HttpResponse:
    petition = selectors.petition_for_page(slug)
    if petition is None:
        raise Http404(_("There is no petition at this address."))
    return card_response(request, _card(petition.shown.title, _("Petition")))


@require_safe
def letter_card(request: HttpRequest, slug: str) -> HttpResponse:
    letter = letter_selectors.letter_for_page(slug)
    if letter is None:
        raise Http404(_("There is no letter at this address."))
    title = letter_selectors.text_for(letter).title
    return card_response(request, _card(title, _("Open letter")))


@require_safe
def story_card(request: HttpRequest, pk: int) -> HttpResponse:
    story = news_selectors.story_for_page(pk)
    if story is None:
        raise Http404(_("There is no story at this address."))
    return card_response(request, _card(story.title, _("News")))


@require_safe
def home_card(request: HttpRequest) -> HttpResponse:
    return card_response(request, _card(_("Petitions that answer the news."), _("Petitions")))
