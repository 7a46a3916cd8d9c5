from django.contrib import admin

from clarion.news.models import Article, Feed


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "url",
        "active",
        "interval_minutes",
        "last_success_at",
        "last_error_at",
        "consecutive_failures",
    ]
    list_filter = ["active"]
    search_fields = ["url", "name"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "created_at",
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "outlet_name", "published_at", "language"]
    list_filter = ["outlet_name", "language", "published_is_fetch_time"]
    search_fields = ["headline", "url", "text"]
    date_hierarchy = "published_at"
