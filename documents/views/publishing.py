"""Proposing a brochure for the public portal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import publishing, selectors
from extranet.access import access_space
from extranet.portal.services import PublicationError, submit_publication


@require_POST
@login_required
def propose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="documents.view")
    document = selectors.document_for(membership, pk)
    try:
        proposal = submit_publication(
            user=request.user, kind=publishing.KIND, source_key=str(document.pk)
        )
    except PublicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "« %(title)s » est proposée au portail public : un administrateur général va la "
                "relire avant publication."
            )
            % {"title": proposal.title},
        )
    return redirect(document)
