"""Finding a course: the catalogue with its filters, its printed version, a course page, a
session page, and the catalogue in one's calendar app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from training import calendars as training_calendars
from training import policy, selectors
from training.models import (
    Audience,
    Format,
    Level,
    Registration,
    RegistrationStatus,
    Session,
    Theme,
)
from training.selectors import CatalogueFilters


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _filter_choices(courses: Any) -> dict[str, Any]:
    return {
        "audiences": [c for c in Audience.choices if c[0] != Audience.ALL],
        "themes": Theme.choices,
        "formats": Format.choices,
        "levels": Level.choices,
        "communes": selectors.catalogue_communes(courses),
    }


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    filters = CatalogueFilters.from_query(request.GET)
    courses = selectors.published_courses_visible_to(request.user)
    return render(
        request,
        "training/catalogue.html",
        {
            "filters": filters,
            "page": selectors.catalogue_page(
                courses, filters, selectors.page_number(request.GET.get("page"))
            ),
            "choices": _filter_choices(courses),
            "query": query_without_page(request),
            "is_subscribed": selectors.is_subscribed_to_catalogue(request.user),
        },
    )


@login_required
def catalogue_print(request: HttpRequest) -> HttpResponse:
    filters = CatalogueFilters.from_query(request.GET)
    return render(
        request,
        "training/catalogue_print.html",
        {
            "filters": filters,
            "courses": selectors.catalogue_for_print(
                selectors.published_courses_visible_to(request.user), filters
            ),
            "query": query_without_page(request),
        },
    )


@dataclass(frozen=True)
class SessionRow:
    """A session as one viewer sees it, with the buttons they get."""

    session: Session
    seats_left: int
    mine: Registration | None
    can_register: bool
    can_register_others: bool

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0


def _rows(user: Any, sessions: list[Session]) -> list[SessionRow]:
    mine = selectors.active_registrations_by_session(user, sessions)
    manages_organisations = policy.organisations_managed_by(user).exists()
    rows = []
    for session in sessions:
        can_register = policy.can_register(user, session)
        rows.append(
            SessionRow(
                session=session,
                seats_left=selectors.seats_left(session),
                mine=mine.get(session.pk),
                can_register=can_register and session.pk not in mine,
                can_register_others=can_register and manages_organisations,
            )
        )
    return rows


@login_required
def course(request: HttpRequest, space_slug: str, course_slug: str) -> HttpResponse:
    user = request.user
    course = selectors.course_for(user, space_slug, course_slug)
    sessions = selectors.course_upcoming_sessions(course)
    for session in sessions:
        session.course = course
    resources = [r for r in course.resources.all() if policy.can_open_resource(user, r)]
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "rows": _rows(user, sessions),
            "resources": resources,
            "trainers": list(course.trainers.all()),
            "can_manage": policy.can_manage_course(user, course),
            "manage_url": _optional_url("training_space:index", slug=course.space.slug),
        },
    )


def _optional_url(name: str, **kwargs: Any) -> str:
    """A page of the managers' side, when it is installed."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@login_required
def session(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    session = selectors.session_for(user, pk)
    row = _rows(user, [session])[0]
    position = (
        selectors.waiting_position(row.mine)
        if row.mine is not None and row.mine.status == RegistrationStatus.WAITING
        else None
    )
    can_see_registrants = policy.can_see_registrants(user, session)
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "course": session.course,
            "row": row,
            "waiting_position": position,
            "can_join_online": policy.can_join_online(user, session),
            "registrants_url": (
                _optional_url("training_trainer:registrants", pk=session.pk)
                if can_see_registrants
                else ""
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def calendar_subscribe(request: HttpRequest) -> HttpResponse:
    """The catalogue in my calendar: GET explains, POST switches it on or off."""
    user = request.user
    if request.method == "POST":
        subscribed = request.POST.get("abonner") == "1"
        training_calendars.subscribe_catalogue(user=user, subscribed=subscribed)
        messages.success(
            request,
            _("Le catalogue des formations apparaîtra dans votre agenda.")
            if subscribed
            else _("Le catalogue des formations ne sera plus dans votre agenda."),
        )
        return redirect("training:calendar_subscribe")
    return render(
        request,
        "training/calendar.html",
        {
            "is_subscribed": selectors.is_subscribed_to_catalogue(user),
            "links": training_calendars.calendar_links_for(user),
            "dav_url": request.build_absolute_uri("/dav/"),
            "app_passwords_url": reverse("app_passwords"),
        },
    )
