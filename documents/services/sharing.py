"""Sharing a document read-only with another space, and copying templates between spaces."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentKind, DocumentShare, DocumentVersion, Folder
from documents.policy import can_share
from documents.services.documents import _set_current
from documents.services.files import copy_stored_file
from documents.storage import version_upload_to
from extranet.audit import record_audit
from extranet.exceptions import MaillageError
from extranet.models import Membership, Space


class AlreadyShared(MaillageError):
    default_message = _("Ce document est déjà partagé avec cet espace.")


class NotATemplate(MaillageError):
    default_message = _("Seuls les documents de type « Modèle » peuvent être copiés.")


@transaction.atomic
def share_document(
    *, membership: Membership, document: Document, target_space: Space
) -> DocumentShare:
    """Make ``document`` readable (not editable) by the members of ``target_space``."""
    if not can_share(membership, document) or target_space.pk == document.space_id:
        raise PermissionDenied
    try:
        with transaction.atomic():
            share = DocumentShare.objects.create(
                document=document, space=target_space, shared_by=membership.user
            )
    except IntegrityError as exc:
        raise AlreadyShared from exc
    record_audit(
        action="documents.shared",
        actor=membership.user,
        space=membership.space,
        target=document.title,
        details={"document": document.pk, "to_space": target_space.slug},
    )
    record_audit(
        action="documents.shared",
        actor=membership.user,
        space=target_space,
        target=document.title,
        details={"document": document.pk, "from_space": membership.space.slug},
    )
    transaction.on_commit(lambda: _reindex(document.pk))
    return share


@transaction.atomic
def unshare_document(*, membership: Membership, share: DocumentShare) -> None:
    document = share.document
    if not can_share(membership, document):
        raise PermissionDenied
    target = share.space
    share.delete()
    record_audit(
        action="documents.unshared",
        actor=membership.user,
        space=membership.space,
        target=document.title,
        details={"document": document.pk, "to_space": target.slug},
    )
    transaction.on_commit(lambda: _reindex(document.pk))


def _reindex(document_id: int, removed: list[int] | None = None) -> None:
    from documents.tasks import index_document

    index_document.enqueue(document_id=document_id, removed_space_ids=removed or [])


@transaction.atomic
def copy_template(
    *,
    source: Membership,
    document: Document,
    target: Membership,
    folder: Folder | None = None,
) -> Document:
    """Copy a template (current version only) into a space where the caller may deposit."""
    if document.kind != DocumentKind.TEMPLATE:
        raise NotATemplate
    readable = Document.objects.alive().readable_in(source.space).filter(pk=document.pk).exists()
    if not readable or not source.can("documents.view"):
        raise PermissionDenied
    if not target.can("documents.upload") or target.user_id != source.user_id:
        raise PermissionDenied
    if folder is not None and folder.space_id != target.space_id:
        raise PermissionDenied
    current = document.current_version
    if current is None:
        raise NotATemplate
    copy = Document.objects.create(
        space=target.space,
        folder=folder,
        title=document.title,
        description=document.description,
        kind=DocumentKind.TEMPLATE,
        created_by=target.user,
        copied_from=document,
    )
    version = DocumentVersion(
        document=copy,
        number=1,
        original_name=current.original_name,
        size=current.size,
        sha256=current.sha256,
        mime=current.mime,
        uploaded_by=target.user,
        note=f"Copie du modèle de l'espace « {source.space.name} »",
        extraction_status=current.extraction_status,
        extraction_error=current.extraction_error,
        extracted_text=current.extracted_text,
    )
    version.file.name = copy_stored_file(
        current.storage_name, storage_name=version_upload_to(version, current.original_name)
    )
    version.save()
    _set_current(copy, version)
    for membership, direction in ((source, "to_space"), (target, "from_space")):
        other = target.space if membership is source else source.space
        record_audit(
            action="documents.template_copied",
            actor=target.user,
            space=membership.space,
            target=document.title,
            details={"document": document.pk, "copy": copy.pk, direction: other.slug},
        )
    return copy
