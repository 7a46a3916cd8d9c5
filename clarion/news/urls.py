from django.urls import path

from clarion.news import views

app_name = "news"

urlpatterns = [
    path("", views.index, name="index"),
    path("stories/<int:pk>/", views.story, name="story"),
    path("articles/<int:pk>/<str:slug>/", views.article, name="article"),
]
