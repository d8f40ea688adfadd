"""Brochures on the public portal (kind "brochure"): documents of kind brochure, proposed by the
editors of their space (ability ``documents.manage``).

The source key is the document's primary key. The payload describes the current version's file
(``file_name``, ``file_size``, ``file_sha256``); at approval the bytes of that very file are
copied for the public, so a later version changes nothing public until it is proposed and
approved in turn (approval refuses a file that changed since the proposal). ``theme`` is the
document's folder (folders are the space's themes); ``commune`` is left for the general
administrator to fill in at review.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentKind
from documents.storage import document_storage
from extranet.access import access_space
from extranet.models import Membership
from extranet.portal.registry import PublicField, PublishableKind
from extranet.portal.services import NotPublishable

logger = logging.getLogger(__name__)

KIND = "brochure"
ABILITY = "documents.manage"


def can_propose(membership: Membership, document: Document) -> bool:
    """Editors of the space that owns the brochure."""
    return (
        document.space_id == membership.space_id
        and document.kind == DocumentKind.BROCHURE
        and not document.is_trashed
        and membership.can(ABILITY)
    )


def brochure_source(user: Any, key: str) -> Document:
    """The brochure if ``user`` may propose it: Http404 for outsiders and unknown documents,
    PermissionDenied for members below editor."""
    if not key.isdigit():
        raise Http404
    document = (
        Document.objects.alive()
        .filter(pk=int(key), kind=DocumentKind.BROCHURE)
        .select_related("space", "folder", "current_version")
        .first()
    )
    if document is None:
        raise Http404
    membership = access_space(user, document.space.slug, need="documents.view")
    if not can_propose(membership, document):
        raise PermissionDenied
    if document.current_version is None:
        raise NotPublishable(gettext("Cette brochure n'a pas encore de fichier."))
    return document


def _pages(document: Document) -> int | None:
    version = document.current_version
    if version is None or version.mime != "application/pdf":
        return None
    try:
        from pypdf import PdfReader

        with document_storage().open(version.storage_name, "rb") as handle:
            return len(PdfReader(io.BytesIO(handle.read())).pages)
    except Exception:  # a broken or encrypted PDF is still publishable, without a page count
        logger.info("Could not count the pages of document version %s", version.pk)
        return None


def brochure_payload(document: Document) -> dict[str, Any]:
    version = document.current_version
    assert version is not None  # noqa: S101  (brochure_source refuses a document without file)
    return {
        "title": document.title,
        "description": document.description,
        "commune": "",
        "theme": document.folder.name if document.folder_id and document.folder else "",
        "language": "fr",
        "pages": _pages(document),
        "file_name": version.original_name,
        "file_size": version.size,
        "file_content_type": version.mime,
        "file_sha256": version.sha256,
    }


def brochure_files(document: Document) -> list[tuple[str, str, bytes]]:
    version = document.current_version
    if version is None:
        return []
    with document_storage().open(version.storage_name, "rb") as handle:
        content = handle.read()
    return [(version.original_name, version.mime, content)]


def brochure_place(data: dict[str, Any]) -> tuple[str, str]:
    return str(data.get("commune") or ""), str(data.get("theme") or "")


BROCHURE_KIND = PublishableKind(
    name=KIND,
    label=_("Brochure"),
    label_plural=_("Brochures"),
    fields=(
        PublicField("title", _("Titre")),
        PublicField("description", _("Description")),
        PublicField("commune", _("Commune")),
        PublicField("theme", _("Thème")),
        PublicField("language", _("Langue")),
        PublicField("pages", _("Pages"), editable=False),
        PublicField("file_name", _("Fichier"), editable=False),
        PublicField("file_size", _("Taille"), editable=False),
    ),
    source_for=brochure_source,
    payload=brochure_payload,
    title_of=lambda data: str(data.get("title") or ""),
    space_of=lambda document: document.space,
    files=brochure_files,
    place=brochure_place,
    public_section="brochures",
    order=30,
)
