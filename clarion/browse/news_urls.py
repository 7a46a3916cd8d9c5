"""The news desk's pages, under /news/ and the "news" namespace (``news:story``...)."""

from django.urls import path

from clarion.browse import views

app_name = "news"

urlpatterns = [
    path("", views.news_index, name="index"),
    path("stories/<int:pk>/", views.news_story, name="story"),
    path("articles/<int:pk>/<str:slug>/", views.news_article, name="article"),
]
