"""Training sessions in people's calendars: three kinds of read-only published calendars
(``calendars.services.published_calendars``), each linked into its readers' DAV homes (any
CalDAV client finds them) and readable through an iCal feed URL (calendars' feeds):

- "Formations · catalogue" (key ``formation-catalogue``): every upcoming session of the
  published territory-reach courses, for the people who subscribed (``CatalogueSubscription``).
  Its events are TRANSPARENT: a session one might attend does not make anyone look busy.
- "Mes sessions de formateur" (``formation-formateur-<user id>``): the sessions a person trains.
- "Mes formations" (``formation-inscrit-<user id>``): the sessions where the person holds a
  confirmed registration.

Cancelled sessions leave these calendars (the registrants' e-mails carry the METHOD:CANCEL).
Who reads which calendar is decided by ``training.policy`` (``can_read``), on every request.

Services call ``schedule_refresh`` inside their transaction; after commit a task rebuilds the
catalogue and the calendars of the people concerned from the database, so a refresh is
idempotent and a missed one is repaired by the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from calendars.services import published_calendars
from training import ical, policy
from training.models import (
    CatalogueSubscription,
    CourseStatus,
    Reach,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)

PREFIX = "formation-"
CATALOGUE_KEY = "formation-catalogue"
_PERSONAL_KEY = re.compile(r"formation-(formateur|inscrit)-([0-9]+)")
CATALOGUE_COLOR = "#0e7490"
TRAINER_COLOR = "#b45309"
REGISTRANT_COLOR = "#7c3aed"


def trainer_key(user_id: int) -> str:
    return f"{PREFIX}formateur-{user_id}"


def registrant_key(user_id: int) -> str:
    return f"{PREFIX}inscrit-{user_id}"


def can_read(user: Any, key: str) -> bool:
    """Who may read a training calendar (the DAV rights and the feed URLs ask here)."""
    if key == CATALOGUE_KEY:
        return policy.can_read_catalogue_calendar(user)
    match = _PERSONAL_KEY.fullmatch(key)
    return match is not None and policy.can_read_own_training_calendar(user, int(match[2]))


def register() -> None:
    """Declare the training calendars to the calendars app (from ``registrations``)."""
    published_calendars.register_published_calendars(PREFIX, can_read)


# --- What each calendar holds ---------------------------------------------------------------


def _sessions(queryset: QuerySet[Session]) -> QuerySet[Session]:
    return queryset.select_related("course", "trainer", "place").prefetch_related("parts")


# Past sessions stay in the catalogue calendar this long, like any calendar keeps its past
# (and so no nightly job is needed to take them out: the next refresh after that drops them).
CATALOGUE_KEEPS_PAST = timedelta(days=60)


def catalogue_sessions(*, now: Any = None) -> QuerySet[Session]:
    """Sessions of published territory-reach courses (what any signed-in user sees), from two
    months ago on; cancelled ones are left out."""
    return _sessions(
        Session.objects.filter(
            course__status=CourseStatus.PUBLISHED,
            course__reach=Reach.TERRITORY,
            ends_at__gte=(now or timezone.now()) - CATALOGUE_KEEPS_PAST,
        ).exclude(status=SessionStatus.CANCELLED)
    )


def trainer_sessions(user: Any) -> QuerySet[Session]:
    return _sessions(Session.objects.filter(trainer=user).exclude(status=SessionStatus.CANCELLED))


def registrant_sessions(user: Any) -> QuerySet[Session]:
    registered = Registration.objects.filter(user=user, status=RegistrationStatus.CONFIRMED)
    return _sessions(
        Session.objects.filter(pk__in=registered.values("session_id")).exclude(
            status=SessionStatus.CANCELLED
        )
    )


def _texts(sessions: Iterable[Session], *, transparent: bool = False) -> dict[str, str]:
    """Item key → VCALENDAR text, one per part of each session."""
    texts = {}
    for session in sessions:
        for n, event in enumerate(ical.session_events(session), start=1):
            if transparent:
                event.add("transp", "TRANSPARENT")
            texts[f"session-{session.uid}-{n}"] = ical.calendar_of([event]).to_ical().decode()
    return texts


def _names() -> dict[str, tuple[str, str]]:
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "catalogue": (
                _("Formations · catalogue"),
                _("Les sessions à venir du catalogue des formations (lecture seule)"),
            ),
            "formateur": (
                _("Mes sessions de formateur"),
                _("Les sessions de formation que vous animez (lecture seule)"),
            ),
            "inscrit": (
                _("Mes formations"),
                _("Les sessions de formation où vous êtes inscrit (lecture seule)"),
            ),
        }


# --- Rebuilding (after commit) ----------------------------------------------------------------


def refresh_catalogue() -> None:
    name, description = _names()["catalogue"]
    published_calendars.replace_published_calendar(
        CATALOGUE_KEY,
        name=name,
        color=CATALOGUE_COLOR,
        description=description,
        events=_texts(catalogue_sessions(), transparent=True),
    )


def _is_trainer(user: Any) -> bool:
    return Session.objects.filter(trainer=user).exists() or user.training_courses.exists()


def refresh_user(user: Any) -> None:
    """Rebuild ``user``'s trainer and registrant calendars and make the training links in their
    home exactly the calendars they read. A calendar with nothing left to hold ever (no
    session trained, no registration) is removed."""
    names = _names()
    keys = []
    if CatalogueSubscription.objects.filter(user=user).exists():
        keys.append(CATALOGUE_KEY)
    personal = [
        ("formateur", trainer_key(user.pk), TRAINER_COLOR, _is_trainer(user), trainer_sessions),
        (
            "inscrit",
            registrant_key(user.pk),
            REGISTRANT_COLOR,
            Registration.objects.filter(user=user).exists(),
            registrant_sessions,
        ),
    ]
    for kind, key, color, wanted, sessions in personal:
        if not wanted or not user.is_active:
            published_calendars.delete_published_calendar(key)
            continue
        name, description = names[kind]
        published_calendars.replace_published_calendar(
            key, name=name, color=color, description=description, events=_texts(sessions(user))
        )
        keys.append(key)
    published_calendars.sync_published_links(user.email, keys, prefix=PREFIX)


def refresh(
    *, session_ids: Iterable[int] = (), user_ids: Iterable[int] = (), catalogue: bool = False
) -> None:
    """Rebuild the catalogue (when sessions changed, or when asked: a new subscriber needs it
    to exist before it can be linked) and the calendars of the given users, of the sessions'
    trainers and of their confirmed registrants. Idempotent."""
    session_ids, ids = sorted(set(session_ids)), set(user_ids)
    if session_ids or catalogue:
        refresh_catalogue()
    if session_ids:
        sessions = Session.objects.filter(pk__in=session_ids)
        ids.update(sessions.exclude(trainer=None).values_list("trainer_id", flat=True))
        ids.update(
            Registration.objects.filter(
                session_id__in=session_ids, status=RegistrationStatus.CONFIRMED
            )
            .exclude(user=None)
            .values_list("user_id", flat=True)
        )
    for user in get_user_model().objects.filter(pk__in=ids).order_by("pk"):
        refresh_user(user)


@task()
def refresh_training_calendars(
    *, session_ids: list[int], user_ids: list[int], catalogue: bool = False
) -> None:
    """The task behind ``schedule_refresh`` and ``subscribe_catalogue``."""
    refresh(session_ids=session_ids, user_ids=user_ids, catalogue=catalogue)


def schedule_refresh(*, sessions: Iterable[Session] = (), users: Iterable[Any] = ()) -> None:
    """Call inside the service's transaction: after commit, a task rebuilds the catalogue and
    the calendars of the sessions' trainers and registrants and of ``users`` (a previous
    trainer, a registrant who cancelled). Nothing happens if the transaction rolls back."""
    session_ids = sorted({s.pk for s in sessions})
    user_ids = sorted({u.pk for u in users if u is not None})
    if not session_ids and not user_ids:
        return
    transaction.on_commit(
        lambda: refresh_training_calendars.enqueue(session_ids=session_ids, user_ids=user_ids)
    )


# --- For the pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarLink:
    """A training calendar in the person's home: ``collection`` is its name there (the value
    calendars' feed page takes to make an iCal URL of it), ``name`` what clients show."""

    key: str
    name: str
    collection: str


@transaction.atomic
def subscribe_catalogue(*, user: Any, subscribed: bool) -> None:
    """Put the catalogue calendar in ``user``'s calendars, or take it out."""
    if not policy.is_signed_in(user):
        raise PermissionDenied
    if subscribed:
        CatalogueSubscription.objects.get_or_create(user=user)
    else:
        CatalogueSubscription.objects.filter(user=user).delete()
    user_id = user.pk
    transaction.on_commit(
        lambda: refresh_training_calendars.enqueue(
            session_ids=[], user_ids=[user_id], catalogue=subscribed
        )
    )


def calendar_links_for(user: Any) -> list[CalendarLink]:
    """The training calendars ``user`` reads (catalogue, trainer's, registrant's), for the
    pages that point to them."""
    if not policy.is_signed_in(user):
        return []
    names = _names()
    links = []
    candidates = [
        (CATALOGUE_KEY, "catalogue", CatalogueSubscription.objects.filter(user=user).exists()),
        (trainer_key(user.pk), "formateur", _is_trainer(user)),
        (registrant_key(user.pk), "inscrit", Registration.objects.filter(user=user).exists()),
    ]
    for key, kind, wanted in candidates:
        if wanted and can_read(user, key):
            name = names[kind][0]
            links.append(CalendarLink(key, name, published_calendars.published_link_name(key)))
    return links
