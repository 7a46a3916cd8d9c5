"""Open data in each language, at /... and /<code>/...: feeds, share cards, the widget.

Included inside i18n_patterns (clarion/urls.py), so a Spanish page points at Spanish
feeds and a Spanish widget. What exists once for the whole site (sitemap, robots.txt,
the CSV, oEmbed) is in site_urls.py.
"""

from django.urls import path
from django.views.decorators.http import require_safe

from clarion.opendata import cards, embed, feeds, views

app_name = "opendata"

urlpatterns = [
    path(
        "feeds/categories/<slug:slug>.atom",
        require_safe(feeds.CategoryPetitionFeed()),
        name="category_feed",
    ),
    path(
        "feeds/countries/<str:code>.atom",
        require_safe(feeds.CountryPetitionFeed()),
        name="country_feed",
    ),
    # The feeds named in feeds.FEEDS: petitions, letters, stories.
    path("feeds/<slug:name>.atom", views.feed, name="feed"),
    path("p/<slug:slug>/embed/", embed.embed, name="embed"),
    # Share cards (og:image), beside the page each one pictures.
    path("card.png", cards.home_card, name="home_card"),
    path("p/<slug:slug>/card.png", cards.petition_card, name="petition_card"),
    path("letters/<slug:slug>/card.png", cards.letter_card, name="letter_card"),
    path("news/stories/<int:pk>/card.png", cards.story_card, name="story_card"),
]
