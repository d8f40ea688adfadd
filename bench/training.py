"""Training catalogue benchmark: catalogue pages, course, session and trainers' pages, SQL
queries per page, registration throughput under concurrency, and the catalogue calendar.

Data (seeded, ``bulk_create``: the figures are about the measured operations, not the set-up):
a territory of 10 spaces, 2,000 users, 300 courses, 3,000 sessions of 1 to 3 parts and 30,000
registrations; one session with 200 registrants, one person with 50 registrations.

1. Pages (``django.test.Client`` in this process, DEBUG off, ``force_login``): the catalogue
   ``/formations/`` (first page, a later page, by theme, by commune, by text) for a user in 1
   space and for a user in 10 spaces; a course page and a session page; the trainer's
   registrants page of the 200-person session and its CSV export; "Mes inscriptions" of the
   person with 50 registrations. p50/p95 per page type and SQL queries per page, then the query
   count of the list pages against the size of what they list (it must not grow).
2. Registration throughput through ``training.services.registrations.register`` (the real
   service: row lock, seat count, audit, after-commit effects queued to a dummy task backend):
   N threads registering different users to different sessions, then N threads racing for the
   same session (the confirmed count is checked against the capacity). On SQLite one writer
   at a time (IMMEDIATE transactions); on PostgreSQL real concurrency on the session row lock.
3. The catalogue calendar (``training.calendars.refresh_catalogue``, written in-process through
   Radicale's storage API): first build, a refresh that changes nothing, and the after-commit
   refresh one registration triggers (``training.calendars.refresh`` for its session: the
   catalogue, the trainer's and every confirmed registrant's calendar).

SQLite always; PostgreSQL too when ``DATABASE_URL`` points to a PostgreSQL server (the
benchmark then works in its own database, ``maillage_bench_training``, created and dropped by
it). Each database runs in a process of its own. Figures are printed, never asserted; the exit
status is 1 only when a page, a registration or a calendar refresh fails (or when the race
confirms a number of people other than the capacity).

Run from the repository root: ``.venv/bin/python bench/training.py [--train-quick]
[--train-courses N] [--train-sessions N] ...`` (or ``bench/run.py --only training``).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import get_ok, load_average, percentile, query_range, setup_django

SEED = 20261208
PG_DATABASE = "maillage_bench_training"
DOMAIN = "bench-formation.example"

COMMUNES = (
    "Melle", "Brioux-sur-Boutonne", "Chef-Boutonne", "Celles-sur-Belle", "Lezay", "Sauzé-Vaussais",
    "Chizé", "Prahecq", "Pamproux", "Rom", "Exoudun", "Bougon", "Chenay", "Sepvret", "Messé",
    "Lorigné", "Clussais-la-Pommeraie", "Pouffonds", "Mairé-Levescault", "Paizay-le-Tort",
    "Sompt", "Tillou", "Vernoux-sur-Boutonne", "Aubigné", "Ardilleux", "Couture-d'Argenson",
    "Fontenille", "Hanc", "Loubillé", "Mazières-sur-Béronne", "Pioussay", "Secondigné",
    "Villefollet", "Asnières-en-Poitou", "Juillé", "Luché-sur-Brioux", "Périgné", "Limalonges",
    "Montalembert", "Mougon",
)  # fmt: skip
TOPICS = (
    "la messagerie", "le traitement de texte", "le tableur", "les démarches en ligne",
    "la sécurité des mots de passe", "le smartphone", "la tablette", "les réseaux sociaux",
    "le site web de la commune", "la visioconférence", "le partage de documents",
    "l'agenda partagé", "la photo numérique", "la facturation électronique", "la téléconsultation",
    "les achats en ligne", "la sauvegarde", "l'hameçonnage", "le cloud", "la réservation en ligne",
)  # fmt: skip
VERBS = ("Découvrir", "Maîtriser", "Bien utiliser", "Premiers pas avec", "Se perfectionner sur")
TEXT_WORDS = ("messagerie", "tableur", "demarches", "smartphone", "securite", "visio", "photo")
FIRST = ("Jeanne", "Louis", "Camille", "Hugo", "Léa", "Rémi", "Inès", "Yves", "Zoé", "Gaël")
LAST = ("Martin", "Bernard", "Durand", "Fontaine", "Lambert", "Gautier", "Pelletier", "Roux")


# --- Options -----------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("training (bench/training.py)")
    group.add_argument("--train-spaces", type=int, default=10, help="spaces (10)")
    group.add_argument("--train-users", type=int, default=2_000, help="users (2000)")
    group.add_argument("--train-courses", type=int, default=300, help="courses (300)")
    group.add_argument("--train-sessions", type=int, default=3_000, help="sessions (3000)")
    group.add_argument(
        "--train-registrations", type=int, default=30_000, help="registrations (30000)"
    )
    group.add_argument(
        "--train-iterations", type=int, default=40, help="timed requests per page type (40)"
    )
    group.add_argument(
        "--train-warmup", type=int, default=3, help="untimed requests per page type first (3)"
    )
    group.add_argument("--train-threads", type=int, default=4, help="registering threads (4)")
    group.add_argument(
        "--train-register-ops",
        type=int,
        default=100,
        help="registrations per thread, different sessions (100)",
    )
    group.add_argument(
        "--train-race-capacity",
        type=int,
        default=40,
        help="capacity of the session the threads race for; each thread tries "
        "capacity registrations (40)",
    )
    group.add_argument(
        "--train-backends",
        default="",
        help="comma-separated: sqlite, postgres (default: sqlite, plus postgres when "
        "DATABASE_URL points to PostgreSQL)",
    )
    group.add_argument(
        "--train-pg-url",
        default="",
        help="PostgreSQL server (default: the server of DATABASE_URL); the benchmark uses "
        f"its own database {PG_DATABASE} there",
    )
    group.add_argument("--train-skip-calendars", action="store_true", help="skip the calendar part")
    group.add_argument(
        "--train-quick",
        action="store_true",
        help="smoke run: a tenth of the data, few requests and registrations",
    )
    group.add_argument("--train-child", default="", help=argparse.SUPPRESS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return parser.parse_args(argv)


def _apply_quick(args: argparse.Namespace) -> None:
    if not args.train_quick:
        return
    args.train_users = min(args.train_users, 400)
    args.train_courses = min(args.train_courses, 30)
    args.train_sessions = min(args.train_sessions, 300)
    args.train_registrations = min(args.train_registrations, 3_000)
    args.train_iterations = min(args.train_iterations, 5)
    args.train_warmup = min(args.train_warmup, 1)
    args.train_register_ops = min(args.train_register_ops, 10)
    args.train_race_capacity = min(args.train_race_capacity, 10)


# --- Data --------------------------------------------------------------------------------------

BIG_SESSION_SIZE = 200
PERSON_REGISTRATIONS = 50


@dataclass
class Data:
    one_space_user: Any
    ten_spaces_user: Any
    trainer: Any
    person: Any
    small_person: Any
    big_session_id: int
    small_session_id: int  # same trainer, ~10 registrants
    course_urls: list[str]
    session_ids: list[int]
    pool_session_ids: list[int]  # empty, capacity 500: throughput
    race_session_id: int
    free_user_ids: list[int]  # registered nowhere: throughput and race
    busy_course_url: str  # the course with the most upcoming sessions
    quiet_course_url: str  # one with a single upcoming session
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _bulk(model: Any, objects: list[Any]) -> list[Any]:
    return list(model.objects.bulk_create(objects, batch_size=2000))


def generate(args: argparse.Namespace) -> Data:  # noqa: C901, PLR0915 (one linear recipe)
    """Spaces through the service, everything else with bulk_create; seat counts and session
    states consistent with what the services would have produced."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from directory.models import Organisation, OrganisationKind
    from extranet.models import Membership
    from extranet.roles import Role
    from extranet.services.spaces import create_space
    from training.models import (
        Attendance,
        Audience,
        Course,
        CourseStatus,
        Format,
        Level,
        Reach,
        Registration,
        RegistrationStatus,
        Session,
        SessionPart,
        SessionStatus,
        Theme,
    )

    started = time.perf_counter()
    rng = random.Random(SEED)  # noqa: S311 (test data)
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    User = get_user_model()  # noqa: N806

    spaces = [
        create_space(name=f"Réseau formation {n:02d}", slug=f"formation-{n:02d}", kind="training")
        for n in range(args.train_spaces)
    ]
    users = _bulk(
        User,
        [
            User(
                email=f"personne-{n:05d}@{DOMAIN}",
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                password="!",  # unusable
            )
            for n in range(args.train_users)
        ],
    )
    one_space_user, ten_spaces_user, trainer, person, small_person = users[:5]
    trainers = users[5:25]
    memberships = [Membership(user=one_space_user, space=spaces[0], role=Role.MEMBER)]
    memberships += [Membership(user=ten_spaces_user, space=s, role=Role.MEMBER) for s in spaces]
    for user in users[2:]:
        for space in rng.sample(spaces, rng.choice((1, 1, 1, 2))):
            memberships.append(Membership(user=user, space=space, role=Role.MEMBER))
    _bulk(Membership, memberships)

    kind = OrganisationKind.objects.order_by("pk").first()
    places = (
        _bulk(
            Organisation,
            [
                Organisation(kind=kind, name=f"Espace numérique de {c}", commune=c)
                for c in COMMUNES[:20]
            ],
        )
        if kind is not None
        else []
    )

    courses = []
    slugs_used: set[tuple[int, str]] = set()
    for n in range(args.train_courses):
        space = spaces[n % len(spaces)]
        topic = rng.choice(TOPICS)
        title = f"{rng.choice(VERBS)} {topic} ({n})"
        slug = f"formation-{n:04d}"
        slugs_used.add((space.pk, slug))
        roll = rng.random()
        status = (
            CourseStatus.PUBLISHED
            if roll < 0.85
            else CourseStatus.DRAFT
            if roll < 0.95
            else CourseStatus.ARCHIVED
        )
        courses.append(
            Course(
                space=space,
                slug=slug,
                title=title,
                summary=f"Une formation pratique pour {topic}, à votre rythme.",
                description=f"Pendant cette formation, on pratique {topic} sur des cas réels.",
                audience=rng.choice(Audience.values),
                theme=rng.choice(Theme.values),
                level=rng.choice(Level.values),
                duration_hours=Decimal(rng.choice(("3", "6", "7", "14"))),
                format=rng.choice(Format.values),
                objectives=f"Comprendre {topic}\nUtiliser {topic} au quotidien",
                reach=Reach.TERRITORY if rng.random() < 0.85 else Reach.SPACE,
                status=status,
            )
        )
    # The trainer's course first: its sessions hold the 200-person session and a small one.
    courses[0].status, courses[0].reach = CourseStatus.PUBLISHED, Reach.TERRITORY
    courses = _bulk(Course, courses)
    _bulk(
        Course.trainers.through,
        [Course.trainers.through(course_id=courses[0].pk, user_id=trainer.pk)]
        + [
            Course.trainers.through(course_id=c.pk, user_id=t.pk)
            for c in courses[1:]
            for t in rng.sample(trainers, rng.choice((1, 1, 2)))
        ],
    )
    course_trainers: dict[int, list[int]] = {c.pk: [] for c in courses}
    for row in Course.trainers.through.objects.values("course_id", "user_id"):
        course_trainers[row["course_id"]].append(row["user_id"])

    # Sessions: a third past, two thirds to come; 1-3 half-day parts on consecutive days.
    # After the catalogue's sessions: the throughput pool's (empty, 500 seats) and the race's.
    sessions, parts_of = [], []
    pool_size = max(args.train_threads * 5, 20)
    open_courses = [
        c for c in courses if c.status == CourseStatus.PUBLISHED and c.reach == Reach.TERRITORY
    ]
    for n in range(args.train_sessions + pool_size + 1):
        if n < 4:
            course = courses[0]
        elif n >= args.train_sessions:
            course = rng.choice(open_courses)
        else:
            course = rng.choice(courses)
        day = now + timedelta(days=rng.randrange(-120, 240))
        if n < 2 or n >= args.train_sessions:
            day = now + timedelta(days=rng.randrange(20, 60))  # upcoming, registrable
        first = day.replace(hour=rng.choice((9, 14)))
        count = rng.choice((1, 1, 2, 3))
        parts = [
            (first + timedelta(days=k), first + timedelta(days=k, hours=3)) for k in range(count)
        ]
        place = rng.choice(places) if places and rng.random() < 0.2 else None
        commune = "" if place else rng.choice(COMMUNES)
        status = SessionStatus.OPEN if first > now else SessionStatus.DONE
        if rng.random() < 0.03 and n >= 4 and n < args.train_sessions:
            status = SessionStatus.CANCELLED
        sessions.append(
            Session(
                course=course,
                trainer_id=trainer.pk if n < 4 else rng.choice(course_trainers[course.pk]),
                place=place,
                place_name="" if place else f"Mairie de {commune}",
                address="" if place else f"{rng.randrange(1, 40)} place de l'Église",
                commune=commune,
                capacity=rng.randrange(8, 25),
                status=status,
                starts_at=parts[0][0],
                ends_at=parts[-1][1],
            )
        )
        parts_of.append(parts)
    sessions[0].capacity = BIG_SESSION_SIZE
    pool = sessions[args.train_sessions : args.train_sessions + pool_size]
    race = sessions[-1]
    for session in pool:
        session.capacity = 500
    race.capacity = args.train_race_capacity
    sessions = _bulk(Session, sessions)
    _bulk(
        SessionPart,
        [
            SessionPart(session=s, starts_at=a, ends_at=b)
            for s, parts in zip(sessions, parts_of, strict=True)
            for a, b in parts
        ],
    )
    catalogue_sessions = sessions[: args.train_sessions]
    pool = sessions[args.train_sessions : args.train_sessions + pool_size]
    race = sessions[-1]
    big, small = catalogue_sessions[0], catalogue_sessions[1]

    # Registrations: 200 for the big session, 50 for the person, ~10 for the small session,
    # the rest spread over the other sessions, never two active ones of a user in a session.
    wanted_free = args.train_threads * (args.train_register_ops + args.train_race_capacity)
    free_users = users[-(wanted_free + args.train_register_ops + 5) :]
    registrants = users[25 : len(users) - len(free_users)]
    if len(registrants) < BIG_SESSION_SIZE:
        raise SystemExit(
            f"--train-users {args.train_users} is too few: the throughput part alone takes "
            f"{len(free_users)} users, and {BIG_SESSION_SIZE + 25} more are needed"
        )
    pairs: list[tuple[Session, Any]] = []
    taken: set[tuple[int, int]] = set()

    def add(session: Session, user: Any) -> bool:
        if (session.pk, user.pk) in taken:
            return False
        taken.add((session.pk, user.pk))
        pairs.append((session, user))
        return True

    for user in rng.sample(registrants, min(BIG_SESSION_SIZE, len(registrants))):
        add(big, user)
    for user in rng.sample(registrants, min(10, len(registrants))):
        add(small, user)
    for session in rng.sample(catalogue_sessions[4:], PERSON_REGISTRATIONS):
        add(session, person)
    for session in rng.sample(catalogue_sessions[4:], 5):
        add(session, small_person)
    others = catalogue_sessions[4:]
    tries = 0
    while len(pairs) < args.train_registrations and tries < args.train_registrations * 3:
        tries += 1
        add(rng.choice(others), rng.choice(registrants))

    confirmed: dict[int, int] = {}
    registrations = []
    for n, (session, user) in enumerate(pairs):
        cancelled = rng.random() < 0.05 and session.pk != big.pk
        if cancelled:
            status = RegistrationStatus.CANCELLED
        elif confirmed.get(session.pk, 0) < session.capacity:
            status = RegistrationStatus.CONFIRMED
            confirmed[session.pk] = confirmed.get(session.pk, 0) + 1
        else:
            status = RegistrationStatus.WAITING
        past = session.ends_at < now
        registrations.append(
            Registration(
                session=session,
                user=user,
                full_name=user.full_name,
                email=user.email,
                registered_by=user,
                status=status,
                created_at=(session.starts_at - timedelta(days=30, minutes=n % 10_000)),
                cancelled_at=now if cancelled else None,
                attendance=(
                    Attendance.PRESENT
                    if past and status == RegistrationStatus.CONFIRMED and rng.random() < 0.85
                    else Attendance.UNKNOWN
                ),
            )
        )
    _bulk(Registration, registrations)
    full = [
        s.pk
        for s in catalogue_sessions
        if s.status == SessionStatus.OPEN and confirmed.get(s.pk, 0) >= s.capacity
    ]
    Session.objects.filter(pk__in=full).update(status=SessionStatus.FULL)

    upcoming = [
        s for s in catalogue_sessions[4:] if s.starts_at > now and s.course.status == "published"
    ]
    visible_courses = open_courses
    upcoming_per_course: dict[int, int] = {}
    for s in upcoming:
        upcoming_per_course[s.course_id] = upcoming_per_course.get(s.course_id, 0) + 1
    by_count = sorted(
        (c for c in visible_courses if upcoming_per_course.get(c.pk)),
        key=lambda c: upcoming_per_course[c.pk],
    )
    space_slug = {s.pk: s.slug for s in spaces}

    def course_url(course: Any) -> str:
        return f"/formations/{space_slug[course.space_id]}/{course.slug}/"

    return Data(
        one_space_user=one_space_user,
        ten_spaces_user=ten_spaces_user,
        trainer=trainer,
        person=person,
        small_person=small_person,
        big_session_id=big.pk,
        small_session_id=small.pk,
        course_urls=[
            course_url(c) for c in rng.sample(visible_courses, min(30, len(visible_courses)))
        ],
        session_ids=[
            s.pk
            for s in rng.sample(upcoming, min(30, len(upcoming)))
            if s.course.reach == Reach.TERRITORY
        ],
        pool_session_ids=[s.pk for s in pool],
        race_session_id=race.pk,
        free_user_ids=[u.pk for u in free_users],
        busy_course_url=course_url(by_count[-1]),
        quiet_course_url=course_url(by_count[0]),
        counts={
            "spaces": len(spaces),
            "users": len(users),
            "courses": len(courses),
            "sessions": len(catalogue_sessions),
            "parts": sum(len(p) for p in parts_of[: args.train_sessions]),
            "registrations": len(registrations),
            "busy course upcoming": upcoming_per_course[by_count[-1].pk],
            "quiet course upcoming": upcoming_per_course[by_count[0].pk],
        },
        seconds=time.perf_counter() - started,
    )


# --- Pages -------------------------------------------------------------------------------------


@dataclass
class PageType:
    label: str
    client: Any
    urls: list[str]
    timings_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def query_text(self) -> str:
        return query_range(self.queries)


def count_queries(client: Any, url: str) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get_ok(client, url)  # caches warmed like any later request
    with CaptureQueriesContext(connection) as captured:
        get_ok(client, url)
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def measure(types: list[PageType], *, warmup: int, iterations: int) -> None:
    """Query counts over the first URLs of each type, then timings in interleaved rounds."""
    for page_type in types:
        try:
            for url in page_type.urls[:5]:
                page_type.queries.append(count_queries(page_type.client, url)[0])
        except Exception:
            page_type.error = traceback.format_exc()
    live = [t for t in types if not t.error]
    for round_ in range(warmup + iterations):
        for page_type in live:
            url = page_type.urls[round_ % len(page_type.urls)]
            started = time.perf_counter()
            page_type.client.get(url)
            if round_ >= warmup:
                page_type.timings_ms.append((time.perf_counter() - started) * 1000)


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def page_types(data: Data) -> list[PageType]:
    from training.models import Theme

    rng = random.Random(SEED + 1)  # noqa: S311
    themes = list(Theme.values)
    communes = rng.sample(COMMUNES, 20)
    types: list[PageType] = []
    for who, user in (("1 space", data.one_space_user), ("10 spaces", data.ten_spaces_user)):
        client = client_for(user)
        types += [
            PageType(f"catalogue ({who})", client, ["/formations/"]),
            PageType(f"catalogue page 3 ({who})", client, ["/formations/?page=3"]),
            PageType(
                f"catalogue theme ({who})", client, [f"/formations/?theme={t}" for t in themes]
            ),
            PageType(
                f"catalogue commune ({who})",
                client,
                [f"/formations/?commune={c}" for c in communes],
            ),
            PageType(
                f"catalogue text ({who})", client, [f"/formations/?q={w}" for w in TEXT_WORDS]
            ),
        ]
    viewer = client_for(data.ten_spaces_user)
    trainer = client_for(data.trainer)
    types += [
        PageType("course page", viewer, data.course_urls),
        PageType(
            "session page", viewer, [f"/formations/sessions/{pk}/" for pk in data.session_ids]
        ),
        PageType(
            f"registrants ({BIG_SESSION_SIZE})",
            trainer,
            [f"/formations/sessions/{data.big_session_id}/participants/"],
        ),
        PageType(
            f"CSV export ({BIG_SESSION_SIZE})",
            trainer,
            [f"/formations/sessions/{data.big_session_id}/export.csv"],
        ),
        PageType(
            f"my registrations ({PERSON_REGISTRATIONS})",
            client_for(data.person),
            ["/formations/mes-inscriptions/"],
        ),
        PageType("trainer: my sessions", trainer, ["/formations/mes-sessions/"]),
    ]
    return types


def scaling_rows(data: Data) -> list[tuple[str, list[tuple[str, int]]]]:
    """SQL statements of the same page listing few and many things: an N+1 shows as growth."""
    trainer, viewer = client_for(data.trainer), client_for(data.ten_spaces_user)
    c = data.counts

    def n(client: Any, url: str) -> int:
        return count_queries(client, url)[0]

    return [
        (
            "course page (upcoming sessions)",
            [
                (str(c["quiet course upcoming"]), n(viewer, data.quiet_course_url)),
                (str(c["busy course upcoming"]), n(viewer, data.busy_course_url)),
            ],
        ),
        (
            "registrants page (registrations)",
            [
                ("~10", n(trainer, f"/formations/sessions/{data.small_session_id}/participants/")),
                (
                    str(BIG_SESSION_SIZE),
                    n(trainer, f"/formations/sessions/{data.big_session_id}/participants/"),
                ),
            ],
        ),
        (
            "CSV export (registrations)",
            [
                ("~10", n(trainer, f"/formations/sessions/{data.small_session_id}/export.csv")),
                (
                    str(BIG_SESSION_SIZE),
                    n(trainer, f"/formations/sessions/{data.big_session_id}/export.csv"),
                ),
            ],
        ),
        (
            "my registrations (registrations)",
            [
                ("5", n(client_for(data.small_person), "/formations/mes-inscriptions/")),
                (
                    str(PERSON_REGISTRATIONS),
                    n(client_for(data.person), "/formations/mes-inscriptions/"),
                ),
            ],
        ),
        (
            "catalogue (user's spaces)",
            [
                ("1", n(client_for(data.one_space_user), "/formations/")),
                ("10", n(viewer, "/formations/")),
            ],
        ),
    ]


def explain_catalogue(data: Data) -> list[tuple[str, float, str]]:
    """The slowest SQL statements of a catalogue page (per statement, ms), for the report."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(data.ten_spaces_user)
    rows = []
    for url in ("/formations/", "/formations/?commune=Melle", "/formations/?q=tableur"):
        get_ok(client, url)
        with CaptureQueriesContext(connection) as captured:
            get_ok(client, url)
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        rows.append((url, float(slowest["time"]) * 1000, slowest["sql"]))
    return rows


# --- Registration throughput -------------------------------------------------------------------


def _register_many(
    jobs: list[list[tuple[int, int]]],
) -> tuple[float, int, list[str], list[float]]:
    """Each thread registers its (user id, session id) pairs through the service; wall time,
    successes, errors and per-registration latencies (ms)."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from training.models import Session
    from training.services.registrations import register

    User = get_user_model()  # noqa: N806
    errors: list[str] = []
    done = [0]
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(jobs))

    def work(pairs: list[tuple[int, int]]) -> None:
        try:
            loaded = [
                (
                    User.objects.get(pk=user_id),
                    Session.objects.select_related("course__space").get(pk=session_id),
                )
                for user_id, session_id in pairs
            ]
            barrier.wait()
            for user, session in loaded:
                started = time.perf_counter()
                try:
                    register(user=user, session=session)
                except Exception as exc:
                    with lock:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    done[0] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(pairs,)) for pairs in jobs]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The barrier releases once every thread has loaded its rows: the load is in the wall time
    # but small (two primary-key reads per registration, before any write).
    return time.perf_counter() - started, done[0], errors, latencies


def _clear_dummy_tasks() -> None:
    from django_tasks import default_task_backend

    results = getattr(default_task_backend, "results", None)
    if isinstance(results, list):
        results.clear()


def throughput(args: argparse.Namespace, data: Data) -> tuple[list[str], bool]:
    from training.models import Registration, RegistrationStatus, Session

    lines, ok = [], True
    threads, ops = args.train_threads, args.train_register_ops
    users = list(data.free_user_ids)
    pool = data.pool_session_ids
    rng = random.Random(SEED + 2)  # noqa: S311

    # Warm-up: one registration in this thread (imports, first statements), not timed.
    _register_many([[(users.pop(), pool[0])]])

    for label, n_threads in (("1 thread", 1), (f"{threads} threads", threads)):
        per = ops if n_threads > 1 else max(ops // 2, 1)
        jobs = [[(users.pop(), rng.choice(pool)) for _ in range(per)] for _ in range(n_threads)]
        _clear_dummy_tasks()
        seconds, done, errors, latencies = _register_many(jobs)
        ok = ok and not errors
        lines.append(
            f"  {label:<11} different sessions: {done:>4} registrations in {seconds:6.2f} s = "
            f"{done / seconds:7.1f} /s; latency p50 {percentile(latencies, 50):6.1f} ms, "
            f"p95 {percentile(latencies, 95):6.1f} ms; errors {len(errors)}"
            + (f" (first: {errors[0]})" if errors else "")
        )

    capacity = args.train_race_capacity
    jobs = [[(users.pop(), data.race_session_id) for _ in range(capacity)] for _ in range(threads)]
    _clear_dummy_tasks()
    seconds, done, errors, latencies = _register_many(jobs)
    registered = Registration.objects.filter(session_id=data.race_session_id)
    confirmed = registered.filter(status=RegistrationStatus.CONFIRMED).count()
    waiting = registered.filter(status=RegistrationStatus.WAITING).count()
    status = Session.objects.get(pk=data.race_session_id).status
    right = confirmed == capacity and waiting == threads * capacity - capacity and not errors
    ok = ok and right
    lines.append(
        f"  {threads} threads, SAME session (capacity {capacity}, {threads * capacity} tries): "
        f"{done} registrations in {seconds:.2f} s = {done / seconds:.1f} /s; latency p50 "
        f"{percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms; "
        f"errors {len(errors)}" + (f" (first: {errors[0]})" if errors else "")
    )
    lines.append(
        f"    at the end: {confirmed} confirmed (capacity {capacity}), {waiting} waiting, "
        f"session state {status!r} -> {'RIGHT' if right else 'WRONG'}"
    )
    return lines, ok


# --- Calendars ---------------------------------------------------------------------------------


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


class QueryCounter:
    """SQL statements run in this thread (CaptureQueriesContext keeps only the last 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._wrapper.__exit__(*exc)


def calendars_part(data: Data) -> list[str]:
    from training import calendars
    from training.models import Registration, RegistrationStatus, Session

    lines = []
    sessions = calendars.catalogue_sessions()
    count = sessions.count()
    with QueryCounter() as first_q:
        first, _ = timed(calendars.refresh_catalogue)
    with QueryCounter() as again_q:
        again, _ = timed(calendars.refresh_catalogue)
    text_s, texts = timed(
        lambda: calendars._texts(calendars.catalogue_sessions(), transparent=True)
    )
    lines.append(
        f"  catalogue calendar, {count} sessions -> {len(texts)} events: first build "
        f"{first:.2f} s ({first_q.count} SQL), refresh with nothing changed {again:.2f} s "
        f"({again_q.count} SQL); making the texts alone (query + iCalendar) {text_s:.2f} s"
    )
    # One session changed (a new SEQUENCE): one event to rewrite.
    Session.objects.filter(pk=data.small_session_id).update(sequence=1)
    with QueryCounter() as changed_q:
        changed, result = timed(calendars.refresh_catalogue)
    lines.append(
        f"  catalogue calendar after one session changed: {changed:.2f} s ({changed_q.count} SQL)"
    )

    # What a session change queues after commit (catalogue + trainer + each confirmed
    # registrant), and what one registration queues: the registrant's own calendar only.
    for label, session_id in (
        ("~10 registrants", data.small_session_id),
        (f"{BIG_SESSION_SIZE} registrants", data.big_session_id),
    ):
        people = Registration.objects.filter(
            session_id=session_id, status=RegistrationStatus.CONFIRMED
        )
        with QueryCounter() as first_q:
            first, _ = timed(lambda s=session_id: calendars.refresh(session_ids=[s]))
        with QueryCounter() as again_q:
            again, _ = timed(lambda s=session_id: calendars.refresh(session_ids=[s]))
        lines.append(
            f"  refresh after a change of a session with {label} ({people.count()} confirmed, "
            f"catalogue + trainer + each registrant): first {first:.2f} s "
            f"({first_q.count} SQL), again {again:.2f} s ({again_q.count} SQL)"
        )
        someone = people.exclude(user=None).values_list("user_id", flat=True).first()
        if someone is not None:
            with QueryCounter() as one_q:
                one, _ = timed(lambda u=someone: calendars.refresh(user_ids=[u]))
            lines.append(
                f"  refresh after one registration to it (the registrant's own calendar): "
                f"{one:.2f} s ({one_q.count} SQL)"
            )
    return lines


# --- Child: one database -----------------------------------------------------------------------


def bootstrap(var_dir: Path, database_url: str) -> None:
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(var_dir / "static"),
        # The services' after-commit tasks (e-mails, calendars) are queued and dropped: the
        # benchmark measures the calendar refresh itself, separately.
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "SEARCH_BACKEND": "whoosh",
        "SEARCH_INDEX_DIR": str(var_dir / "search"),
        "LOG_LEVEL": "WARNING",
        "RADICALE_LOG_LEVEL": "warning",
    }
    for name in ("CALDAV_URL", "RADICALE_STORAGE_DIR", "REDIS_URL"):
        os.environ.pop(name, None)
    if database_url:
        env["DATABASE_URL"] = database_url
    setup_django(str(var_dir), env=env, migrate=True)

    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # manifest storage, DEBUG off


def child(args: argparse.Namespace) -> int:
    import django

    backend = args.train_child
    var_dir = Path(tempfile.mkdtemp(prefix=f"maillage-bench-training-{backend}-"))
    status = 0
    try:
        setup_started = time.perf_counter()
        bootstrap(var_dir, args.train_pg_url if backend == "postgres" else "")
        setup_seconds = time.perf_counter() - setup_started
        from django.db import connection

        version = connection.vendor
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version()" if version == "postgresql" else "SELECT sqlite_version()"
            )
            version = f"{version} {cursor.fetchone()[0].split(' on ')[0]}"
        data = generate(args)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        c = data.counts
        print(f"[{backend}] Maillage bench — training catalogue", flush=True)
        print(
            f"Python {platform.python_version()}, Django {django.get_version()}, {version}, "
            f"{os.cpu_count()} CPU(s); load average at start: {load_average()}"
        )
        print(
            f"Set-up {setup_seconds:.0f} s; data (bulk_create) in {data.seconds:.1f} s: "
            f"{c['spaces']} spaces, {c['users']} users, {c['courses']} courses, {c['sessions']} "
            f"sessions ({c['parts']} parts), {c['registrations']} registrations"
        )
        print()

        types = page_types(data)
        measure(types, warmup=args.train_warmup, iterations=args.train_iterations)
        print(
            f"Pages ({args.train_warmup} warm-up + {args.train_iterations} timed requests per "
            "type, interleaved; the URL varies within a type; test client, DEBUG off)"
        )
        header = f"{'page':<30} | {'URLs':>4} | {'queries':>7} | {'p50 ms':>7} | {'p95 ms':>7}"
        print(header)
        print("-" * len(header))
        for t in types:
            if t.error:
                status = 1
                print(f"{t.label:<30} | {len(t.urls):>4} | {'FAILED':>7} | {'-':>7} | {'-':>7}")
                continue
            print(
                f"{t.label:<30} | {len(t.urls):>4} | {t.query_text:>7} | "
                f"{percentile(t.timings_ms, 50):>7.1f} | {percentile(t.timings_ms, 95):>7.1f}"
            )
        for t in types:
            if t.error:
                print(f"FAILED: {t.label}\n{t.error.rstrip()}")
        print()
        print("SQL queries per page against the size of what it lists (must not grow):")
        for label, counts in scaling_rows(data):
            spread = max(n for _, n in counts) - min(n for _, n in counts)
            verdict = "flat" if spread == 0 else f"+{spread}" if spread <= 2 else "GROWS"
            series = ", ".join(f"{size}: {n}" for size, n in counts)
            print(f"  {label:<36} {series} -> {verdict}")
        print()
        print("Slowest SQL statement of some catalogue pages (user in 10 spaces):")
        for url, ms, sql in explain_catalogue(data):
            print(f"  {url:<28} {ms:7.1f} ms  {sql[:160]}…")
        print()

        print(
            f"Registration throughput (training.services.registrations.register, "
            f"{connection.vendor}; after-commit tasks queued to a dummy backend):"
        )
        lines, ok = throughput(args, data)
        print("\n".join(lines))
        status = status or (0 if ok else 1)
        print()

        if not args.train_skip_calendars:
            print("Calendars (training.calendars, Radicale storage API in-process):", flush=True)
            print("\n".join(calendars_part(data)))
            print()
    except Exception:
        traceback.print_exc()
        status = 1
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up)
            pass
        shutil.rmtree(var_dir, ignore_errors=True)
    return status


# --- Parent: one child per database ------------------------------------------------------------


def _pg_server(args: argparse.Namespace) -> str:
    """The PostgreSQL server to use (no database in the URL), or an empty string."""
    url = args.train_pg_url or os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return ""
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _psql(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _forwarded(args: argparse.Namespace) -> list[str]:
    options = []
    for name in (
        "spaces", "users", "courses", "sessions", "registrations", "iterations", "warmup",
        "threads", "register_ops", "race_capacity",
    ):  # fmt: skip
        options += [f"--train-{name.replace('_', '-')}", str(getattr(args, f"train_{name}"))]
    if args.train_skip_calendars:
        options.append("--train-skip-calendars")
    return options


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = parse_args(argv)
    _apply_quick(args)
    if args.train_child:
        return child(args)
    started = time.perf_counter()
    server = _pg_server(args)
    wanted = [b.strip() for b in args.train_backends.split(",") if b.strip()] or (
        ["sqlite", "postgres"] if server else ["sqlite"]
    )
    statuses: dict[str, int] = {}
    for backend in wanted:
        command = [sys.executable, str(Path(__file__).resolve()), "--train-child", backend]
        command += _forwarded(args)
        if backend == "postgres":
            if not server:
                print("[postgres] skipped: DATABASE_URL (or --train-pg-url) is not PostgreSQL")
                continue
            try:
                _psql(server, f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
                _psql(server, f'CREATE DATABASE "{PG_DATABASE}"')
            except Exception as exc:  # noqa: BLE001
                print(f"[postgres] skipped: {server} unreachable ({exc})")
                continue
            command += ["--train-pg-url", f"{server}/{PG_DATABASE}"]
        print(f"\n{'-' * 30} {backend} {'-' * 30}\n", flush=True)
        try:
            statuses[backend] = subprocess.run(command, check=False).returncode  # noqa: S603
        finally:
            if backend == "postgres":
                try:
                    _psql(server, f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
                except Exception as exc:  # noqa: BLE001
                    print(f"[postgres] could not drop {PG_DATABASE}: {exc}")
    print()
    for backend, status in statuses.items():
        print(f"{backend}: {'ok' if status == 0 else f'FAILED (exit status {status})'}")
    print(f"Load average at the end: {load_average()}")
    print(f"Total: {time.perf_counter() - started:.0f} s")
    return 1 if any(statuses.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
