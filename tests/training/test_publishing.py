"""A course on the public portal: what its managers may propose, what the proposal carries (and
never carries), and what the public sees once a general administrator approved it."""

# ruff: noqa: F811  (fixtures imported from public_fixtures)

from __future__ import annotations

import json
from datetime import timedelta

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from extranet.models import PublicationRequest, PublicSnapshot
from extranet.portal.public.export import export_portal
from extranet.portal.services import NotPublishable, approve_publication
from tests.extranet.portal.public_fixtures import general_admin, portal_storage  # noqa: F401
from training.models import CourseStatus, Reach, Registration, RegistrationStatus, SessionStatus
from training.publishing import course_payload, propose_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(make_session):
    """Two upcoming sessions (one over two half-days), a cancelled one, a past one."""
    first = make_session(
        days=10,
        parts=2,
        place_name="Espace public numérique de Riom",
        address="5 rue des Écoles",
        commune="Riom-ès-Montagnes",
    )
    second = make_session(days=40, commune="Mauriac", online_url="https://visio.example/salle-xyz")
    cancelled = make_session(
        days=20, status=SessionStatus.CANCELLED, place_name="Salle annulée", commune="Ydes"
    )
    past = make_session(days=-30, place_name="Salle d'autrefois", commune="Salers")
    for session in (first, second, cancelled, past):
        Registration.objects.create(
            session=session,
            full_name="Zoé Inscrite",
            email="zoe.inscrite@exemple.test",
            status=RegistrationStatus.CONFIRMED,
        )
    return first, second


def test_payload_never_carries_registrants_trainers_links_or_other_sessions(
    course, sessions, trainer
):
    first, _second = sessions
    text = json.dumps(course_payload(course), ensure_ascii=False)
    for secret in (
        "Zoé Inscrite",
        "zoe.inscrite@",
        trainer.email,
        "Nadia Formatrice",
        "visio.example",
        "Salle annulée",
        "Salle d'autrefois",
        "Salers",
    ):
        assert secret not in text
    data = course_payload(course)
    assert [s["commune"] for s in data["sessions"]] == ["Riom-ès-Montagnes", "Mauriac"]
    assert data["sessions"][0]["place"] == "Espace public numérique de Riom"
    first_part = data["sessions"][0]["parts"][0]
    assert first_part["start"] == timezone.localtime(first.starts_at).isoformat()
    assert first_part["start"][-6] in "+-"  # ISO 8601 with its offset
    assert len(data["sessions"][0]["parts"]) == 2
    assert data["theme"] == "Démarches en ligne"
    assert data["objectives"] == ["Créer un compte France Connect", "Déposer une demande en ligne"]


def test_only_its_managers_propose_a_published_territory_course(
    course, editor, member, outsider, session
):
    with pytest.raises(PermissionDenied):
        propose_course(user=member, course=course)
    with pytest.raises(PermissionDenied):
        propose_course(user=outsider, course=course)
    request = propose_course(user=editor, course=course)
    assert request.kind == "course" and request.space == course.space
    assert request.payload["title"] == course.title


def test_a_space_reach_course_cannot_be_proposed(course, editor, outsider, session):
    course.reach = Reach.SPACE
    course.save()
    with pytest.raises(NotPublishable):
        propose_course(user=editor, course=course)
    # Whoever may not see it cannot even learn that it exists.
    with pytest.raises(Http404):
        propose_course(user=outsider, course=course)
    assert not PublicationRequest.objects.exists()


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_a_draft_or_archived_course_cannot_be_proposed(course, editor, session, status):
    course.status = status
    course.save()
    with pytest.raises(NotPublishable):
        propose_course(user=editor, course=course)
    assert not PublicationRequest.objects.exists()


def _approve(editor, course, general_admin):
    return approve_publication(
        reviewer=general_admin, request=propose_course(user=editor, course=course)
    )


def _get(client, url_name, *args, **kwargs) -> str:
    response = client.get(reverse(url_name, args=args, kwargs=kwargs))
    assert response.status_code == 200, url_name
    return response.content.decode()


def test_approved_course_is_on_the_public_pages_and_feeds(
    client, course, sessions, editor, general_admin, portal_storage, tmp_path
):
    first, second = sessions
    section_url = reverse("portal:section", args=["training"])
    assert course.title not in client.get(section_url).content.decode()

    snapshot = _approve(editor, course, general_admin)

    assert snapshot.commune == "Riom-ès-Montagnes"
    assert snapshot.theme == "Démarches en ligne"
    assert snapshot.starts_at == first.starts_at and snapshot.ends_at == second.ends_at
    assert course.title in _get(client, "portal:section", "training")
    assert course.title in _get(client, "portal:home")
    page = _get(client, "portal:item", "training", snapshot.public_id)
    assert "Espace public numérique de Riom" in page and "Mauriac" in page
    assert "Zoé" not in page and "visio.example" not in page
    # Filters of the section: by commune (the next session's) and by theme.
    by_commune = client.get(section_url, {"commune": "Riom-ès-Montagnes"}).content.decode()
    assert course.title in by_commune
    other_theme = reverse("portal:api_list", kwargs={"name": "training"})
    assert json.loads(client.get(other_theme, {"theme": "Bureautique"}).content)["count"] == 0

    # iCalendar: one event per part of each session, at its place.
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("portal:ics", args=["training"])).content
    )
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    assert len(events) == 3
    assert [e.decoded("DTSTART") for e in events] == [
        *(p.starts_at for p in first.parts.all()),
        *(p.starts_at for p in second.parts.all()),
    ]
    assert "Riom-ès-Montagnes" in str(events[0]["LOCATION"])
    assert len({str(e["UID"]) for e in events}) == 3

    # Month view: the course is on the days of its sessions, not on the days between.
    day = timezone.localtime(first.starts_at)
    month = _get(client, "portal:month", "training", day.year, day.month)
    assert course.title in month

    assert course.title in _get(client, "portal:atom", section="training")
    listing = json.loads(_get(client, "portal:api_list", name="training"))
    (item,) = listing["items"]
    assert item["@type"] == "Course"
    instances = item["hasCourseInstance"]
    assert [i["location"]["address"]["addressLocality"] for i in instances] == [
        "Riom-ès-Montagnes",
        "Mauriac",
    ]
    assert instances[0]["startDate"] == timezone.localtime(first.starts_at).isoformat()
    assert instances[0]["courseMode"] == "onsite"
    assert snapshot.public_id in _get(client, "portal:sitemap")

    summary = export_portal(tmp_path / "export")
    assert not summary.broken_links
    exported = (tmp_path / "export" / "training" / snapshot.public_id / "index.html").read_text()
    assert "Espace public numérique de Riom" in exported


def test_month_view_shows_a_course_on_its_session_days_only(
    client, course, make_session, editor, general_admin, portal_storage
):
    # Two sessions five days apart in the same month.
    base = timezone.localdate() + timedelta(days=35)
    start_day = base.replace(day=3)
    offset = (start_day - timezone.localdate()).days
    make_session(days=offset)
    make_session(days=offset + 5)
    _approve(editor, course, general_admin)
    html = _get(client, "portal:month", "training", start_day.year, start_day.month)
    assert html.count(course.title) == 2  # on two days, not on the four between


def test_editing_changes_nothing_public_until_approved_again(
    client, course, session, editor, general_admin, portal_storage, make_session
):
    snapshot = _approve(editor, course, general_admin)
    old_title = course.title
    course.title = "Démarches en ligne : nouvelle formule"
    course.save()
    make_session(days=60, place_name="Maison France services", commune="Ydes")

    page = _get(client, "portal:item", "training", snapshot.public_id)
    assert old_title in page and "nouvelle formule" not in page and "Ydes" not in page
    assert "Ydes" not in _get(client, "portal:ics", "training")

    pending = propose_course(user=editor, course=course)
    assert "nouvelle formule" not in _get(client, "portal:item", "training", snapshot.public_id)

    approve_publication(reviewer=general_admin, request=pending)
    page = _get(client, "portal:item", "training", snapshot.public_id)
    assert "nouvelle formule" in page and "Ydes" in page
    assert PublicSnapshot.objects.filter(kind="course", is_current=True).count() == 1


def test_a_course_made_a_draft_after_approval_cannot_be_proposed_again(
    client, course, session, editor, general_admin, portal_storage
):
    snapshot = _approve(editor, course, general_admin)
    course.status = CourseStatus.DRAFT
    course.title = "Brouillon secret"
    course.save()
    with pytest.raises(NotPublishable):
        propose_course(user=editor, course=course)
    assert "Brouillon secret" not in _get(client, "portal:item", "training", snapshot.public_id)


def test_the_reviewer_sees_the_sessions_before_approving(
    client, course, sessions, editor, general_admin
):
    request = propose_course(user=editor, course=course)
    client.force_login(general_admin)
    page = client.get(reverse("portal_review:review", kwargs={"pk": request.pk})).content.decode()
    assert "Espace public numérique de Riom" in page and "Riom-ès-Montagnes" in page
    assert "Zoé" not in page
