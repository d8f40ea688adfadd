"""Training sessions in people's calendars: the trainer's "Mes sessions de formateur", each
registrant's "Mes formations" and the subscribers' catalogue, all read-only, refreshed after
the services commit; read by real CalDAV clients (caldav, vdirsyncer) and as iCal feeds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import caldav
import icalendar
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from calendars import storage_reader
from calendars.dav.paths import published_link_name
from calendars.policy import dav_rights
from calendars.services.app_passwords import create_app_password
from calendars.services.feeds import create_feed
from tests.calendars.conftest import dav_server  # noqa: F401 - the live Radicale fixture
from tests.conftest import make_user
from tests.support.vdirsyncer import run, write_config
from training import calendars
from training.models import Course, CourseStatus, Reach, RegistrationStatus, Theme
from training.services.registrations import cancel_registration, register
from training.services.sessions import PartInput, cancel_session, create_session, update_session

TRAINER_CALENDAR = "Mes sessions de formateur"
MY_TRAININGS = "Mes formations"
CATALOGUE = "Formations · catalogue"


def parts(days: int = 7, count: int = 1) -> list[PartInput]:
    start = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
    start += timedelta(days=days)
    return [
        PartInput(starts_at=start + timedelta(days=n), ends_at=start + timedelta(days=n, hours=3))
        for n in range(count)
    ]


def new_session(editor: Any, course: Course, trainer: Any, **fields: Any) -> Any:
    return create_session(
        user=editor,
        course=course,
        parts=fields.pop("parts", parts()),
        capacity=fields.pop("capacity", 5),
        trainer=trainer,
        place_name="Espace numérique de Mauriac",
        commune="Mauriac",
        **fields,
    )


def calendar(user: Any, key: str) -> dict[str, str] | None:
    """Summary → UID of the events in the linked calendar ``key`` of ``user``'s home, or None
    when the home has no such calendar."""
    collection = published_link_name(key)
    if collection not in {c["collection"] for c in storage_reader.home_calendars(user.email)}:
        return None
    snapshot = storage_reader.calendar_snapshot(f"{user.email}/{collection}")
    assert snapshot is not None
    events = {}
    for text in snapshot["items"]:
        for event in icalendar.Calendar.from_ical(text).walk("VEVENT"):
            events[str(event["summary"])] = str(event["uid"])
    return events


def names(user: Any) -> set[str]:
    return {c["name"] for c in storage_reader.home_calendars(user.email)}


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what the services schedule after commit (the refresh task runs at once in tests)."""

    def run(action: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


# --- What each calendar holds -----------------------------------------------------------------


def test_a_new_session_is_in_the_trainers_calendar_until_cancelled(
    course, trainer, editor, run_on_commit
):
    session = run_on_commit(lambda: new_session(editor, course, trainer, parts=parts(count=2)))

    events = calendar(trainer, calendars.trainer_key(trainer.pk))
    assert events == {
        "Réussir ses démarches en ligne (1/2)": f"{session.uid}-1@maillage",
        "Réussir ses démarches en ligne (2/2)": f"{session.uid}-2@maillage",
    }
    assert TRAINER_CALENDAR in names(trainer)

    run_on_commit(lambda: cancel_session(user=editor, session=session, reason="Formateur malade"))
    assert calendar(trainer, calendars.trainer_key(trainer.pk)) == {}


def test_registrants_see_their_confirmed_sessions_only(
    course, trainer, editor, member, reader, run_on_commit
):
    session = run_on_commit(lambda: new_session(editor, course, trainer, capacity=1))
    mine = run_on_commit(lambda: register(user=member, session=session))
    waiting = run_on_commit(lambda: register(user=reader, session=session))
    assert (mine.status, waiting.status) == (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    )

    assert list(calendar(member, calendars.registrant_key(member.pk)) or {}) == [course.title]
    # Waiting is not a seat: nothing lands in the person's calendars until they are promoted.
    assert calendar(reader, calendars.registrant_key(reader.pk)) is None
    assert MY_TRAININGS in names(member)

    # the seat freed goes to the waiting list, and the session with it
    run_on_commit(lambda: cancel_registration(user=member, registration=mine))
    assert calendar(member, calendars.registrant_key(member.pk)) == {}
    assert list(calendar(reader, calendars.registrant_key(reader.pk)) or {}) == [course.title]

    # a cancelled session leaves the registrants' calendars too
    run_on_commit(lambda: cancel_session(user=editor, session=session, reason="Annulée"))
    assert calendar(reader, calendars.registrant_key(reader.pk)) == {}


def test_changing_the_trainer_moves_the_session(course, trainer, editor, run_on_commit):
    other = make_user("autre.formateur@numerique.test", "Omar Formateur")
    session = run_on_commit(lambda: new_session(editor, course, trainer))
    assert calendar(trainer, calendars.trainer_key(trainer.pk))

    run_on_commit(
        lambda: update_session(
            user=editor,
            session=session,
            parts=parts(),
            capacity=5,
            trainer=other,
            place=None,
            place_name=session.place_name,
            address="",
            commune=session.commune,
            online_url="",
            registration_deadline=None,
            notes="",
        )
    )
    assert list(calendar(other, calendars.trainer_key(other.pk)) or {}) == [course.title]
    assert calendar(trainer, calendars.trainer_key(trainer.pk)) == {}  # still a course trainer


def test_the_catalogue_for_subscribers_holds_upcoming_public_sessions(
    space, course, trainer, editor, member, make_session, run_on_commit
):
    hidden = Course.objects.create(
        space=space,
        slug="reserve",
        title="Formation réservée à l'espace",
        summary="Pour les membres.",
        theme=Theme.OFFICE,
        duration_hours=3,
        objectives="Un objectif",
        reach=Reach.SPACE,
        status=CourseStatus.PUBLISHED,
    )
    make_session(of=hidden)
    make_session(days=-90)  # older than the two months the catalogue keeps
    session = run_on_commit(lambda: new_session(editor, course, trainer))

    assert calendars.CATALOGUE_KEY not in {
        link.key for link in calendars.calendar_links_for(member)
    }
    run_on_commit(lambda: calendars.subscribe_catalogue(user=member, subscribed=True))

    assert calendar(member, calendars.CATALOGUE_KEY) == {course.title: f"{session.uid}-1@maillage"}
    assert CATALOGUE in names(member)
    snapshot = storage_reader.calendar_snapshot(
        f"{member.email}/{published_link_name(calendars.CATALOGUE_KEY)}"
    )
    assert snapshot is not None
    assert "TRANSP:TRANSPARENT" in snapshot["items"][0]  # nobody looks busy because of it
    links = {link.key: link for link in calendars.calendar_links_for(member)}
    assert links[calendars.CATALOGUE_KEY].name == CATALOGUE
    assert links[calendars.CATALOGUE_KEY].collection == "publie-formation-catalogue"

    run_on_commit(lambda: calendars.subscribe_catalogue(user=member, subscribed=False))
    assert calendar(member, calendars.CATALOGUE_KEY) is None
    assert dav_rights(member, f"{member.email}/publie-formation-catalogue") == ""


def test_a_refresh_is_idempotent_and_a_rolled_back_change_refreshes_nothing(
    course, trainer, editor, run_on_commit, django_capture_on_commit_callbacks
):
    session = run_on_commit(lambda: new_session(editor, course, trainer))
    path = f"{trainer.email}/{published_link_name(calendars.trainer_key(trainer.pk))}"
    before = storage_reader.calendar_snapshot(path)
    assert before is not None

    calendars.refresh(session_ids=[session.pk], user_ids=[trainer.pk])
    assert storage_reader.calendar_snapshot(path) == before

    class Abort(Exception):
        pass

    with (
        pytest.raises(Abort),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        new_session(editor, course, trainer)
        raise Abort
    assert callbacks == []
    assert storage_reader.calendar_snapshot(path) == before


# --- Who reads what ---------------------------------------------------------------------------


def test_each_calendar_is_read_by_its_owner_only(
    course, trainer, editor, member, space_admin, run_on_commit
):
    run_on_commit(lambda: new_session(editor, course, trainer))
    key = calendars.trainer_key(trainer.pk)
    own = f"{trainer.email}/{published_link_name(key)}"
    assert dav_rights(trainer, own) == "rdlo"

    # nobody else, through the trainer's home or a guessed link in their own, nor the storage
    for user in (member, space_admin, editor):
        assert dav_rights(user, own) == ""
        assert dav_rights(user, f"{user.email}/{published_link_name(key)}") == ""
        assert dav_rights(user, f"published/{key}") == ""
    assert dav_rights(trainer, f"published/{key}") == ""
    assert dav_rights(trainer, f"{trainer.email}/publie-formation-catalogue") == ""
    assert dav_rights(trainer, f"{trainer.email}/publie-formation-inscrit-{member.pk}") == ""
    assert not calendars.can_read(trainer, "formation-formateur-x")

    trainer.is_active = False
    trainer.save(update_fields=["is_active"])
    assert not calendars.can_read(trainer, key)


def test_the_trainers_ical_feed_lists_the_session(client, course, trainer, editor, run_on_commit):
    session = run_on_commit(lambda: new_session(editor, course, trainer))
    (link,) = calendars.calendar_links_for(trainer)
    assert (link.name, link.collection) == (
        TRAINER_CALENDAR,
        "publie-formation-formateur-" + str(trainer.pk),
    )
    _feed, secret = create_feed(user=trainer, collection=link.collection, label=link.name)

    response = client.get(reverse("calendar_feeds:feed", kwargs={"secret": secret}))

    assert response.status_code == 200
    feed = icalendar.Calendar.from_ical(response.content)
    (event,) = feed.walk("VEVENT")
    assert str(event["summary"]) == course.title
    assert str(event["uid"]) == f"{session.uid}-1@maillage"
    assert str(event["location"]) == "Espace numérique de Mauriac, Mauriac"

    run_on_commit(lambda: cancel_session(user=editor, session=session, reason="Annulée"))
    feed = icalendar.Calendar.from_ical(
        client.get(reverse("calendar_feeds:feed", kwargs={"secret": secret})).content
    )
    assert feed.walk("VEVENT") == []


# --- Acceptance: real CalDAV clients ----------------------------------------------------------


def _summaries(folder: Path) -> set[str]:
    found = set()
    for path in folder.glob("*.ics"):
        for event in icalendar.Calendar.from_ical(path.read_text(encoding="utf-8")).walk("VEVENT"):
            found.add(str(event["summary"]))
    return found


def _caldav_summaries(url: str, auth: tuple[str, str]) -> set[str]:
    client = caldav.DAVClient(url=url, username=auth[0], password=auth[1])
    (trainer_calendar,) = [
        c for c in client.principal().calendars() if c.get_display_name() == TRAINER_CALENDAR
    ]
    return {
        str(component["summary"])
        for event in trainer_calendar.events()
        for component in event.icalendar_instance.walk("VEVENT")
    }


@pytest.mark.slow
@pytest.mark.parametrize("dav_server", ["database", "file"], indirect=True)
def test_a_session_reaches_real_clients_within_one_sync_and_leaves_when_cancelled(
    dav_server,  # noqa: F811
    tmp_path,
    client,
    course,
    trainer,
    editor,
):
    """The acceptance path: a manager creates a session in the web app, the trainer's phone
    (vdirsyncer, the caldav library) has it after one sync; cancelled in the web app, it is
    gone at the next sync."""
    _app_password, secret = create_app_password(user=trainer, name="vdirsyncer")
    auth = (trainer.email, secret)
    first = new_session(editor, course, trainer)  # the trainer's calendar exists from now on
    local = tmp_path / "agendas"
    local.mkdir()
    config = write_config(
        tmp_path,
        pair="agendas",
        storage_type="caldav",
        url=dav_server,
        username=trainer.email,
        password=secret,
        local=local,
        fileext=".ics",
    )
    run(config, "discover", "agendas")
    run(config, "sync", "agendas")
    folder = local / published_link_name(calendars.trainer_key(trainer.pk))
    assert _summaries(folder) == {course.title}

    second_course = Course.objects.create(
        space=course.space,
        slug="securite",
        title="Sécurité numérique au quotidien",
        summary="Mots de passe, sauvegardes.",
        theme=Theme.SECURITY,
        duration_hours=3,
        objectives="Choisir un mot de passe",
        reach=Reach.TERRITORY,
        status=CourseStatus.PUBLISHED,
    )
    second_course.trainers.add(trainer)
    client.force_login(editor)
    day = (timezone.localdate() + timedelta(days=14)).isoformat()
    created = client.post(
        reverse("training_space:session_create", args=[course.space.slug, second_course.slug]),
        {
            "parts-TOTAL_FORMS": "1",
            "parts-INITIAL_FORMS": "0",
            "parts-MIN_NUM_FORMS": "1",
            "parts-MAX_NUM_FORMS": "20",
            "parts-0-day": day,
            "parts-0-start": "14:00",
            "parts-0-end": "17:00",
            "capacity": "10",
            "trainer": str(trainer.pk),
            "place_name": "Médiathèque de Riom",
            "commune": "Riom",
            "status": "open",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    second = second_course.sessions.get()

    assert _caldav_summaries(dav_server, auth) == {course.title, second_course.title}
    run(config, "sync", "agendas")
    assert _summaries(folder) == {course.title, second_course.title}

    cancelled = client.post(
        reverse("training_space:session_cancel", args=[course.space.slug, second.pk]),
        {"reason": "Salle indisponible"},
    )
    assert cancelled.status_code == 302

    assert _caldav_summaries(dav_server, auth) == {course.title}
    run(config, "sync", "agendas")
    assert _summaries(folder) == {course.title}
    assert first.pk  # the first session stayed throughout


@pytest.mark.slow
def test_the_web_agenda_shows_a_trainers_calendar_read_only(
    dav_server,  # noqa: F811 - the live Radicale fixture
    client,
    course,
    trainer,
    editor,
    run_on_commit,
):
    run_on_commit(lambda: new_session(editor, course, trainer))
    collection = published_link_name(calendars.trainer_key(trainer.pk))
    client.force_login(trainer)

    listing = client.get(reverse("agenda:calendars")).content.decode()
    assert "Agendas publiés pour moi" in listing
    assert TRAINER_CALENDAR in listing
    week = client.get(reverse("agenda:list")).content.decode()
    assert course.title in week

    # Neither renamed nor deleted from the web, and never offered as a target for new events.
    kwargs = {"collection": collection}
    assert client.post(reverse("agenda:calendar_delete", kwargs=kwargs)).status_code == 404
    renamed = client.post(
        reverse("agenda:calendar_edit", kwargs=kwargs), {"name": "Piraté", "color": "#000000"}
    )
    assert renamed.status_code == 404
    form = client.get(reverse("agenda:event_create")).content.decode()
    assert f'value="{collection}"' not in form
    assert TRAINER_CALENDAR in names(trainer)
