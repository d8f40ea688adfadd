"""What the search index knows about documents: one entry per space that may read each."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.urls import reverse

from documents.models import Document
from extranet.search import IndexEntry, get_backend

KEY_PREFIX = "documents.document:"


def _entries(document: Document) -> Iterator[IndexEntry]:
    version = document.current_version
    body = "\n".join(
        part
        for part in (
            document.description,
            " ".join(t.name for t in document.tags.all()),
            version.extracted_text if version else "",
        )
        if part
    )
    facets = {
        "doc_kind": document.kind,
        "folder": str(document.folder_id or ""),
    }
    spaces = [document.space] + [share.space for share in document.shares.all()]
    for space in spaces:
        yield IndexEntry(
            key=key_for(document.pk, space.pk),
            space_id=space.pk,
            kind="document",
            title=document.title,
            body=body,
            url=reverse("documents:detail", kwargs={"slug": space.slug, "pk": document.pk}),
            date=document.updated_at,
            author_id=document.created_by_id,
            author_name=str(document.created_by) if document.created_by_id else "",
            facets=facets,
        )


def _queryset() -> QuerySet[Document]:
    return Document.objects.select_related(
        "space", "created_by", "current_version"
    ).prefetch_related("tags", "shares__space")


def key_for(document_id: int, space_id: int) -> str:
    return f"{KEY_PREFIX}{document_id}@{space_id}"


def index_document(document_id: int, *, removed_space_ids: tuple[int, ...] = ()) -> None:
    """Bring the index in line with the document: one entry per space that may read it, none
    when it is in the trash. ``removed_space_ids``: spaces that just lost access (unshare)."""
    backend = get_backend()
    stale = {key_for(document_id, space_id) for space_id in removed_space_ids}
    document = _queryset().filter(pk=document_id).first()
    if document is None:
        backend.delete(stale)
        return
    entries = list(_entries(document))
    if document.is_trashed:
        backend.delete(stale | {e.key for e in entries})
        return
    if stale:
        backend.delete(stale)
    backend.index(entries)


def iter_all_entries() -> Iterator[IndexEntry]:
    for document in _queryset().filter(deleted_at__isnull=True).iterator(chunk_size=200):
        yield from _entries(document)
