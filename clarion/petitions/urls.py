from django.urls import path

from clarion.confirmations.views import confirm_view
from clarion.petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.home, name="home"),
    path("categories/", views.category_index, name="category_index"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("p/<slug:slug>/", views.detail, name="detail"),
    path("p/<slug:slug>.pdf", views.pdf, name="pdf"),
    path("p/<slug:slug>/count.json", views.count, name="count"),
    path("p/<slug:slug>/sign/", views.sign, name="sign"),
    path("p/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("confirm/<str:token>/", confirm_view, {"kind": "signature"}, name="confirm"),
]
