"""Background work of the document base: thin tasks that load by id and call services."""

from __future__ import annotations

from django_tasks import task

from documents import indexing
from documents.services.extraction import extract_and_store


@task()
def extract_version_text(*, version_id: int) -> str:
    """Extract a version's text (bounded in time and memory), then re-index its document."""
    status = extract_and_store(version_id)
    return status


@task()
def index_document(*, document_id: int, removed_space_ids: list[int] | None = None) -> None:
    indexing.index_document(document_id, removed_space_ids=tuple(removed_space_ids or ()))
