from django.urls import path

from clarion.letters import views

app_name = "letters"

# Included at the site's root: letters, regions, and the petition PDF beside /p/<slug>/.
urlpatterns = [
    path("letters/", views.index, name="index"),
    path("letters/confirm/<str:kind>/<str:token>/", views.confirm, name="confirm"),
    path("letters/<slug:slug>.pdf", views.letter_pdf, name="pdf"),
    path("letters/<slug:slug>/", views.detail, name="detail"),
    path("letters/<slug:slug>/endorse/", views.endorse, name="endorse"),
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("p/<slug:slug>.pdf", views.petition_pdf, name="petition_pdf"),
    path("regions/", views.region_index, name="region_index"),
    path("regions/<slug:slug>/", views.region_detail, name="region"),
]
