"""Browsing the document base: folders, document pages, comments, trash."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import policy, publishing, selectors
from documents.forms import CommentForm
from documents.models import DocumentKind, Folder
from documents.services.comments import add_comment
from documents.services.documents import restore_document
from documents.services.folders import ancestors, set_watch
from extranet.access import access_space
from extranet.models import Membership
from extranet.portal.selectors import publication_status


def _listing(request: HttpRequest, membership: Membership, folder: Folder | None) -> HttpResponse:
    kind, tag = request.GET.get("kind", ""), request.GET.get("tag", "")
    context = {
        "membership": membership,
        "space": membership.space,
        "folder": folder,
        "breadcrumb": ancestors(folder),
        "folders": selectors.subfolders(membership, folder),
        "documents": selectors.documents_in_folder(membership, folder, kind=kind, tag=tag),
        "shared": selectors.shared_with_space(membership) if folder is None else [],
        "kinds": DocumentKind.choices,
        "kind": kind,
        "tag": tag,
        "watching": selectors.is_watching(membership, folder) if folder else False,
    }
    return render(request, "documents/index.html", context)


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.view")
    return _listing(request, membership, None)


@login_required
def folder(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.view")
    return _listing(request, membership, selectors.folder_for(membership, pk))


@require_POST
@login_required
def folder_watch(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.view")
    target = selectors.folder_for(membership, pk)
    watching = request.POST.get("watch") == "1"
    set_watch(membership=membership, folder=target, watching=watching)
    if watching:
        messages.success(request, _("Vous serez prévenu·e des nouveaux documents de ce dossier."))
    else:
        messages.success(request, _("Vous ne suivez plus ce dossier."))
    return redirect(target)


@login_required
def detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.view")
    document = selectors.document_for(membership, pk)
    can_propose = publishing.can_propose(membership, document)
    return render(
        request,
        "documents/detail.html",
        {
            "can_propose": can_propose,
            "publication": (
                publication_status(publishing.KIND, str(document.pk)) if can_propose else None
            ),
            "membership": membership,
            "space": membership.space,
            "document": document,
            "breadcrumb": ancestors(document.folder)
            if document.space_id == membership.space_id
            else [],
            "can_change": policy.can_change(membership, document),
            "can_comment": policy.can_comment(membership, document),
            "can_share": policy.can_share(membership, document),
            "is_shared_in": document.space_id != membership.space_id,
            "comment_form": CommentForm(),
        },
    )


@require_POST
@login_required
def comment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.view")
    document = selectors.document_for(membership, pk)
    membership = access_space(request.user, slug, need="documents.comment")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Le commentaire est vide ou trop long."))
        return redirect(document)
    created = add_comment(membership=membership, document=document, body=form.cleaned_data["body"])
    return redirect(document.get_absolute_url() + f"#commentaire-{created.pk}")


@login_required
def trash_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.manage")
    return render(
        request,
        "documents/trash.html",
        {
            "membership": membership,
            "space": membership.space,
            "documents": selectors.trashed_documents(membership),
        },
    )


@require_POST
@login_required
def trash_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.manage")
    document = selectors.trashed_document_for(membership, pk)
    restore_document(membership=membership, document=document)
    messages.success(request, _("« %(title)s » a été restauré.") % {"title": document.title})
    return redirect(document)
