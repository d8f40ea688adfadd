"""Public URLs of the portal, live or in the static export.

Live, absolute URLs start with ``SITE_URL`` (not the request's Host, so a response does not
depend on how the client reached us and its ETag stays valid). During ``export_portal`` the views
run with an export base URL in ``request.META``: absolute URLs then point at the exported files.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

EXPORT_BASE = "maillage.portal.export_base"


def export_base(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    value = request.META.get(EXPORT_BASE)
    return str(value) if value is not None else None


def is_export(request: HttpRequest | None) -> bool:
    return export_base(request) is not None


def portal_root() -> str:
    return reverse("portal:home")


def export_path(url_path: str) -> str:
    """The file of the static export that holds the page at ``url_path`` (a /portal/ path)."""
    root = portal_root()
    if not url_path.startswith(root):
        raise ValueError(f"{url_path!r} is not a portal path")
    relative = unquote(url_path[len(root) :].split("?", 1)[0].split("#", 1)[0])
    if relative == "" or relative.endswith("/"):
        return relative + "index.html"
    if "." in relative.rsplit("/", 1)[-1]:
        return relative
    return relative + ".html"


def absolute(request: HttpRequest | None, path: str) -> str:
    """``path`` (from ``reverse``) as an absolute URL, live or in the export."""
    base = export_base(request)
    if base is not None:
        return base.rstrip("/") + "/" + export_path(path)
    return settings.SITE_URL.rstrip("/") + path


_SENTINEL = "0-public-id-0"


@lru_cache(maxsize=256)
def _item_template(section_slug: str, urlconf: str | None, prefix: str) -> str:
    return reverse("portal:item", kwargs={"section": section_slug, "public_id": _SENTINEL})


def item_path(snapshot: Any, section_slug: str) -> str:
    """``portal:item`` of the snapshot (reversed once per section: feeds list thousands)."""
    template = _item_template(section_slug, get_urlconf(), get_script_prefix())
    return template.replace(_SENTINEL, snapshot.public_id)


def file_path(section_slug: str, public_id: str, public_file: Any) -> str:
    return reverse(
        "portal:file",
        kwargs={
            "section": section_slug,
            "public_id": public_id,
            "file_id": public_file.pk,
            "name": safe_file_name(public_file.name),
        },
    )


def safe_file_name(name: str) -> str:
    """A download name usable as one URL segment and one file name of the export."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.utils.text import get_valid_filename

    try:
        cleaned = get_valid_filename(name.replace("/", "_").replace("\\", "_"))
    except SuspiciousFileOperation:  # names such as ".."
        cleaned = ""
    return cleaned or "fichier"
