from django.urls import path, register_converter

from clarion.confirmations.views import confirm_view
from clarion.letters import views


class SignOnKind:
    """The two kinds of letter sign-on a confirmation link may name."""

    regex = "org|person"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SignOnKind, "signon")

app_name = "letters"

# Included at the site's root.
urlpatterns = [
    path("letters/", views.index, name="index"),
    path("letters/confirm/<signon:kind>/<str:token>/", confirm_view, name="confirm"),
    path("letters/<slug:slug>.pdf", views.letter_pdf, name="pdf"),
    path("letters/<slug:slug>/", views.detail, name="detail"),
    path("letters/<slug:slug>/endorse/", views.endorse, name="endorse"),
    path("letters/<slug:slug>/sign/", views.sign, name="sign"),
    path("letters/<slug:slug>/thanks/", views.thanks, name="thanks"),
]
