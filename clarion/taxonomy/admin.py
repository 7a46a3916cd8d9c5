from django.contrib import admin

from clarion.taxonomy.models import Category, Target


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug"]
    search_fields = ["name", "name_es", "description", "description_es"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "name_es", "description_es", "keywords"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "name_es"]
    fields = ["name", "name_es", "kind", "country"]
