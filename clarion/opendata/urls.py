from django.urls import path
from django.views.decorators.http import require_safe

from clarion.opendata import embed, feeds, views

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
    path("data/petitions.csv", views.petitions_csv, name="petitions_csv"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("oembed", views.oembed, name="oembed"),
    path("p/<slug:slug>/embed/", embed.embed, name="embed"),
]
