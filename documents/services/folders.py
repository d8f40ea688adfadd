"""Folders: the thematic classification of a space's documents."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from documents.models import Folder, FolderWatch
from extranet.exceptions import MaillageError
from extranet.models import Membership


class FolderNameTaken(MaillageError):
    default_message = _("Un dossier de ce nom existe déjà à cet endroit.")


class FolderCycle(MaillageError):
    default_message = _("Un dossier ne peut pas être déplacé dans lui-même ou ses sous-dossiers.")


def _save(folder: Folder) -> Folder:
    try:
        with transaction.atomic():
            folder.save()
    except IntegrityError as exc:
        raise FolderNameTaken from exc
    return folder


@transaction.atomic
def create_folder(
    *, membership: Membership, name: str, parent: Folder | None = None, description: str = ""
) -> Folder:
    if not membership.can("documents.manage"):
        raise PermissionDenied
    if parent is not None and parent.space_id != membership.space_id:
        raise PermissionDenied
    return _save(
        Folder(
            space=membership.space,
            parent=parent,
            name=name.strip()[:120],
            description=description.strip()[:300],
            created_by=membership.user,
        )
    )


def ancestors(folder: Folder | None) -> list[Folder]:
    """Root first. Folder trees are shallow, so walking parents is cheap."""
    chain: list[Folder] = []
    while folder is not None:
        chain.insert(0, folder)
        folder = folder.parent
    return chain


@transaction.atomic
def update_folder(
    *,
    membership: Membership,
    folder: Folder,
    name: str,
    parent: Folder | None,
    description: str = "",
) -> Folder:
    if not membership.can("documents.manage") or folder.space_id != membership.space_id:
        raise PermissionDenied
    if parent is not None:
        if parent.space_id != membership.space_id:
            raise PermissionDenied
        if folder in ancestors(parent):
            raise FolderCycle
    folder.name = name.strip()[:120]
    folder.parent = parent
    folder.description = description.strip()[:300]
    return _save(folder)


@transaction.atomic
def delete_folder(*, membership: Membership, folder: Folder) -> None:
    """Delete a folder; its documents and sub-folders move up to its parent (nothing is lost)."""
    if not membership.can("documents.manage") or folder.space_id != membership.space_id:
        raise PermissionDenied
    folder.documents.update(folder=folder.parent)
    for child in folder.children.all():
        child.parent = folder.parent
        _save(child)
    folder.delete()


def set_watch(*, membership: Membership, folder: Folder, watching: bool) -> None:
    if folder.space_id != membership.space_id or not membership.can("documents.view"):
        raise PermissionDenied
    if watching:
        FolderWatch.objects.get_or_create(user=membership.user, folder=folder)
    else:
        FolderWatch.objects.filter(user=membership.user, folder=folder).delete()
