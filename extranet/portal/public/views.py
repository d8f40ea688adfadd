"""The portal's HTML pages: no login, GET only, cacheable, printable, no JavaScript.

Every page reads public snapshots through ``queries`` and is wrapped in ``public_resource``
(ETag/Last-Modified, 304, Cache-Control). During the static export the same views run with an
export base in ``request.META``: no filter form, no pagination, no language switch.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from extranet.portal.public import queries
from extranet.portal.public.conditional import no_kinds, public_resource, section_kinds
from extranet.portal.public.forms import SectionFilterForm
from extranet.portal.public.links import absolute, is_export, portal_root
from extranet.portal.public.sections import Section, get_section, sections

PAGE_SIZE = 20
HOME_ITEMS = 5
EMBED_DEFAULT, EMBED_MAX = 5, 30


def render_portal(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a portal page with what every page shows (name, sections, export mode)."""
    base = {
        "site_name": settings.PORTAL_SITE_NAME,
        "portal_sections": sections(),
        "export": is_export(request),
        "current_path": request.path,
    }
    return render(request, template, {**base, **context}, status=status)


@public_resource(daily=True)
def home(request: HttpRequest) -> HttpResponse:
    counts = dict(
        queries.public_snapshots()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
        .order_by()
    )
    blocks = []
    for section in sections():
        total = sum(counts.get(name, 0) for name in section.kind_names)
        if section.is_dated:
            items = queries.upcoming(section, limit=HOME_ITEMS)
        else:
            items = queries.latest(section, limit=HOME_ITEMS)
        blocks.append({"section": section, "count": total, "items": queries.public_items(items)})
    return render_portal(request, "portal/home.html", {"blocks": blocks})


@public_resource(kinds=section_kinds, daily=True)
def section_page(request: HttpRequest, section: str) -> HttpResponse:
    current = get_section(section)
    export = is_export(request)
    form = SectionFilterForm(current, request.GET if request.GET and not export else None)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    upcoming_only = current.is_dated and filters.start is None and filters.end is None
    if upcoming_only:
        filters.start = queries.today()
    items = queries.filtered(current, filters)
    if export:
        page = None
        shown = list(items)
    else:
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
    return render_portal(
        request,
        "portal/section.html",
        {
            "section": current,
            "form": form,
            "page": page,
            "items": queries.public_items(shown),
            "total": page.paginator.count if page is not None else len(shown),
            "upcoming_only": upcoming_only,
            "months": queries.months(current) if current.is_dated else [],
            "communes": queries.communes(current),
        },
    )


def _month_or_404(year: int, month: int) -> date:
    if not (1 <= month <= 12 and 1900 <= year <= 2999):
        raise Http404
    return date(year, month, 1)


def _month_view(request: HttpRequest, section: str, first: date) -> HttpResponse:
    current = get_section(section)
    if not current.is_dated:
        raise Http404
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    if is_export(request):
        # Only the exported months exist as files: no link to a month outside them.
        exported = set(export_months(current))
        previous_link = previous if previous in exported else None
        next_link = following if following in exported else None
    else:
        previous_link, next_link = previous, following
    weeks = queries.month_grid(current, first.year, first.month)
    listed: list[Any] = []
    for week in weeks:
        for day in week:
            if day.in_month:
                for snapshot in day.items:
                    if snapshot not in listed:
                        listed.append(snapshot)
    urls = {s.pk: queries.public_item(s).url for s in listed}
    return render_portal(
        request,
        "portal/month.html",
        {
            "section": current,
            "month": first,
            "weeks": weeks,
            "item_urls": urls,
            "previous_month": previous_link,
            "next_month": next_link,
            "has_items": bool(listed),
            "today": queries.today(),
        },
    )


def export_months(section: Section) -> list[date]:
    """The months written by the static export: every month with items, and the current one."""
    months = set(queries.months(section))
    months.add(queries.today().replace(day=1))
    return sorted(months)


@public_resource(kinds=section_kinds, daily=True)
def month_current(request: HttpRequest, section: str) -> HttpResponse:
    return _month_view(request, section, queries.today().replace(day=1))


@public_resource(kinds=section_kinds, daily=True)
def month(request: HttpRequest, section: str, year: int, month: int) -> HttpResponse:
    return _month_view(request, section, _month_or_404(year, month))


@public_resource(kinds=section_kinds)
def commune_page(request: HttpRequest, section: str, commune: str) -> HttpResponse:
    current = get_section(section)
    name, items = queries.commune_items(current, commune)
    return render_portal(
        request,
        "portal/commune.html",
        {
            "section": current,
            "commune_name": name,
            "commune_slug": commune,
            "items": queries.public_items(items),
        },
    )


@public_resource(kinds=section_kinds)
def item(request: HttpRequest, section: str, public_id: str) -> HttpResponse:
    current = get_section(section)
    snapshot = queries.find_item(current, public_id)
    public = queries.public_item(snapshot)
    return render_portal(
        request,
        "portal/item.html",
        {
            "section": current,
            "item": public,
            "item_json": reverse("portal:api_item", kwargs={"public_id": public_id}),
            "absolute_url": absolute(request, public.url),
        },
    )


@public_resource(kinds=section_kinds, localised=False)
def file_download(
    request: HttpRequest, section: str, public_id: str, file_id: int, name: str
) -> FileResponse:
    public_file = queries.find_file(get_section(section), public_id, file_id)
    try:
        handle = public_file.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=public_file.name,
        content_type=public_file.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A published file is never a page of ours, whatever it contains.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _embed_csp() -> str:
    ancestors = " ".join(settings.PORTAL_EMBED_ANCESTORS) or "*"
    return (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {ancestors}"
    )


def _positive(value: str | None, default: int, maximum: int) -> int:
    try:
        number = int(value or default)
    except ValueError:
        return default
    return min(max(number, 1), maximum)


def embeddable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """This route only may be framed by other sites: its own CSP on every answer, 304 included
    (a 304 updates the headers a browser keeps for the page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = _embed_csp()
        return response

    return wrapper


@xframe_options_exempt
@embeddable
@public_resource(daily=True)
def embed_agenda(request: HttpRequest) -> HttpResponse:
    """Upcoming events as a small page for an <iframe> on other sites (no script at all)."""
    current = next((s for s in sections() if s.slug == "events"), None)
    if current is None:
        current = next((s for s in sections() if s.is_dated), None)
    if current is None:
        raise Http404
    commune = request.GET.get("commune", "")[:120]
    theme = request.GET.get("theme", "")[:120]
    limit = _positive(request.GET.get("limit"), EMBED_DEFAULT, EMBED_MAX)
    items = queries.upcoming(current, limit=limit, commune=commune, theme=theme)
    return render_portal(
        request,
        "portal/embed_agenda.html",
        {
            "section": current,
            "items": [
                {"item": public, "absolute_url": absolute(request, public.url)}
                for public in queries.public_items(items)
            ],
            "section_url": absolute(request, reverse("portal:section", args=[current.slug])),
            "commune": commune,
            "theme": theme,
        },
    )


@public_resource()
def embed_doc(request: HttpRequest) -> HttpResponse:
    dated = [s for s in sections() if s.is_dated]
    events = next((s for s in dated if s.slug == "events"), dated[0] if dated else None)
    communes = queries.choices(events, "commune") if events else []
    themes = queries.choices(events, "theme") if events else []
    embed_url = absolute(request, reverse("portal:embed_agenda"))
    return render_portal(
        request,
        "portal/embed_doc.html",
        {
            "events_section": events,
            "embed_url": embed_url,
            # The preview frames this very server, whatever SITE_URL says (CSP: frame-src 'self').
            "embed_path": reverse("portal:embed_agenda"),
            "communes": communes,
            "themes": themes,
            "embed_ancestors": settings.PORTAL_EMBED_ANCESTORS,
        },
    )


@public_resource(kinds=no_kinds)
def data_page(request: HttpRequest) -> HttpResponse:
    entries = []
    for section in sections():
        entries.append(
            {
                "section": section,
                "json": absolute(request, reverse("portal:api_list", args=[section.slug])),
                "atom": absolute(request, reverse("portal:atom", args=[section.slug])),
                "ics": absolute(request, reverse("portal:ics", args=[section.slug]))
                if section.is_dated
                else "",
            }
        )
    return render_portal(
        request,
        "portal/data.html",
        {
            "entries": entries,
            "all_atom": absolute(request, reverse("portal:atom_all")),
            "openapi": absolute(request, reverse("portal:openapi")),
            "sitemap": absolute(request, reverse("portal:sitemap")),
        },
    )


@require_safe
def language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Switch the portal's language by a plain link (public pages carry no CSRF token), in the
    same cookie as Django's set_language, then back to the page."""
    target = request.GET.get("next") or portal_root()
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = portal_root()
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    response["Cache-Control"] = "no-store"
    return response


@public_resource(localised=False, cache_body=True)
def sitemap(request: HttpRequest) -> HttpResponse:
    """Sitemap of the portal: the home page, the sections and every current public item."""
    urls: list[tuple[str, str]] = [(absolute(request, portal_root()), "")]
    for section in sections():
        urls.append((absolute(request, reverse("portal:section", args=[section.slug])), ""))
    snapshots = (
        queries.public_snapshots()
        .order_by("kind", "public_id")
        .only("kind", "public_id", "approved_at")
    )
    for public in queries.public_items(snapshots):
        lastmod = timezone.localtime(public.snapshot.approved_at).date().isoformat()
        urls.append((absolute(request, public.url), lastmod))
    return render(request, "portal/sitemap.xml", {"urls": urls}, content_type="application/xml")
