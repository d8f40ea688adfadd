"""Conditional GET, cache headers and CORS for the public outputs.

The ETag hashes the state of the public snapshots of the kinds a response shows (one aggregate
query), the request's path and query, the language, and a token of the portal's code, so it is
known *before* the view runs: a matching ``If-None-Match`` (or ``If-Modified-Since``) gets a 304
without rendering anything.
"""

from __future__ import annotations

import hashlib
import time as time_module
from collections.abc import Callable, Iterable
from datetime import datetime, time
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from extranet.portal.public.links import is_export
from extranet.portal.public.queries import PortalState, portal_state
from extranet.portal.public.sections import find_section, public_kind_names, sections

View = Callable[..., HttpResponseBase]
KindsOf = Callable[[dict[str, Any]], Iterable[str]]

SAFE_METHODS = ("GET", "HEAD")
EXPOSED_HEADERS = "ETag, Last-Modified, Link"
# The PortalState computed for the request, for views that show its date (Atom's <updated>).
STATE_KEY = "maillage.portal.state"


@lru_cache(maxsize=1)
def code_token() -> str:
    """Changes when the portal's templates, styles or code change (a deployment), so clients do
    not keep a page rendered by older code; ``PORTAL_ETAG_SALT`` forces a change by hand."""
    digest = hashlib.sha256(settings.PORTAL_ETAG_SALT.encode())
    package = Path(__file__).resolve().parent
    extranet = package.parent.parent
    roots = [package, extranet / "templates" / "portal", extranet / "static" / "portal"]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".css", ".txt", ".xml"}:
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def all_kinds(_kwargs: dict[str, Any]) -> list[str]:
    return public_kind_names()


def no_kinds(_kwargs: dict[str, Any]) -> list[str]:
    return []


def section_kinds(kwargs: dict[str, Any]) -> list[str]:
    section = find_section(str(kwargs.get("section", "")))
    return section.kind_names if section is not None else []


def _etag(request: HttpRequest, state: PortalState, *, daily: bool, localised: bool) -> str:
    parts = [
        code_token(),
        state.token,
        request.get_full_path(),
        translation.get_language() if localised else settings.LANGUAGE_CODE,
        timezone.localdate().isoformat() if daily else "",
        settings.SITE_URL,
        ";".join(f"{s.slug}:{','.join(s.kind_names)}" for s in sections()),
    ]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40] + '"'


def _last_modified(state: PortalState, *, daily: bool) -> int | None:
    moments = [state.last_modified] if state.last_modified else []
    if daily:
        # "Upcoming" changes at midnight without any write.
        moments.append(timezone.make_aware(datetime.combine(timezone.localdate(), time.min)))
    return int(max(moments).timestamp()) if moments else None


def cors_allowed_origin(request: HttpRequest) -> str | None:
    origin = request.headers.get("Origin")
    allowed = settings.PORTAL_CORS_ORIGINS
    if not origin or not allowed:
        return None
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def add_cors(request: HttpRequest, response: HttpResponseBase) -> None:
    patch_vary_headers(response, ["Origin"])
    origin = cors_allowed_origin(request)
    if origin is not None:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS


def _preflight(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = "GET, HEAD, OPTIONS"
    add_cors(request, response)
    if cors_allowed_origin(request) is not None:
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response["Access-Control-Max-Age"] = "86400"
    return response


KEPT_HEADERS = ("Content-Type", "Link", "Content-Disposition")


def _body_key(request: HttpRequest) -> str | None:
    if is_export(request):
        return None
    return "portal:body:" + hashlib.sha256(request.path.encode()).hexdigest()[:32]


RENDER_WAIT_SECONDS = 30


def _cached_body(key: str, etag: str, *, wait: bool) -> HttpResponse | None:
    """The kept body for this ETag. When another request is rendering it (each request runs
    in a thread of its own under ASGI), wait for it rather than render it once more."""
    kept = cache.get(key)
    if (not kept or kept[0] != etag) and wait and not cache.add(key + ":rendering", etag, 60):
        deadline = time_module.monotonic() + RENDER_WAIT_SECONDS
        while time_module.monotonic() < deadline:
            time_module.sleep(0.05)
            kept = cache.get(key)
            if (kept and kept[0] == etag) or cache.get(key + ":rendering") is None:
                break
    if not kept or kept[0] != etag:
        return None
    response = HttpResponse(kept[1])
    for name, value in kept[2]:
        response[name] = value
    return response


def _keep_body(key: str, etag: str, response: HttpResponseBase) -> None:
    if getattr(response, "streaming", False):
        return
    headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
    content = bytes(response.content)  # type: ignore[attr-defined]
    cache.set(key, (etag, content, headers), timeout=3600)


def _cache_headers(
    response: HttpResponseBase, etag: str, last_modified: int | None, *, localised: bool
) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={settings.PORTAL_CACHE_MAX_AGE}"
    if localised:
        patch_vary_headers(response, ["Accept-Language", "Cookie"])


def public_resource(
    *,
    kinds: KindsOf = all_kinds,
    daily: bool = False,
    localised: bool = True,
    cors: bool = False,
    cache_body: bool = False,
) -> Callable[[View], View]:
    """GET/HEAD only (and OPTIONS for CORS), with ETag/Last-Modified, 304, Cache-Control.

    ``kinds`` names the kinds whose snapshots the response shows (from the URL kwargs);
    ``daily`` for responses that depend on today's date (upcoming events); ``localised=False``
    renders in the default language (feeds and API); ``cors`` adds the CORS headers for
    ``PORTAL_CORS_ORIGINS``; ``cache_body`` keeps the rendered body of the request without
    parameters (one entry per URL, replaced when its ETag changes): a 10,000-event iCalendar
    feed is then rendered once per change instead of once per client.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if cors and request.method == "OPTIONS":
                return _preflight(request)
            if request.method not in SAFE_METHODS:
                allowed = [*SAFE_METHODS, "OPTIONS"] if cors else list(SAFE_METHODS)
                return HttpResponseNotAllowed(allowed)
            if not localised:
                with translation.override(settings.LANGUAGE_CODE):
                    return _respond(view, request, args, kwargs)
            return _respond(view, request, args, kwargs)

        def _respond(
            view: View, request: HttpRequest, args: Any, kwargs: dict[str, Any]
        ) -> HttpResponseBase:
            state = portal_state(kinds(kwargs))
            request.META[STATE_KEY] = state
            etag = _etag(request, state, daily=daily, localised=localised)
            last_modified = _last_modified(state, daily=daily)
            if not is_export(request):
                not_modified = get_conditional_response(
                    request, etag=etag, last_modified=last_modified
                )
                if not_modified is not None:
                    if not_modified.status_code == 304:
                        _cache_headers(not_modified, etag, last_modified, localised=localised)
                    if cors:
                        add_cors(request, not_modified)
                    return not_modified
            key = _body_key(request) if cache_body and not request.GET else None
            kept = _cached_body(key, etag, wait=True) if key else None
            response: HttpResponseBase
            if kept is not None:
                response = kept
            else:
                try:
                    response = view(request, *args, **kwargs)
                    if key and response.status_code == 200:
                        _keep_body(key, etag, response)
                finally:
                    if key:
                        cache.delete(key + ":rendering")
            if response.status_code == 200:
                _cache_headers(response, etag, last_modified, localised=localised)
            if cors:
                add_cors(request, response)
            return response

        return wrapper

    return decorator
