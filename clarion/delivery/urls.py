from django.urls import path

from clarion.delivery import views

app_name = "delivery"

urlpatterns = [
    path("updates/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
