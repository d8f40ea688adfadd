"""Depositing and changing documents, versions, folders, sharing and template copies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import policy, selectors
from documents.filetypes import UploadRejected
from documents.forms import CopyForm, DocumentForm, FolderForm, ShareForm, UploadForm, VersionForm
from documents.services import documents as document_services
from documents.services import folders as folder_services
from documents.services import sharing
from extranet.access import access_space
from extranet.exceptions import MaillageError
from extranet.models import Membership


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _page(
    request: HttpRequest, template: str, membership: Membership, status: int = 200, **extra: object
) -> HttpResponse:
    context = {"membership": membership, "space": membership.space, **extra}
    return render(request, template, context, status=status)


@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.upload")
    folders = selectors.all_folders(membership)
    initial = {
        "folder": request.GET.get("folder") or None,
        "kind": request.GET.get("kind") or "other",
    }
    form = UploadForm(request.POST or None, request.FILES or None, folders=folders, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = document_services.upload_documents(
                membership=membership,
                files=form.cleaned_data["files"],
                folder=form.chosen_folder(),
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                meeting_date=form.cleaned_data["meeting_date"],
                tags=form.tag_names(),
            )
        except UploadRejected as exc:
            form.add_error("files", str(exc.message))
        else:
            message = _("%(count)d document(s) déposé(s).") % {"count": len(created)}
            target = (
                created[0].get_absolute_url()
                if len(created) == 1
                else (
                    created[0].folder.get_absolute_url()
                    if created[0].folder
                    else reverse("documents:index", kwargs={"slug": slug})
                )
            )
            if _wants_json(request):
                return JsonResponse({"message": message, "redirect": target})
            messages.success(request, message)
            return redirect(target)
    if request.method == "POST" and _wants_json(request):
        errors = [str(e) for errs in form.errors.values() for e in errs]
        return JsonResponse({"errors": errors}, status=400)
    return _page(
        request, "documents/upload.html", membership, status=400 if form.errors else 200, form=form
    )


@login_required
def edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.upload")
    document = selectors.document_for(membership, pk)
    if not policy.can_change(membership, document):
        raise PermissionDenied
    folders = selectors.all_folders(membership)
    initial = {
        "title": document.title,
        "kind": document.kind,
        "meeting_date": document.meeting_date,
        "description": document.description,
        "folder": document.folder_id,
        "tags": ", ".join(t.name for t in document.tags.all()),
    }
    form = DocumentForm(request.POST or None, folders=folders, initial=initial)
    if request.method == "POST" and form.is_valid():
        document_services.update_document(
            membership=membership,
            document=document,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            kind=form.cleaned_data["kind"],
            meeting_date=form.cleaned_data["meeting_date"],
            folder=form.chosen_folder(),
            tags=form.tag_names(),
        )
        messages.success(request, _("Document enregistré."))
        return redirect(document)
    return _page(
        request,
        "documents/edit.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        document=document,
    )


@login_required
def version_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.upload")
    document = selectors.document_for(membership, pk)
    if not policy.can_change(membership, document):
        raise PermissionDenied
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = document_services.add_version(
                membership=membership,
                document=document,
                file=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except UploadRejected as exc:
            form.add_error("file", str(exc.message))
        else:
            messages.success(request, _("Version %(n)d déposée.") % {"n": version.number})
            return redirect(document)
    return _page(
        request,
        "documents/version_upload.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        document=document,
    )


@require_POST
@login_required
def version_restore(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.upload")
    document = selectors.document_for(membership, pk)
    version = selectors.version_for(document, number)
    restored = document_services.restore_version(
        membership=membership, document=document, version=version
    )
    messages.success(
        request,
        _("La version %(old)d est redevenue la version courante (version %(new)d).")
        % {"old": number, "new": restored.number},
    )
    return redirect(document)


@login_required
def trash(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.upload")
    document = selectors.document_for(membership, pk)
    if not policy.can_change(membership, document):
        raise PermissionDenied
    if request.method != "POST":
        return _page(request, "documents/trash_confirm.html", membership, document=document)
    document_services.trash_document(membership=membership, document=document)
    messages.success(
        request,
        _(
            "« %(title)s » est dans la corbeille : un éditeur de l'espace peut le "
            "restaurer pendant 30 jours."
        )
        % {"title": document.title},
    )
    if document.folder:
        return redirect(document.folder)
    return redirect("documents:index", slug=slug)


@login_required
def share(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.share")
    document = selectors.document_for(membership, pk)
    if not policy.can_share(membership, document):
        raise PermissionDenied
    targets = {space.pk: space for space in selectors.share_targets(membership, document)}
    form = ShareForm(request.POST or None)
    form.fields["space"].choices = [(pk_, space.name) for pk_, space in targets.items()]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        target = targets[form.cleaned_data["space"]]
        try:
            sharing.share_document(membership=membership, document=document, target_space=target)
        except MaillageError as exc:
            form.add_error("space", exc.message)
        else:
            messages.success(
                request,
                _("Document partagé en lecture avec « %(space)s ».") % {"space": target.name},
            )
            return redirect(document)
    return _page(
        request,
        "documents/share.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        document=document,
    )


@require_POST
@login_required
def unshare(request: HttpRequest, slug: str, pk: int, share_pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.share")
    document = selectors.document_for(membership, pk)
    target = selectors.share_for(membership, document, share_pk)
    sharing.unshare_document(membership=membership, share=target)
    messages.success(
        request, _("Le partage avec « %(space)s » est retiré.") % {"space": target.space.name}
    )
    return redirect(document)


@login_required
def copy_template(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.view")
    document = selectors.document_for(membership, pk)
    targets = {m.space_id: m for m in selectors.copy_targets(membership)}
    form = CopyForm(request.POST or None)
    form.fields["space"].choices = [(space_id, m.space.name) for space_id, m in targets.items()]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        target = targets[form.cleaned_data["space"]]
        try:
            copy = sharing.copy_template(source=membership, document=document, target=target)
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Modèle copié dans « %(space)s ».") % {"space": target.space.name}
            )
            return redirect(copy)
    return _page(
        request,
        "documents/copy.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        document=document,
        has_targets=bool(targets),
    )


@login_required
def folder_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.manage")
    folders = selectors.all_folders(membership)
    form = FolderForm(
        request.POST or None, folders=folders, initial={"folder": request.GET.get("parent") or None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = folder_services.create_folder(
                membership=membership,
                name=form.cleaned_data["name"],
                parent=form.chosen_folder(),
                description=form.cleaned_data["description"],
            )
        except MaillageError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("Dossier « %(name)s » créé.") % {"name": created.name})
            return redirect(created)
    return _page(
        request,
        "documents/folder_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
    )


@login_required
def folder_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.manage")
    target = selectors.folder_for(membership, pk)
    folders = [f for f in selectors.all_folders(membership) if f.pk != target.pk]
    initial = {"name": target.name, "description": target.description, "folder": target.parent_id}
    form = FolderForm(request.POST or None, folders=folders, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            folder_services.update_folder(
                membership=membership,
                folder=target,
                name=form.cleaned_data["name"],
                parent=form.chosen_folder(),
                description=form.cleaned_data["description"],
            )
        except MaillageError as exc:
            form.add_error("folder", exc.message)
        else:
            messages.success(request, _("Dossier enregistré."))
            return redirect(target)
    return _page(
        request,
        "documents/folder_form.html",
        membership,
        status=400 if form.errors else 200,
        form=form,
        folder=target,
    )


@require_POST
@login_required
def folder_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.manage")
    target = selectors.folder_for(membership, pk)
    parent = target.parent
    folder_services.delete_folder(membership=membership, folder=target)
    messages.success(
        request,
        _("Dossier « %(name)s » supprimé ; son contenu a été remonté d'un niveau.")
        % {"name": target.name},
    )
    return redirect(parent) if parent else redirect("documents:index", slug=slug)
