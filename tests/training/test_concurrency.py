"""Two people for the last seat at the same instant: one seat, one place on the waiting list.

Runs on PostgreSQL only (SQLite serialises every writer anyway): each thread has its own
connection and transaction, a barrier releases them together, and the seat count is slowed
down so that without the session row lock both would count the same free seat.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_test \
        .venv/bin/pytest tests/training/test_concurrency.py --create-db
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tests.conftest import make_user
from training.models import Registration, RegistrationStatus, Session, SessionStatus
from training.services import registrations as registration_services
from training.services.registrations import cancel_registration, register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is tested on PostgreSQL (DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True)
def slow_seat_count(monkeypatch):
    """Widen the window between counting seats and writing: a missing lock loses the race."""
    count = registration_services.confirmed_count

    def slow(session: Session) -> int:
        value = count(session)
        time.sleep(0.3)
        return value

    monkeypatch.setattr(registration_services, "confirmed_count", slow)


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in threads released at the same instant (each with its own database
    connection); their results, or the exceptions they raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_people_for_the_last_seat_one_seat_one_waiting(make_session):
    for round_ in range(3):
        session = make_session(capacity=1)
        people = [
            make_user(f"course{round_}-{n}@exemple.test", f"Personne {round_}-{n}")
            for n in range(2)
        ]

        results = together([lambda p=p, s=session: register(user=p, session=s) for p in people])

        assert all(isinstance(r, Registration) for r in results), results
        statuses = sorted(
            Registration.objects.filter(session=session).values_list("status", flat=True)
        )
        assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
        session.refresh_from_db()
        assert session.status == SessionStatus.FULL


def test_a_registration_racing_a_cancellation_never_leaves_a_free_seat_unused(make_session):
    session = make_session(capacity=1)
    leaving, arriving = (
        make_user("depart@exemple.test", "Paul Départ"),
        make_user("arrivee@exemple.test", "Anne Arrivée"),
    )
    seat = register(user=leaving, session=session)

    results = together(
        [
            lambda: cancel_registration(user=leaving, registration=seat),
            lambda: register(user=arriving, session=session),
        ]
    )

    assert not any(isinstance(r, Exception) for r in results), results
    # Whoever won the lock, the newcomer ends up with the seat: directly if the cancellation
    # came first, else through the waiting list.
    registration = Registration.objects.get(session=session, user=arriving)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert session.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 1
    session.refresh_from_db()
    assert session.status == SessionStatus.FULL
