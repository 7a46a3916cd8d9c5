from django.urls import path

from clarion.organise import views

app_name = "organise"

urlpatterns = [
    path("organise/", views.home, name="home"),
    path("organise/signin/<str:token>/", views.signin, name="signin"),
    path("organise/signout/", views.signout, name="signout"),
    path("organise/p/<slug:slug>/", views.dashboard, name="dashboard"),
    path("organise/p/<slug:slug>/update/", views.post_update, name="update"),
    path("organise/p/<slug:slug>/text/", views.change_text, name="text"),
    path("organise/p/<slug:slug>/close/", views.close, name="close"),
    path("organise/p/<slug:slug>/delivery/", views.ask_delivery, name="delivery"),
    path("organise/p/<slug:slug>/signers.csv", views.signers_csv, name="signers_csv"),
]
