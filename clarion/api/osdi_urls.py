from django.urls import path, re_path

from clarion.api import osdi

app_name = "osdi"

urlpatterns = [
    path("", osdi.entry_point, name="aep"),
    path("petitions", osdi.petitions, name="petitions"),
    path("petitions/<int:pk>", osdi.petition, name="petition"),
    path("petitions/<int:pk>/signatures", osdi.signatures, name="signatures"),
    path("petitions/<int:pk>/signatures/<int:signature_pk>", osdi.signature, name="signature"),
    path(
        "petitions/<int:pk>/record_signature_helper",
        osdi.record_signature,
        name="record_signature",
    ),
    # Anything else under the entry point is an OSDI 404 in JSON, not the site's page.
    re_path(r"^(?P<rest>.*)$", osdi.not_found, name="not_found"),
]
