from __future__ import annotations

from django.contrib import admin

from documents.models import Document, DocumentVersion, Folder


class VersionInline(admin.TabularInline[DocumentVersion, Document]):
    model = DocumentVersion
    extra = 0
    fields = (
        "number",
        "original_name",
        "size",
        "mime",
        "uploaded_by",
        "uploaded_at",
        "extraction_status",
    )
    readonly_fields = fields
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    # Staff administer, they do not read private content: no file links here.
    list_display = ["title", "space", "kind", "updated_at", "deleted_at"]
    list_filter = ["space", "kind"]
    search_fields = ["title"]
    readonly_fields = ["space", "current_version", "copied_from", "created_by", "deleted_by"]
    inlines = [VersionInline]


@admin.register(Folder)
class FolderAdmin(admin.ModelAdmin[Folder]):
    list_display = ["name", "space", "parent"]
    list_filter = ["space"]
