"""Card freshness: reminders to the owners of stale cards, and the editors' list of them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from directory import tasks
from directory.models import Organisation, OrganisationKind, Person
from directory.services.freshness import TOPIC, remind_stale_cards
from extranet import notifications
from extranet.models import Notification
from extranet.models.notifications import EmailMode
from tests.conftest import make_user

DAY = dt.timedelta(days=1)


@pytest.fixture
def directory_editor(db):
    user = make_user("redaction@annuaire.test", "Rita Rédaction")
    user.groups.add(Group.objects.get(name="Rédaction de l'annuaire"))
    return user


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def old(settings, now):
    """A verification date just past the staleness limit."""
    return now - dt.timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS) - DAY


def make_stale(card, when):
    type(card).objects.filter(pk=card.pk).update(last_verified_at=when)
    card.refresh_from_db()
    return card


def organisation(name="Mairie de Brioux", managers=()):
    org = Organisation.objects.create(
        kind=OrganisationKind.objects.get(code="commune"), name=name, commune="Brioux"
    )
    org.managers.set(managers)
    return org


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    def run(when=None):
        with django_capture_on_commit_callbacks(execute=True):
            return remind_stale_cards(now=when)

    return run


def test_owners_of_stale_cards_are_notified_and_emailed_once(remind, member, reader, now, old):
    card = make_stale(Person.objects.get(user=member), old)
    org = make_stale(organisation(managers=[reader]), old)
    fresh = organisation("Office de tourisme", managers=[reader])

    assert remind(now) == 2

    notes = Notification.objects.filter(topic=TOPIC)
    assert {(n.recipient, n.object_label, n.url) for n in notes} == {
        (member, str(card), card.get_absolute_url()),
        (reader, "Mairie de Brioux", org.get_absolute_url()),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, reader.email])
    message = next(m for m in mail.outbox if m.to == [member.email])
    assert "n'a pas été vérifiée depuis longtemps" in message.subject
    assert f"http://testserver{card.get_absolute_url()}" in message.body
    card.refresh_from_db()
    assert card.stale_reminded_at == now
    fresh.refresh_from_db()
    assert fresh.stale_reminded_at is None

    # The next daily runs within the same staleness period remind nobody again.
    assert remind(now + DAY) == 0
    assert remind(now + 30 * DAY) == 0
    assert notes.count() == 2 and len(mail.outbox) == 2


def test_cards_nobody_owns_are_left_to_the_editors(db, remind, now, old):
    nobody = make_stale(Person.objects.create(first_name="Léa", last_name="Petit"), old)
    orphan = make_stale(organisation(), old)
    gone = make_user("parti@exemple.test", "Parti Ailleurs")
    gone.is_active = False
    gone.save()
    inactive = make_stale(Person.objects.create(first_name="P", last_name="A", user=gone), old)
    managed_by_gone = make_stale(organisation("Foyer rural", managers=[gone]), old)

    assert remind(now) == 0

    assert not Notification.objects.exists() and not mail.outbox
    for card in (nobody, orphan, inactive, managed_by_gone):
        card.refresh_from_db()
        assert card.stale_reminded_at is None


def test_verifying_a_card_resets_its_reminder(remind, settings, member, now, old):
    card = make_stale(Person.objects.get(user=member), old)
    assert remind(now) == 1
    # Verified a week later (what the "my card is up to date" action stores)…
    Person.objects.filter(pk=card.pk).update(
        last_verified_at=now + 7 * DAY, last_verified_by=member, stale_reminded_at=None
    )
    period = dt.timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)
    assert remind(now + period) == 0  # not stale again yet
    # …and stale again a period after that verification: a new reminder.
    assert remind(now + 7 * DAY + period + DAY) == 1
    assert Notification.objects.filter(topic=TOPIC, recipient=member).count() == 2


def test_a_card_still_stale_a_period_later_is_reminded_again(remind, settings, member, now, old):
    make_stale(Person.objects.get(user=member), old)
    period = dt.timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)
    assert remind(now) == 1
    assert remind(now + period - DAY) == 0
    assert remind(now + period + DAY) == 1


def test_the_topic_is_a_preference_emailed_at_once_by_default(
    remind, client, member, now, old, django_capture_on_commit_callbacks
):
    assert TOPIC in {t.name for t in notifications.topics()}
    client.force_login(member)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert "Ma fiche de l&#x27;annuaire" in page or "Ma fiche de l'annuaire" in page
    notifications.set_preference(user=member, topic=TOPIC, email=EmailMode.NONE)
    make_stale(Person.objects.get(user=member), old)

    assert remind(now) == 1

    assert Notification.objects.filter(topic=TOPIC, recipient=member).exists()
    assert not mail.outbox


def test_command_and_task_run_the_reminders(member, old, django_capture_on_commit_callbacks):
    make_stale(Person.objects.get(user=member), old)
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("remind_stale_cards", stdout=out)
    assert "Reminded the owners of 1 card(s)." in out.getvalue()
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.remind_stale_cards.enqueue()
    assert result.return_value == 0


# --- The editors' list ---------------------------------------------------------------------------


def stale_url(**params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("directory:stale_cards") + (f"?{query}" if query else "")


def test_editors_list_stale_cards_oldest_first(client, directory_editor, member, reader, now, old):
    member_card = make_stale(Person.objects.get(user=member), old)
    Person.objects.filter(pk=member_card.pk).update(last_verified_by=directory_editor)
    orphan = make_stale(organisation("Foyer rural"), old - 10 * DAY)
    managed = make_stale(organisation("Mairie de Brioux", managers=[reader]), old - 5 * DAY)
    loner = make_stale(Person.objects.create(first_name="Léa", last_name="Petit"), old - DAY)
    fresh = organisation("Office de tourisme")
    client.force_login(directory_editor)

    page = client.get(stale_url()).content.decode()

    positions = [page.index(f'href="{c.get_absolute_url()}"') for c in (orphan, managed, loner)]
    assert positions == sorted(positions)
    assert page.index(f'href="{loner.get_absolute_url()}"') < page.index(
        f'href="{member_card.get_absolute_url()}"'
    )
    assert fresh.get_absolute_url() not in page
    assert "Rita Rédaction" in page  # who verified the member's card last
    assert "Sans gestionnaire : personne ne sera relancé" in page
    assert "Sans compte : personne ne sera relancé" in page
    assert "4 fiches" in page

    unowned = client.get(stale_url(voir="unowned")).content.decode()
    assert orphan.get_absolute_url() in unowned and loner.get_absolute_url() in unowned
    assert managed.get_absolute_url() not in unowned
    assert member_card.get_absolute_url() not in unowned

    people = client.get(stale_url(voir="people")).content.decode()
    assert loner.get_absolute_url() in people and orphan.get_absolute_url() not in people


def test_the_list_costs_the_same_queries_whatever_its_length(
    client, directory_editor, old, django_assert_max_num_queries
):
    client.force_login(directory_editor)
    verifiers = [make_user(f"v{i}@exemple.test", f"Vérif {i}") for i in range(3)]

    def add(count):
        for i in range(count):
            person = Person.objects.create(
                first_name=f"P{i}", last_name="Test", last_verified_by=verifiers[i % 3]
            )
            make_stale(person, old - i * DAY)
            make_stale(organisation(f"Org {i}", managers=[verifiers[i % 3]]), old - i * DAY)

    add(2)
    with django_assert_max_num_queries(12) as few:
        client.get(stale_url())
    add(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(stale_url())
    assert "Page 1 sur 2" in response.content.decode()
    assert "Page 2 sur 2" in client.get(stale_url(page=2)).content.decode()
