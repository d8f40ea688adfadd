"""What the agenda's views share: the scope (my agenda, or one space's agenda) and how CalDAV
failures turn into pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from calendars.client import (
    CalendarError,
    CalendarNotFound,
    CalendarUnavailable,
    EventNotFound,
)
from calendars.services.space_calendars import sync_user_links
from extranet.access import access_space
from extranet.models import Membership, Space

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgendaScope:
    """``membership`` is None for "My agenda" (every calendar of the person)."""

    membership: Membership | None

    @property
    def space(self) -> Space | None:
        return self.membership.space if self.membership else None

    @property
    def namespace(self) -> str:
        return "calendars" if self.membership else "agenda"

    @property
    def key(self) -> str:
        return self.membership.space.slug if self.membership else ""

    def url(self, name: str, **kwargs: Any) -> str:
        if self.membership:
            kwargs["slug"] = self.membership.space.slug
        return reverse(f"{self.namespace}:{name}", kwargs=kwargs)

    def context(self) -> dict[str, Any]:
        return {"scope": self, "membership": self.membership, "space": self.space}


def agenda_scope(request: HttpRequest, slug: str | None) -> AgendaScope:
    """The access door first (404 for outsiders before any CalDAV request), then the person's
    DAV home brought up to date (people created before the calendars app have none yet)."""
    membership = access_space(request.user, slug, need="calendars.view") if slug else None
    try:
        sync_user_links(request.user)
    except OSError:
        logger.exception("Could not update the calendar links of %s", request.user.pk)
    return AgendaScope(membership)


View = Callable[..., HttpResponse]


def agenda_view(view: View) -> View:
    """Radicale down answers 503 with a clear page; an unknown calendar or event answers 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (CalendarNotFound, EventNotFound) as exc:
            raise Http404 from exc
        except CalendarUnavailable as exc:
            return _failure_page(request, kwargs.get("slug"), exc.message, status=503)
        except CalendarError as exc:
            # A read Radicale refused or could not answer (writes handle theirs in the view).
            logger.warning("CalDAV refused a read for %s: %r", request.user.pk, exc)
            return _failure_page(request, kwargs.get("slug"), exc.message, status=502)

    return wrapper


def _failure_page(
    request: HttpRequest, slug: str | None, message: str, *, status: int
) -> HttpResponse:
    membership = access_space(request.user, slug, need="calendars.view") if slug else None
    context = {**AgendaScope(membership).context(), "message": message}
    return render(request, "calendars/unavailable.html", context, status=status)
