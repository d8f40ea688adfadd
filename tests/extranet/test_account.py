"""My sessions and devices: see them, end one, end all the others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from extranet.models import AuditEvent
from extranet.models.audit import AuditAction
from extranet.services.sessions import describe_user_agent
from tests.conftest import PASSWORD

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
ANDROID = "Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 Chrome/140.0 Mobile Safari/537.36"


def _login(user_agent):
    c = Client(HTTP_USER_AGENT=user_agent)
    response = c.post(reverse("account_login"), {"login": "membre@elus.test", "password": PASSWORD})
    assert response.status_code == 302
    return c


@pytest.mark.django_db
def test_sessions_page_lists_devices_and_ends_others(member):
    laptop, phone = _login(FIREFOX), _login(ANDROID)
    content = laptop.get(reverse("account_security")).content.decode()
    assert "Firefox sur Linux" in content and "Chrome sur Android" in content
    assert "cette session" in content

    response = laptop.post(reverse("account_sessions_end_others"))
    assert response.status_code == 302
    assert phone.get("/").status_code == 302  # signed out
    assert laptop.get("/").status_code == 200
    assert AuditEvent.objects.get(action=AuditAction.SESSION_ENDED).details["sessions"] == 1


@pytest.mark.django_db
def test_end_one_session_but_not_someone_elses(member, reader):
    from allauth.usersessions.models import UserSession

    laptop, phone = _login(FIREFOX), _login(ANDROID)
    other = Client()
    other.post(reverse("account_login"), {"login": "lecteur@elus.test", "password": PASSWORD})
    foreign = UserSession.objects.get(user=reader)
    assert laptop.post(reverse("account_session_end", kwargs={"pk": foreign.pk})).status_code == 404
    assert other.get("/").status_code == 200
    phone_session = UserSession.objects.filter(user=member).order_by("created_at").last()
    assert (
        laptop.post(reverse("account_session_end", kwargs={"pk": phone_session.pk})).status_code
        == 302
    )
    assert phone.get("/").status_code == 302


def test_user_agent_labels():
    assert describe_user_agent(FIREFOX) == "Firefox sur Linux"
    assert describe_user_agent("") == "Navigateur inconnu"
