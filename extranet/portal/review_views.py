"""The general administrator's moderation pages (/publication/…) and each contributor's list of
proposals ("Mes propositions").

Everything but "Mes propositions" answers 404 to whoever is not a general administrator, staff
included: the pages do not exist for them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from extranet.models import PublicationRequest, PublicSnapshot
from extranet.portal import selectors
from extranet.portal.forms import ApproveForm, RejectForm, UnpublishForm
from extranet.portal.registry import PublishableKind, publishable_kinds
from extranet.portal.services import (
    PublicationError,
    approve_publication,
    is_general_administrator,
    reject_publication,
    unpublish,
    withdraw_publication,
)

PER_PAGE = 50


def _require_reviewer(request: HttpRequest) -> None:
    if not is_general_administrator(request.user):
        raise Http404


def _kind_filter(request: HttpRequest) -> str:
    wanted = request.GET.get("kind", "")
    return wanted if wanted in {k.name for k in publishable_kinds()} else ""


def _kinds() -> dict[str, PublishableKind]:
    return {k.name: k for k in publishable_kinds()}


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    kind = _kind_filter(request)
    page = Paginator(selectors.pending_requests(kind=kind), PER_PAGE).get_page(
        request.GET.get("page")
    )
    kinds = _kinds()
    context = {
        "page": page,
        "rows": [(item, kinds.get(item.kind)) for item in page],
        "kinds": kinds,
        "kind": kind,
        "section": "queue",
    }
    return render(request, "portal_review/queue.html", context)


def _preview_html(item: selectors.PreviewItem) -> str:
    try:
        return render_to_string("portal/_item.html", {"item": item})
    except TemplateDoesNotExist:
        return render_to_string("portal_review/_preview_fallback.html", {"item": item})


def _review_page(
    request: HttpRequest,
    publication: PublicationRequest,
    *,
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = selectors.kind_of(publication)
    if kind is None:
        raise Http404
    current = selectors.current_snapshot(publication.kind, publication.source_key)
    fingerprint = selectors.payload_fingerprint(publication)
    context: dict[str, Any] = {
        "publication": publication,
        "kind": kind,
        "current": current,
        "preview": _preview_html(
            selectors.preview_item(kind, publication.title, publication.payload)
        ),
        "diff": selectors.field_diff(
            kind, publication.payload, current.data if current is not None else None
        ),
        "section": "queue",
    }
    if publication.is_pending:
        context["approve_form"] = approve_form or ApproveForm(
            kind=kind, payload=publication.payload, initial={"fingerprint": fingerprint}
        )
        context["reject_form"] = reject_form or RejectForm(initial={"fingerprint": fingerprint})
    return render(request, "portal_review/review.html", context, status=status)


@require_GET
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    return _review_page(request, selectors.request_for_review(pk))


def _stale(form: ApproveForm | RejectForm, publication: PublicationRequest) -> bool:
    if form.cleaned_data.get("fingerprint") == selectors.payload_fingerprint(publication):
        return False
    form.add_error(
        None,
        _(
            "La proposition a été modifiée par son auteur pendant votre relecture : relisez "
            "la nouvelle version ci-dessous."
        ),
    )
    return True


@require_POST
@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    publication = selectors.request_for_review(pk)
    kind = selectors.kind_of(publication)
    if kind is None or not publication.is_pending:
        messages.error(request, _("Cette proposition a déjà été traitée."))
        return redirect("portal_review:queue")
    form = ApproveForm(request.POST, kind=kind, payload=publication.payload)
    if form.is_valid() and not _stale(form, publication):
        try:
            snapshot = approve_publication(
                reviewer=request.user,
                request=publication,
                edited=form.edits(),
                note=form.cleaned_data["note"],
            )
        except PublicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("« %(title)s » est publiée (version %(version)d).")
                % {"title": snapshot.title, "version": snapshot.version},
            )
            return redirect("portal_review:queue")
    return _review_page(request, publication, approve_form=form, status=400)


@require_POST
@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    publication = selectors.request_for_review(pk)
    if not publication.is_pending:
        messages.error(request, _("Cette proposition a déjà été traitée."))
        return redirect("portal_review:queue")
    form = RejectForm(request.POST)
    if form.is_valid() and not _stale(form, publication):
        try:
            reject_publication(
                reviewer=request.user, request=publication, note=form.cleaned_data["note"]
            )
        except PublicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("« %(title)s » est refusée ; l'auteur est prévenu.")
                % {"title": publication.title},
            )
            return redirect("portal_review:queue")
    return _review_page(request, publication, reject_form=form, status=400)


@require_GET
@login_required
def public_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    kind = _kind_filter(request)
    page = Paginator(selectors.public_snapshots(kind=kind), PER_PAGE).get_page(
        request.GET.get("page")
    )
    kinds = _kinds()
    context = {
        "page": page,
        "rows": [(item, kinds.get(item.kind)) for item in page],
        "kinds": kinds,
        "kind": kind,
        "form": UnpublishForm(),
        "section": "public",
    }
    return render(request, "portal_review/public_list.html", context)


@require_POST
@login_required
def unpublish_item(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    snapshot = get_object_or_404(PublicSnapshot.objects.public(), pk=pk)
    form = UnpublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        unpublish(
            reviewer=request.user, kind=snapshot.kind, source_key=snapshot.source_key, note=note
        )
    except PublicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("« %(title)s » n'est plus public.") % {"title": snapshot.title})
    return redirect("portal_review:public")


@require_GET
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.requests_of(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    kinds = _kinds()
    context = {
        "page": page,
        "rows": [(item, kinds.get(item.kind)) for item in page],
        "is_reviewer": is_general_administrator(request.user),
        "section": "mine",
    }
    return render(request, "portal_review/mine.html", context)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(
        PublicationRequest.objects.filter(submitted_by=request.user.pk), pk=pk
    )
    try:
        withdraw_publication(user=request.user, request=publication)
    except PublicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Votre proposition « %(title)s » est retirée.") % {"title": publication.title},
        )
    return redirect("portal_review:mine")
