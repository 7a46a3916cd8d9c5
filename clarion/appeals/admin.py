from django.contrib import admin

from clarion.appeals.models import Appeal, AppealText


class AppealTextInline(admin.StackedInline):
    model = AppealText
    extra = 0
    min_num = 1
    fields = ["language", "text", "link_label", "url"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["name", "site_wide", "created_at"]
    list_filter = ["site_wide"]
    search_fields = ["name", "texts__text"]
    inlines = [AppealTextInline]
