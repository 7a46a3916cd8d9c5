from django.urls import path

from clarion.campaigns import views
from clarion.confirmations.views import confirm_view

app_name = "campaigns"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("start/similar/", views.similar, name="similar"),
    path("start/sent/", views.sent, name="sent"),
    path("start/confirm/<str:token>/", confirm_view, {"kind": "petition-start"}, name="confirm"),
    path("start/support/<str:token>/", views.support, name="support"),
    path("start/support/<str:token>/sign/", views.support_sign, name="support_sign"),
    path("start/support/<str:token>/thanks/", views.support_thanks, name="support_thanks"),
]
