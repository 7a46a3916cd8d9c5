from django.urls import path

from clarion.browse import views

app_name = "browse"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("countries/", views.country_index, name="country_index"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("regions/", views.region_index, name="region_index"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
]
