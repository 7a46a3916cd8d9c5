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
    path("my-data/", views.my_data_start, name="my_data_start"),
    path("my-data/sent/", views.my_data_sent, name="my_data_sent"),
    path("my-data/<str:token>/", views.my_data, name="my_data"),
    path("my-data/<str:token>/export.json", views.my_data_export, name="my_data_export"),
]
