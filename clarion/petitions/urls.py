from django.urls import path

from clarion.petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path("categories/", views.category_index, name="category_index"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("countries/", views.country_index, name="country_index"),
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("p/<slug:slug>/", views.detail, name="detail"),
    path("p/<slug:slug>/sign/", views.sign, name="sign"),
    path("p/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
