"""Running text extraction for a stored version and recording the outcome."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from documents import indexing
from documents.extraction import extract_text_bounded
from documents.models import DocumentVersion, ExtractionStatus
from documents.storage import document_storage


def extract_and_store(version_id: int) -> str:
    """Idempotent: a version already extracted is left alone. The file is never modified."""
    version = DocumentVersion.objects.filter(pk=version_id).select_related("document").first()
    if version is None:
        return "missing"
    if version.extraction_status != ExtractionStatus.PENDING:
        indexing.index_document(version.document_id)
        return str(version.extraction_status)
    storage = document_storage()
    try:
        local_path = Path(storage.path(version.storage_name))
        cleanup = None
    except NotImplementedError:  # object storage: work on a temporary local copy
        tmp = tempfile.NamedTemporaryFile(delete=False)  # noqa: SIM115 — removed below
        with storage.open(version.storage_name, "rb") as source:
            shutil.copyfileobj(source, tmp)
        tmp.close()
        local_path, cleanup = Path(tmp.name), Path(tmp.name)
    try:
        result = extract_text_bounded(
            local_path,
            version.mime,
            timeout=settings.DOCUMENTS_EXTRACTION_TIMEOUT,
            memory_mb=settings.DOCUMENTS_EXTRACTION_MEMORY_MB,
        )
    finally:
        if cleanup is not None:
            cleanup.unlink(missing_ok=True)
    DocumentVersion.objects.filter(pk=version.pk).update(
        extraction_status=result.status,
        extracted_text=result.text,
        extraction_error=(result.error or "")[:300],
    )
    indexing.index_document(version.document_id)
    return result.status
