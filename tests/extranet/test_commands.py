"""Operator commands: create_space, add_member, with clear errors and nothing half-done."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from extranet.models import Membership, Space, User


@pytest.mark.django_db
def test_create_space_and_add_member(capsys):
    call_command("create_space", "sante-nord", "--name", "Santé Nord", "--kind", "health")
    space = Space.objects.get(slug="sante-nord")
    assert space.mfa_required
    call_command(
        "add_member",
        "Dr.Roux@msp.test",
        "sante-nord",
        "--role",
        "admin",
        "--password",
        "un-mot-de-passe-sûr",
    )
    user = User.objects.get(email="dr.roux@msp.test")
    assert user.check_password("un-mot-de-passe-sûr")
    assert Membership.objects.get(user=user, space=space).role == "admin"
    assert "new account" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x@y.test", "elus", "--role", "emperor"], "Unknown role"),
        (["pas-une-adresse", "elus"], "not a valid e-mail"),
        (["x@y.test", "nowhere"], "No space"),
        (["membre@elus.test", "elus"], "already member"),
        (["neuf@y.test", "elus", "--password", "123"], "trop court"),
    ],
)
def test_add_member_errors_change_nothing(member, args, message):
    users, memberships = User.objects.count(), Membership.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("add_member", *args)
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)


@pytest.mark.django_db
def test_create_space_errors(space):
    with pytest.raises(CommandError, match="Unknown kind"):
        call_command("create_space", "x", "--name", "X", "--kind", "castle")
    with pytest.raises(CommandError, match="déjà utilisé"):
        call_command("create_space", "elus", "--name", "Doublon", "--kind", "project")
    with pytest.raises(CommandError):
        call_command("create_space", "Pas Un Slug!", "--name", "X", "--kind", "project")
    assert Space.objects.count() == 1


@pytest.mark.django_db
def test_deploy_check_is_clean_with_production_settings(tmp_path):
    import subprocess
    import sys

    env = {
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60 + "-production-secret-for-the-check",
        "ALLOWED_HOSTS": "extranet.pays.example",
        "MAILLAGE_VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
