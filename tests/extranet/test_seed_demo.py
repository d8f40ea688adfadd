from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from extranet.access import access_space
from extranet.activity import describe
from extranet.demo_data import PEOPLE
from extranet.exceptions import MFASetupRequired
from extranet.models import Activity, Invitation, Membership, Space
from extranet.models.spaces import SpaceKind, Visibility
from extranet.roles import Role
from tests.conftest import make_user

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "mot-de-passe-demo"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Space, Membership, Invitation, Activity)
    }


def test_seeding_creates_the_territory():
    seed()

    kinds = set(Space.objects.values_list("kind", flat=True))
    assert {
        SpaceKind.OFFICIALS,
        SpaceKind.TOURISM,
        SpaceKind.CULTURE,
        SpaceKind.HEALTH,
        SpaceKind.TRAINING,
    } <= kinds
    assert Space.objects.filter(visibility=Visibility.LISTED).exists()
    assert Space.objects.filter(visibility=Visibility.PRIVATE).exists()
    assert Space.objects.get(kind=SpaceKind.HEALTH).mfa_required
    assert 18 <= User.objects.count() <= 25
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert Invitation.objects.pending().count() >= 2


def test_every_account_signs_in_with_the_demo_password_and_a_verified_address():
    seed()

    for user in User.objects.all():
        assert user.check_password("mot-de-passe-demo"), user.email
        assert user.email.endswith(".example")
        assert user.emailaddress_set.get().verified


def test_exactly_one_person_belongs_to_no_space():
    seed()

    assert User.objects.filter(memberships__isnull=True).count() == 1


def test_some_people_hold_different_roles_in_several_spaces():
    seed()

    multi = [
        user
        for user in User.objects.prefetch_related("memberships")
        if len({m.role for m in user.memberships.all()}) > 1
    ]
    assert multi


def test_staff_is_a_member_of_no_private_space():
    seed()

    staff = User.objects.get(is_staff=True)
    assert not staff.memberships.filter(space__visibility=Visibility.PRIVATE).exists()


def test_health_space_shows_mfa_enforcement_on_one_member():
    seed()
    health = Space.objects.get(kind=SpaceKind.HEALTH)
    members = [m.user for m in Membership.objects.in_space(health).select_related("user")]

    without_mfa = [user for user in members if not is_mfa_enabled(user)]
    assert len(without_mfa) == 1
    with pytest.raises(MFASetupRequired):
        access_space(without_mfa[0], health.slug)
    with_mfa = next(user for user in members if is_mfa_enabled(user))
    assert access_space(with_mfa, health.slug).space == health


def test_home_pages_have_recent_activity_spread_over_past_days():
    seed()
    now = timezone.now()

    for space in Space.objects.all():
        latest = Activity.objects.in_space(space).first()
        assert latest is not None, space.slug
        assert now - timedelta(days=8) < latest.created_at < now
    moments = Activity.objects.values_list("created_at", flat=True)
    assert min(moments) < now - timedelta(days=7)
    assert all(describe(activity) for activity in Activity.objects.all())


def test_output_lists_accounts_password_and_the_special_cases():
    out = seed()

    for person in PEOPLE:
        assert person.email in out
        assert person.full_name in out
    assert "mot-de-passe-demo" in out
    assert "belongs to no space" in out
    no_mfa = next(line for line in out.splitlines() if "NO MFA" in line)
    nobody = User.objects.get(memberships__isnull=True)
    loner = next(line for line in out.splitlines() if "no space" in line and "@" in line)
    assert nobody.email in loner
    health_member_without_mfa = next(
        m.user
        for m in Membership.objects.filter(space__kind=SpaceKind.HEALTH).select_related("user")
        if not is_mfa_enabled(m.user)
    )
    assert health_member_without_mfa.email in no_mfa


def test_refuses_without_debug_and_writes_nothing(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="production"):
        seed()
    assert not User.objects.exists()
    assert not Space.objects.exists()


def test_if_empty_is_a_no_op_when_an_account_exists():
    make_user("deja@ailleurs.example", "Déjà Là")

    out = seed("--if-empty")

    assert "already exist" in out
    assert len(out.strip().splitlines()) == 1
    assert User.objects.count() == 1
    assert not Space.objects.exists()


def test_if_empty_seeds_an_empty_database():
    seed("--if-empty")

    assert Space.objects.filter(kind=SpaceKind.HEALTH).exists()


def test_second_run_fails_cleanly_without_duplicates():
    seed()
    before = counts()

    with pytest.raises(CommandError, match="already loaded"):
        seed()
    assert counts() == before


def test_a_failure_midway_leaves_nothing_behind(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("extranet.management.commands.seed_demo.create_invitation", broken)

    with pytest.raises(RuntimeError):
        seed()
    assert counts() == dict.fromkeys(counts(), 0)
