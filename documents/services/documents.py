"""Depositing documents and versions, editing, trash. Every write of the document base."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from documents.models import (
    TRASH_RETENTION,
    Document,
    DocumentKind,
    DocumentVersion,
    ExtractionStatus,
    Folder,
    Tag,
)
from documents.policy import can_change
from documents.services.files import (
    CheckedUpload,
    check_uploads,
    copy_stored_file,
    hash_and_rewind,
    store_file,
)
from documents.storage import document_storage, version_upload_to
from extranet.activity import record_activity
from extranet.audit import record_audit
from extranet.models import Membership


def _title_from_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem.replace("_", " ").strip()[:200] or name[:200]


def _tags(space_id: int, names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = raw.strip()[:50]
        if name:
            tag, _created = Tag.objects.get_or_create(space_id=space_id, name=name)
            tags.append(tag)
    return tags


def _add_version(
    *, document: Document, upload: CheckedUpload, user: Any, note: str = ""
) -> DocumentVersion:
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=upload.name,
        size=upload.size,
        mime=upload.filetype.mime,
        uploaded_by=user,
        note=note.strip()[:300],
    )
    version.sha256 = hash_and_rewind(upload.file)
    version.file.name = store_file(
        upload.file, storage_name=version_upload_to(version, upload.name)
    )
    version.save()
    _set_current(document, version)
    return version


def _set_current(document: Document, version: DocumentVersion) -> None:
    document.current_version = version
    document.updated_at = timezone.now()
    document.save(update_fields=["current_version", "updated_at"])
    transaction.on_commit(lambda: _schedule_extraction(version.pk))


def _schedule_extraction(version_id: int) -> None:
    from documents.tasks import extract_version_text

    extract_version_text.enqueue(version_id=version_id)


def _check_folder(membership: Membership, folder: Folder | None) -> None:
    if folder is not None and folder.space_id != membership.space_id:
        raise PermissionDenied


@transaction.atomic
def upload_documents(
    *,
    membership: Membership,
    files: list[Any],
    folder: Folder | None = None,
    kind: DocumentKind | str = DocumentKind.OTHER,
    title: str = "",
    description: str = "",
    meeting_date: date | None = None,
    tags: Iterable[str] = (),
) -> list[Document]:
    """Deposit one document per file. Every file is checked before anything is stored, so a
    bad file in a batch leaves the document base untouched."""
    if not membership.can("documents.upload"):
        raise PermissionDenied
    _check_folder(membership, folder)
    checked = check_uploads(files)
    tag_objects = _tags(membership.space_id, tags)
    documents = []
    for upload in checked:
        document = Document.objects.create(
            space=membership.space,
            folder=folder,
            title=(title.strip() if title and len(checked) == 1 else _title_from_name(upload.name)),
            description=description.strip(),
            kind=DocumentKind(kind),
            meeting_date=meeting_date,
            created_by=membership.user,
        )
        if tag_objects:
            document.tags.set(tag_objects)
        _add_version(document=document, upload=upload, user=membership.user)
        record_activity(
            space=membership.space,
            actor=membership.user,
            verb="documents.added",
            object_label=document.title,
            url=document.get_absolute_url(),
        )
        documents.append(document)
    transaction.on_commit(lambda: _notify_new([d.pk for d in documents]))
    return documents


def _notify_new(document_ids: list[int]) -> None:
    from documents.services.watching import notify_new_documents

    notify_new_documents(document_ids)


@transaction.atomic
def add_version(
    *, membership: Membership, document: Document, file: Any, note: str = ""
) -> DocumentVersion:
    if not can_change(membership, document):
        raise PermissionDenied
    (upload,) = check_uploads([file])
    version = _add_version(document=document, upload=upload, user=membership.user, note=note)
    record_activity(
        space=membership.space,
        actor=membership.user,
        verb="documents.version",
        object_label=document.title,
        url=document.get_absolute_url(),
    )
    return version


@transaction.atomic
def restore_version(
    *, membership: Membership, document: Document, version: DocumentVersion
) -> DocumentVersion:
    """Make an old version current again by copying it as a new version: history stays linear."""
    if not can_change(membership, document) or version.document_id != document.pk:
        raise PermissionDenied
    number = (
        document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    restored = DocumentVersion(
        document=document,
        number=number,
        original_name=version.original_name,
        size=version.size,
        sha256=version.sha256,
        mime=version.mime,
        uploaded_by=membership.user,
        note=f"Restauration de la version {version.number}",
        restored_from=version,
        extraction_status=version.extraction_status,
        extraction_error=version.extraction_error,
        extracted_text=version.extracted_text,
    )
    restored.file.name = copy_stored_file(
        version.storage_name, storage_name=version_upload_to(restored, version.original_name)
    )
    restored.save()
    _set_current(document, restored)
    record_audit(
        action="documents.version_restored",
        actor=membership.user,
        space=membership.space,
        target=document.title,
        details={"document": document.pk, "version": version.number, "new_version": number},
    )
    return restored


@transaction.atomic
def update_document(
    *,
    membership: Membership,
    document: Document,
    title: str,
    description: str,
    kind: DocumentKind | str,
    meeting_date: date | None,
    folder: Folder | None,
    tags: Iterable[str],
) -> Document:
    """Rename, move to another folder, change kind, date and tags."""
    if not can_change(membership, document):
        raise PermissionDenied
    _check_folder(membership, folder)
    document.title = title.strip()[:200]
    document.description = description.strip()
    document.kind = DocumentKind(kind)
    document.meeting_date = meeting_date
    document.folder = folder
    document.updated_at = timezone.now()
    document.save()
    document.tags.set(_tags(membership.space_id, tags))
    transaction.on_commit(lambda: _reindex(document.pk))
    return document


def _reindex(document_id: int) -> None:
    from documents.tasks import index_document

    index_document.enqueue(document_id=document_id)


@transaction.atomic
def trash_document(*, membership: Membership, document: Document) -> Document:
    if not can_change(membership, document):
        raise PermissionDenied
    document.deleted_at = timezone.now()
    document.deleted_by = membership.user
    document.save(update_fields=["deleted_at", "deleted_by"])
    record_audit(
        action="documents.trashed",
        actor=membership.user,
        space=membership.space,
        target=document.title,
        details={"document": document.pk},
    )
    transaction.on_commit(lambda: _reindex(document.pk))
    return document


@transaction.atomic
def restore_document(*, membership: Membership, document: Document) -> Document:
    if not membership.can("documents.manage") or document.space_id != membership.space_id:
        raise PermissionDenied
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by"])
    record_audit(
        action="documents.restored",
        actor=membership.user,
        space=membership.space,
        target=document.title,
        details={"document": document.pk},
    )
    transaction.on_commit(lambda: _reindex(document.pk))
    return document


def purge_trash(*, now: Any = None) -> int:
    """Delete documents trashed more than 30 days ago, with their files. Returns the count."""
    now = now or timezone.now()
    expired = Document.objects.trashed().filter(deleted_at__lt=now - TRASH_RETENTION)
    storage = document_storage()
    count = 0
    for document in expired.prefetch_related("versions"):
        names = [v.storage_name for v in document.versions.all()]
        with transaction.atomic():
            record_audit(
                action="documents.purged",
                space=document.space,
                target=document.title,
                details={"document": document.pk, "versions": len(names)},
            )
            document.delete()
            transaction.on_commit(partial(_delete_files, storage, names))
        count += 1
    return count


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)


def extraction_failed(version: DocumentVersion) -> bool:
    return version.extraction_status in (ExtractionStatus.FAILED, ExtractionStatus.ENCRYPTED)
