"""Home, space home and account pages as people see them, with query budgets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from extranet.activity import record_activity
from extranet.roles import Role
from extranet.services.memberships import add_member
from extranet.services.spaces import create_space
from tests.conftest import make_user


@pytest.mark.django_db
def test_login_page_is_french_by_default(client):
    response = client.get(reverse("account_login"))
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Mot de passe" in content


@pytest.mark.django_db
def test_signup_is_closed(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "intrus@exemple.fr",
            "password1": "x-long-password",
            "password2": "x-long-password",
        },
    )
    from extranet.models import User

    assert not User.objects.filter(email="intrus@exemple.fr").exists()
    assert response.status_code in (200, 403)


@pytest.mark.django_db
def test_home_lists_only_my_spaces(client, cast, other_space):
    client.force_login(cast["member"])
    content = client.get("/").content.decode()
    assert "Élus et agents du Pays" in content
    assert "Offices de tourisme" not in content


@pytest.mark.django_db
def test_person_in_no_space_sees_an_explanation(client, db):
    client.force_login(make_user("seul@pays.test"))
    content = client.get("/").content.decode()
    assert "aucun espace" in content


@pytest.mark.django_db
def test_space_list_shows_listed_spaces_but_not_private_ones(client, cast, other_space):
    create_space(
        name="Réseau des bibliothèques", slug="biblio", kind="culture", visibility="listed"
    )
    client.force_login(cast["member"])
    content = client.get("/spaces/").content.decode()
    assert "Réseau des bibliothèques" in content
    assert "Offices de tourisme" not in content


def _populate(user, n_spaces, members_per_space=5):
    for i in range(n_spaces):
        space = create_space(name=f"Espace {i}", slug=f"espace-{i}", kind="project")
        add_member(space=space, user=user, role=Role.MEMBER)
        for j in range(members_per_space):
            other = make_user(f"p{i}-{j}@pays.test", f"Personne {i} {j}")
            add_member(space=space, user=other, role=Role.READER)
            record_activity(space=space, actor=other, verb="member.joined")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/s/espace-0/", "/s/espace-0/members/"])
def test_query_count_does_not_grow_with_spaces_or_members(client, path):
    user = make_user("compteur@pays.test")
    client.force_login(user)
    _populate(user, 1, members_per_space=2)
    client.get(path)  # first request of a session does one-off work (session activity)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _populate_more = [f"espace-{i}" for i in range(1, 12)]
    for i, slug in enumerate(_populate_more, start=1):
        space = create_space(name=f"Espace {i}", slug=slug, kind="project")
        add_member(space=space, user=user, role=Role.MEMBER)
        for j in range(6):
            other = make_user(f"q{i}-{j}@pays.test")
            add_member(space=space, user=other, role=Role.READER)
            record_activity(space=space, actor=other, verb="member.joined")
    from extranet.models import Space

    first = Space.objects.get(slug="espace-0")
    for j in range(10):
        add_member(space=first, user=make_user(f"r{j}@pays.test"), role=Role.READER)
    with CaptureQueriesContext(connection) as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


@pytest.mark.django_db
def test_space_home_query_budget(client, django_assert_max_num_queries, cast):
    client.force_login(cast["member"])
    client.get("/s/elus/")
    with django_assert_max_num_queries(7):
        client.get("/s/elus/")


@pytest.mark.django_db
def test_space_home_shows_activity_and_role(client, cast):
    client.force_login(cast["reader"])
    content = client.get("/s/elus/").content.decode()
    assert "Lecteur" in content
    assert "Marie Membre a rejoint l" in content
    assert "Inviter une personne" not in content


@pytest.mark.django_db
def test_settings_change_is_saved_audited_and_invalid_input_keeps_data(client, cast, space):
    from extranet.models import AuditEvent
    from extranet.models.audit import AuditAction

    client.force_login(cast["space_admin"])
    response = client.post(
        "/s/elus/settings/", {"name": "", "description": "x", "visibility": "listed"}
    )
    assert response.status_code == 400
    space.refresh_from_db()
    assert space.name == "Élus et agents du Pays"
    response = client.post(
        "/s/elus/settings/",
        {"name": "Élus du Pays", "description": "Conseils", "visibility": "listed"},
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.name == "Élus du Pays" and space.visibility == "listed"
    assert (
        AuditEvent.objects.get(action=AuditAction.SPACE_UPDATED).details["name"]["to"]
        == "Élus du Pays"
    )


@pytest.mark.django_db
def test_english_is_available(client, cast):
    client.force_login(cast["member"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "My spaces" in content


@pytest.mark.django_db
def test_security_headers(client, cast):
    client.force_login(cast["member"])
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_staff_creates_space_and_first_admin_is_invited(client, staff):
    from extranet.models import Invitation, Space

    client.force_login(staff)
    response = client.post(
        reverse("space_create"),
        {
            "name": "Maisons de santé",
            "slug": "msp",
            "kind": "health",
            "visibility": "private",
            "admin_email": "dr.roux@msp.test",
        },
    )
    assert response.status_code == 302
    space = Space.objects.get(slug="msp")
    assert space.mfa_required
    assert Invitation.objects.get(space=space).role == Role.ADMIN
    response = client.post(
        reverse("space_create"),
        {"name": "Doublon", "slug": "msp", "kind": "project", "visibility": "private"},
    )
    assert response.status_code == 400
    assert "déjà utilisé" in response.content.decode()


@pytest.mark.django_db
def test_non_staff_cannot_create_spaces(client, cast):
    client.force_login(cast["space_admin"])
    assert client.get(reverse("space_create")).status_code == 403


def test_markdown_shows_typed_html_as_text_also_in_code():
    from extranet.markdown import render_markdown

    html = render_markdown(
        "a <b>x</b> `<script>alert(1)</script>`\n\n    <img src=x onerror=alert(1)>"
    )
    assert "<b>" not in html and "<script>" not in html and "<img" not in html
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
