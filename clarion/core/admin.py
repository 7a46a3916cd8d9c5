"""Admin for the infrastructure: the outbox every email goes through, and queued tasks."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from clarion.core import tasks
from clarion.core.models import OutboxMessage
from clarion.core.outbox import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "subject",
        "to",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Send the selected given-up (failed) messages again")
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        # Only messages the outbox gave up on: one still pending or sending is on its way.
        retried = outbox_retry(list(queryset.values_list("pk", flat=True)))
        messages.success(request, f"{retried} message(s) will be sent again within a second.")


# django-tasks-db's own admin for its results (read-only), plus "Retry". Tasks kept in
# RQ (REDIS_URL set) have django-rq's pages at /admin/rq/ instead.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    actions = ["retry"]

    @admin.action(description="Retry the selected failed tasks")
    def retry(self, request: HttpRequest, queryset: QuerySet[DBTaskResult]) -> None:
        retried = tasks.retry_failed(list(queryset.values_list("pk", flat=True)))
        messages.success(request, f"{retried} failed task(s) queued again.")
