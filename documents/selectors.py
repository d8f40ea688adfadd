"""Reads of the document base. Every read starts from the caller's membership."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from documents.models import Comment, Document, DocumentShare, DocumentVersion, Folder, FolderWatch
from extranet.models import Membership, Space
from extranet.selectors import partner_spaces


def _documents(membership: Membership) -> QuerySet[Document]:
    return (
        Document.objects.alive()
        .readable_in(membership.space)
        .select_related("current_version", "created_by", "folder", "space")
        .prefetch_related("tags")
    )


def documents_in_folder(
    membership: Membership, folder: Folder | None, *, kind: str = "", tag: str = ""
) -> QuerySet[Document]:
    documents = _documents(membership).filter(space=membership.space, folder=folder)
    if kind:
        documents = documents.filter(kind=kind)
    if tag:
        documents = documents.filter(tags__name=tag)
    return documents.order_by("-updated_at", "-pk")


def documents_of_space(membership: Membership) -> QuerySet[Document]:
    """The live documents of the caller's own space, every folder (pickers of other apps)."""
    return _documents(membership).filter(space=membership.space).order_by("title", "pk")


def shared_with_space(membership: Membership) -> QuerySet[Document]:
    return _documents(membership).exclude(space=membership.space).order_by("-updated_at")


def subfolders(membership: Membership, folder: Folder | None) -> QuerySet[Folder]:
    return (
        Folder.objects.in_space(membership.space)
        .filter(parent=folder)
        .annotate(document_count=Count("documents", filter=Q(documents__deleted_at__isnull=True)))
        .order_by("name")
    )


def all_folders(membership: Membership) -> list[Folder]:
    return list(Folder.objects.in_space(membership.space).select_related("parent").order_by("name"))


def folder_for(membership: Membership, pk: int) -> Folder:
    folder = (
        Folder.objects.in_space(membership.space).select_related("parent").filter(pk=pk).first()
    )
    if folder is None:
        raise Http404
    return folder


def is_watching(membership: Membership, folder: Folder) -> bool:
    return FolderWatch.objects.filter(user=membership.user, folder=folder).exists()


def document_for(membership: Membership, pk: int) -> Document:
    """A live document readable in the caller's space (own or shared in); 404 otherwise."""
    document = (
        _documents(membership)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
            ),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            Prefetch("shares", queryset=DocumentShare.objects.select_related("space")),
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return document


def version_for(document: Document, number: int) -> DocumentVersion:
    version = document.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def trashed_documents(membership: Membership) -> QuerySet[Document]:
    return (
        Document.objects.trashed()
        .in_space(membership.space)
        .select_related("deleted_by", "current_version")
        .order_by("-deleted_at")
    )


def trashed_document_for(membership: Membership, pk: int) -> Document:
    document = trashed_documents(membership).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def share_targets(membership: Membership, document: Document) -> QuerySet[Space]:
    """Spaces a document may be shared with: the sharer's other spaces and listed spaces."""
    already = document.shares.values_list("space_id", flat=True)
    return partner_spaces(membership).exclude(pk__in=already)


def copy_targets(membership: Membership) -> list[Membership]:
    """The caller's other memberships where a template may be copied (upload ability)."""
    others = (
        Membership.objects.filter(user=membership.user)
        .exclude(space=membership.space)
        .select_related("space", "user")
        .order_by("space__name")
    )
    return [m for m in others if m.can("documents.upload")]


def share_for(membership: Membership, document: Document, share_pk: int) -> DocumentShare:
    share = (
        DocumentShare.objects.filter(
            pk=share_pk, document=document, document__space=membership.space
        )
        .select_related("space", "document")
        .first()
    )
    if share is None:
        raise Http404
    return share
