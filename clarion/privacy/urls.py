from django.urls import path

from clarion.privacy import views

app_name = "privacy"

urlpatterns = [
    path("my-data/", views.my_data_start, name="my_data_start"),
    path("my-data/sent/", views.my_data_sent, name="my_data_sent"),
    path("my-data/<str:token>/", views.my_data, name="my_data"),
    path("my-data/<str:token>/export.json", views.my_data_export, name="my_data_export"),
]
