"""Site staff see the forums' structure, not their content, and change nothing here: writes go
through the services (audit, search index, notifications)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from forums.models import Category, Topic


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(_ReadOnly, admin.ModelAdmin[Category]):
    list_display = ["name", "space", "position"]
    list_filter = ["space"]
    search_fields = ["name"]


@admin.register(Topic)
class TopicAdmin(_ReadOnly, admin.ModelAdmin[Topic]):
    # Titles and counters only: no post bodies here.
    list_display = ["title", "space", "category", "post_count", "is_pinned", "is_locked"]
    list_filter = ["space", "is_pinned", "is_locked"]
    search_fields = ["title"]
    fields = ["title", "space", "category", "author", "post_count", "is_pinned", "is_locked"]
