"""Serving document files: only through these permission-checked views, streamed."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase

from documents import selectors
from documents.models import DocumentVersion
from documents.storage import document_storage
from extranet.access import access_space

INLINE_MIMES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


def _content_disposition(version: DocumentVersion, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    ascii_name = version.original_name.encode("ascii", "ignore").decode() or "document"
    ascii_name = ascii_name.replace('"', "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(version.original_name)}"


def serve_version(request: HttpRequest, version: DocumentVersion) -> HttpResponseBase:
    inline = request.GET.get("inline") == "1" and version.mime in INLINE_MIMES
    prefix = settings.DOCUMENTS_ACCEL_REDIRECT_PREFIX
    if prefix:
        # The reverse proxy streams the file; Django only decided who may have it.
        response: HttpResponseBase = HttpResponse(content_type=version.mime)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + version.storage_name
    else:
        try:
            handle = document_storage().open(version.storage_name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=version.mime)
        response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = _content_disposition(version, inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{version.sha256}"'
    # Files never run scripts in our origin; previews may be framed by our own pages only.
    # (Chrome refuses to render a PDF under a "sandbox" policy, so PDFs get the rest of it.)
    policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    if version.mime != "application/pdf":
        policy = "sandbox; " + policy
    response["Content-Security-Policy"] = policy
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@login_required
def download(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    membership = access_space(request.user, slug, need="documents.view")
    document = selectors.document_for(membership, pk)
    if document.current_version is None:
        raise Http404
    return serve_version(request, document.current_version)


@login_required
def version_download(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponseBase:
    membership = access_space(request.user, slug, need="documents.view")
    document = selectors.document_for(membership, pk)
    return serve_version(request, selectors.version_for(document, number))
