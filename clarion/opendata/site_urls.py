"""Open data that exists once for the whole site, outside any language prefix: the
sitemap (which lists every language's pages), robots.txt, the public CSV and oEmbed
(which takes a page's address in any language)."""

from django.urls import path

from clarion.opendata import views

app_name = "opendata_site"

urlpatterns = [
    path("data/petitions.csv", views.petitions_csv, name="petitions_csv"),
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("oembed", views.oembed, name="oembed"),
]
