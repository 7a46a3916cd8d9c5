from django.contrib import admin

from clarion.news.models import Article, Feed, Story


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
    list_display = ["headline", "outlet_name", "published_at", "language", "text_source", "story"]
    list_filter = ["outlet_name", "language", "text_source", "published_is_fetch_time"]
    search_fields = ["headline", "url", "text"]
    date_hierarchy = "published_at"
    raw_id_fields = ["story", "feed"]
    filter_horizontal = ["categories"]


class StoryArticleInline(admin.TabularInline):
    model = Article
    fields = ["headline", "outlet_name", "published_at", "url"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # articles join stories by grouping, not by hand


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "article_count", "outlet_count", "last_published_at", "petition"]
    search_fields = ["title"]
    list_filter = ["categories"]
    readonly_fields = [
        "article_count",
        "outlet_count",
        "first_published_at",
        "last_published_at",
        "created_at",
        "petition",
        "draft_claimed_at",
    ]
    filter_horizontal = ["categories"]
    inlines = [StoryArticleInline]
