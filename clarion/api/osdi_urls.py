from django.urls import path

from clarion.api import osdi

app_name = "osdi"

urlpatterns = [
    path("", osdi.entry_point, name="aep"),
    path("petitions", osdi.petitions, name="petitions"),
    path("petitions/<int:pk>", osdi.petition, name="petition"),
    path("petitions/<int:pk>/signatures", osdi.signatures, name="signatures"),
]
