from django.urls import path

from clarion.updates import views

app_name = "updates"

urlpatterns = [
    path("updates/unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
