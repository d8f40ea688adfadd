"""The space's training pages (/s/<slug>/formations/…) through the real URL conf: who gets
in, and what managers create, change, publish and cancel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation, OrganisationKind
from extranet.models import Membership, Notification, PublicationRequest
from extranet.portal.services import approve_publication
from tests.extranet.portal.public_fixtures import general_admin  # noqa: F401
from training.models import (
    Course,
    CourseResource,
    CourseStatus,
    Registration,
    RegistrationStatus,
    ResourceKind,
    Session,
    SessionStatus,
)
from training.publishing import propose_course

pytestmark = pytest.mark.django_db


def _space_url(name: str, course: Course, **kwargs: object) -> str:
    return reverse(f"training_space:{name}", kwargs={"slug": course.space.slug, **kwargs})


ROUTES = {
    "index": lambda c, s: _space_url("index", c),
    "course": lambda c, s: _space_url("course", c, course_slug=c.slug),
    "course_create": lambda c, s: _space_url("course_create", c),
    "course_edit": lambda c, s: _space_url("course_edit", c, course_slug=c.slug),
    "resource_add": lambda c, s: _space_url("resource_add", c, course_slug=c.slug),
    "session_create": lambda c, s: _space_url("session_create", c, course_slug=c.slug),
    "session_edit": lambda c, s: _space_url("session_edit", c, pk=s.pk),
    "session_cancel": lambda c, s: _space_url("session_cancel", c, pk=s.pk),
}
# What each role gets on the pages above: the space's editors write; members and readers see
# the list of courses and are refused the rest; everyone else learns nothing (404).
EXPECTED = {
    "space_admin": dict.fromkeys(ROUTES, 200),
    "editor": dict.fromkeys(ROUTES, 200),
    "member": {name: 200 if name == "index" else 403 for name in ROUTES},
    "reader": {name: 200 if name == "index" else 403 for name in ROUTES},
    "outsider": dict.fromkeys(ROUTES, 404),
    "staff": dict.fromkeys(ROUTES, 404),
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("route", list(ROUTES))
def test_access_by_role(client, request, role, route, course, session):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(ROUTES[route](course, session))
    assert response.status_code == EXPECTED[role][route]


def test_anonymous_is_sent_to_login(client, course):
    response = client.get(ROUTES["index"](course, None))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_space_tab_shows_for_readers(client, reader, course):
    client.force_login(reader)
    response = client.get(reverse("spaces:home", kwargs={"slug": course.space.slug}))
    assert reverse("training_space:index", kwargs={"slug": course.space.slug}) in (
        response.content.decode()
    )


def _draft(space, title: str = "Tableur pour débutants", slug: str = "tableur") -> Course:
    return Course.objects.create(
        space=space,
        slug=slug,
        title=title,
        summary="Premiers calculs.",
        theme="office",
        duration_hours=2,
        objectives="Faire une somme",
    )


def test_index_shows_drafts_to_managers_only(client, editor, member, course):
    _draft(course.space)
    client.force_login(editor)
    assert "Tableur pour débutants" in client.get(ROUTES["index"](course, None)).content.decode()
    client.force_login(member)
    page = client.get(ROUTES["index"](course, None)).content.decode()
    assert "Tableur pour débutants" not in page
    assert course.title in page


# --- courses ----------------------------------------------------------------------------------

COURSE_POST = {
    "title": "Sécuriser son smartphone",
    "summary": "Verrouillage, sauvegardes, applications.",
    "description": "",
    "audience": "citizens",
    "theme": "mobile",
    "level": "beginner",
    "duration_hours": "2.5",
    "format": "onsite",
    "prerequisites": "",
    "objectives": "Verrouiller son téléphone\nSauvegarder ses photos",
    "reach": "territory",
}


def test_editor_creates_a_draft_course_with_trainers(client, editor, member, trainer, course):
    client.force_login(editor)
    data = {**COURSE_POST, "trainers": [member.pk], "trainer_email": trainer.email.upper()}
    response = client.post(ROUTES["course_create"](course, None), data)
    created = Course.objects.get(title="Sécuriser son smartphone")
    assert response.status_code == 302
    assert response["Location"] == _space_url("course", created, course_slug=created.slug)
    assert created.status == CourseStatus.DRAFT
    assert created.space == course.space
    assert set(created.trainers.all()) == {member, trainer}
    assert created.audience == "citizens"
    assert str(created.duration_hours) == "2.5"


def test_trainer_choices_are_the_space_members(client, editor, member, outsider, course):
    client.force_login(editor)
    page = client.get(ROUTES["course_create"](course, None)).content.decode()
    assert member.full_name in page
    assert outsider.full_name not in page


def test_invalid_course_keeps_what_was_typed(client, editor, course):
    client.force_login(editor)
    data = {**COURSE_POST, "title": "", "duration_hours": "9999", "trainer_email": "x@nowhere.test"}
    response = client.post(ROUTES["course_create"](course, None), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Course.objects.filter(summary=COURSE_POST["summary"]).exists()
    assert "Verrouillage, sauvegardes, applications." in page
    assert "x@nowhere.test" in page
    assert "Aucun compte actif n&#x27;utilise cette adresse" in page
    assert 'id="id_title_error"' in page


def test_editor_edits_a_course(client, editor, trainer, course):
    client.force_login(editor)
    data = {**COURSE_POST, "title": "Démarches en ligne pas à pas", "trainers": [trainer.pk]}
    response = client.post(ROUTES["course_edit"](course, None), data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Démarches en ligne pas à pas"
    assert course.slug == "demarches-en-ligne"  # the address stays
    assert list(course.trainers.all()) == [trainer]


def test_edit_form_keeps_a_trainer_who_is_not_a_member(client, editor, trainer, course):
    client.force_login(editor)
    page = client.get(ROUTES["course_edit"](course, None)).content.decode()
    assert trainer.full_name in page
    assert f'value="{trainer.pk}"' in page


def test_publish_and_archive(client, editor, course):
    draft = _draft(course.space)
    client.force_login(editor)
    url = _space_url("course_status", draft, course_slug=draft.slug)
    client.post(url, {"status": "published"})
    draft.refresh_from_db()
    assert draft.status == CourseStatus.PUBLISHED
    client.post(url, {"status": "archived"})
    draft.refresh_from_db()
    assert draft.status == CourseStatus.ARCHIVED
    response = client.post(url, {"status": "lost"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == CourseStatus.ARCHIVED
    assert "Cet état n&#x27;est pas possible ici." in response.content.decode()


def test_status_change_is_post_only(client, editor, course):
    client.force_login(editor)
    assert (
        client.get(_space_url("course_status", course, course_slug=course.slug)).status_code == 405
    )


# --- resources --------------------------------------------------------------------------------


def _document(space, user, name: str = "fiche-mots-de-passe.txt"):
    from documents.services.documents import upload_documents

    membership = Membership.objects.get(space=space, user=user)
    (document,) = upload_documents(
        membership=membership, files=[ContentFile(b"Un bon mot de passe.", name=name)]
    )
    return document


def test_add_a_link_and_a_space_document(client, editor, course):
    document = _document(course.space, editor)
    client.force_login(editor)
    url = ROUTES["resource_add"](course, None)
    page = client.get(url).content.decode()
    assert document.title in page
    client.post(url, {"kind": "link", "title": "Guide", "url": "https://cyber.gouv.fr/"})
    client.post(url, {"kind": "document", "title": "Fiche", "document": document.pk})
    resources = list(course.resources.all())
    assert [(r.kind, r.title) for r in resources] == [
        (ResourceKind.LINK, "Guide"),
        (ResourceKind.DOCUMENT, "Fiche"),
    ]
    assert resources[1].document == document
    page = client.get(ROUTES["course"](course, None)).content.decode()
    assert "https://cyber.gouv.fr/" in page
    assert (
        reverse("documents:detail", kwargs={"slug": course.space.slug, "pk": document.pk}) in page
    )


def test_a_document_of_another_space_is_refused(client, editor, outsider, other_space, course):
    foreign = _document(other_space, outsider, "secret.txt")
    client.force_login(editor)
    url = ROUTES["resource_add"](course, None)
    assert foreign.title not in client.get(url).content.decode()
    response = client.post(url, {"kind": "document", "title": "Fiche", "document": foreign.pk})
    assert response.status_code == 400
    assert not course.resources.exists()


def test_resource_form_errors(client, editor, course):
    client.force_login(editor)
    response = client.post(
        ROUTES["resource_add"](course, None), {"kind": "link", "title": "Sans adresse"}
    )
    assert response.status_code == 400
    assert "Indiquez l&#x27;adresse web du lien ou du tutoriel." in response.content.decode()
    assert "Sans adresse" in response.content.decode()


def test_remove_a_resource(client, editor, course):
    resource = CourseResource.objects.create(
        course=course, kind=ResourceKind.LINK, title="Guide", url="https://cyber.gouv.fr/"
    )
    client.force_login(editor)
    url = _space_url("resource_delete", course, course_slug=course.slug, pk=resource.pk)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not course.resources.exists()


# --- sessions ---------------------------------------------------------------------------------


@pytest.fixture
def places(db):
    ict = OrganisationKind.objects.get(code="espace-numerique")
    other = OrganisationKind.objects.exclude(code="espace-numerique").first()
    return {
        # Alphabetically first, but not an ICT access place: must come after them.
        "mairie": Organisation.objects.create(kind=other, name="Arches — Mairie", commune="Arches"),
        "epn": Organisation.objects.create(
            kind=ict, name="Espace numérique du Vignon", commune="Riom", address="2 rue Haute"
        ),
    }


def _session_post(day: str, **extra: str) -> dict[str, str]:
    return {
        "parts-TOTAL_FORMS": "3",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "1",
        "parts-MAX_NUM_FORMS": "20",
        "parts-0-day": day,
        "parts-0-start": "09:30",
        "parts-0-end": "12:30",
        "parts-1-day": "",
        "parts-1-start": "",
        "parts-1-end": "",
        "parts-2-day": "",
        "parts-2-start": "",
        "parts-2-end": "",
        "capacity": "8",
        "trainer": "",
        "registration_deadline": "",
        "place": "",
        "place_name": "",
        "address": "",
        "commune": "",
        "online_url": "",
        "notes": "",
        **extra,
    }


def _future_day(days: int = 20) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_session_form_offers_ict_places_first(client, editor, course, places):
    client.force_login(editor)
    page = client.get(ROUTES["session_create"](course, None)).content.decode()
    assert page.index("Espace numérique du Vignon") < page.index("Arches — Mairie")


def test_create_a_two_part_session_at_a_directory_place(client, editor, trainer, course, places):
    client.force_login(editor)
    day1, day2 = _future_day(20), _future_day(21)
    data = _session_post(
        day1,
        **{"parts-1-day": day2, "parts-1-start": "14:00", "parts-1-end": "17:00"},
        place=str(places["epn"].pk),
        trainer=str(trainer.pk),
        registration_deadline=f"{_future_day(18)}T18:00",
    )
    response = client.post(ROUTES["session_create"](course, None), data)
    assert response.status_code == 302, response.content.decode()
    created = Session.objects.get(course=course)
    parts = list(created.parts.order_by("starts_at"))
    assert [timezone.localtime(p.starts_at).strftime("%Y-%m-%d %H:%M") for p in parts] == [
        f"{day1} 09:30",
        f"{day2} 14:00",
    ]
    assert created.place == places["epn"]
    assert created.place_name == "Espace numérique du Vignon"
    assert created.commune == "Riom"
    assert created.trainer == trainer
    assert created.capacity == 8
    assert created.status == SessionStatus.OPEN
    assert timezone.localtime(created.registration_deadline).strftime("%H:%M") == "18:00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"parts-0-end": "08:00"}, "La fin doit suivre le début."),
        (
            {"parts-0-day": "", "parts-0-start": "", "parts-0-end": ""},
            "Veuillez soumettre au moins 1 formulaire.",
        ),
        ({"place_name": ""}, "Choisissez un lieu de l&#x27;annuaire ou indiquez le nom du lieu."),
        ({"capacity": "0"}, "supérieure ou égale à 1"),
    ],
    ids=["end-before-start", "no-part", "no-place", "no-seat"],
)
def test_session_form_errors_keep_the_input(client, editor, course, change, message):
    client.force_login(editor)
    data = {**_session_post(_future_day(), place_name="Salle des fêtes"), **change}
    data["notes"] = "Apporter son téléphone chargé."
    response = client.post(ROUTES["session_create"](course, None), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert not Session.objects.filter(course=course).exists()
    assert message in page
    assert "Apporter son téléphone chargé." in page


def test_distance_course_needs_a_link(client, editor, course):
    course.format = "distance"
    course.save()
    client.force_login(editor)
    response = client.post(ROUTES["session_create"](course, None), _session_post(_future_day()))
    assert response.status_code == 400
    assert "Une formation à distance ou mixte a besoin d&#x27;un lien." in response.content.decode()
    data = _session_post(_future_day(), online_url="https://visio.example.org/salle")
    assert client.post(ROUTES["session_create"](course, None), data).status_code == 302


def _register(session: Session, n: int, status: str = RegistrationStatus.CONFIRMED) -> list:
    return [
        Registration.objects.create(
            session=session,
            full_name=f"Personne {status} {i}",
            email=f"p{i}-{status}@exemple.test",
            status=status,
        )
        for i in range(n)
    ]


def test_edit_a_session(client, editor, course, make_session):
    session = make_session(days=10, parts=2)
    client.force_login(editor)
    url = ROUTES["session_edit"](course, session)
    page = client.get(url).content.decode()
    assert "Espace numérique de Mauriac" in page
    assert 'name="parts-INITIAL_FORMS" value="2"' in page
    day = timezone.localtime(session.starts_at).date().isoformat()
    # HTML date and time inputs only take ISO values.
    assert f'type="date" name="parts-0-day" value="{day}"' in page
    assert 'type="time" name="parts-0-start" value="09:30"' in page
    data = _session_post(day, place_name="Médiathèque de Mauriac", capacity="12")
    data.update({"parts-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 12
    assert session.place_name == "Médiathèque de Mauriac"
    assert session.parts.count() == 1


def test_capacity_below_the_confirmed_count_is_a_form_error(client, editor, course, session):
    _register(session, 2)
    client.force_login(editor)
    day = timezone.localtime(session.starts_at).date().isoformat()
    data = _session_post(day, place_name="Espace numérique de Mauriac", capacity="1")
    response = client.post(ROUTES["session_edit"](course, session), data)
    assert response.status_code == 400
    assert "ne peut pas être inférieur au nombre de personnes déjà inscrites" in (
        response.content.decode()
    )
    session.refresh_from_db()
    assert session.capacity == 2


def test_cancel_a_session_with_a_reason(client, editor, course, session):
    (registration,) = _register(session, 1)
    client.force_login(editor)
    url = ROUTES["session_cancel"](course, session)
    page = client.get(url).content.decode()
    assert "1 personne inscrite ou en attente sera prévenue" in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    response = client.post(url, {"reason": "Formatrice malade"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancelled_reason == "Formatrice malade"
    registration.refresh_from_db()
    # A cancelled session offers neither edit nor cancel any more.
    page = client.get(ROUTES["course"](course, None)).content.decode()
    assert ROUTES["session_edit"](course, session) not in page
    assert "Formatrice malade" in page


def test_session_of_another_space_is_404_even_for_a_manager(
    client, editor, outsider, other_space, course, make_session
):
    foreign_course = _draft(other_space, slug="ailleurs")
    foreign = make_session(of=foreign_course)
    client.force_login(editor)
    url = reverse(
        "training_space:session_edit", kwargs={"slug": course.space.slug, "pk": foreign.pk}
    )
    assert client.get(url).status_code == 404
    url = reverse(
        "training_space:course", kwargs={"slug": course.space.slug, "course_slug": "ailleurs"}
    )
    assert client.get(url).status_code == 404


# --- session states: announced without registrations, opened, marked as done ----------------

# Each state change as its POST route, the session it applies to, and the state it leads to.
STATE_CHANGES = {
    "session_open": ({"status": SessionStatus.PLANNED}, SessionStatus.OPEN),
    "session_done": ({"days": -1}, SessionStatus.DONE),
}
WRITE_STATUS = {
    "space_admin": 302,
    "editor": 302,
    "member": 403,
    "reader": 403,
    "outsider": 404,
    "staff": 404,
}


@pytest.mark.parametrize("role", list(WRITE_STATUS))
@pytest.mark.parametrize("route", list(STATE_CHANGES))
def test_session_state_changes_by_role(client, request, role, route, course, make_session):
    fields, after = STATE_CHANGES[route]
    session = make_session(**fields)
    before = session.status
    client.force_login(request.getfixturevalue(role))
    response = client.post(_space_url(route, course, pk=session.pk))
    assert response.status_code == WRITE_STATUS[role]
    session.refresh_from_db()
    assert session.status == (after if WRITE_STATUS[role] == 302 else before)


@pytest.mark.parametrize("route", [*STATE_CHANGES, "course_propose"])
def test_state_changes_are_post_only(client, editor, course, session, route):
    client.force_login(editor)
    kwargs = {"course_slug": course.slug} if route == "course_propose" else {"pk": session.pk}
    assert client.get(_space_url(route, course, **kwargs)).status_code == 405


def test_session_form_offers_to_announce_without_opening(client, editor, course):
    client.force_login(editor)
    page = client.get(ROUTES["session_create"](course, None)).content.decode()
    assert "Ouvrir les inscriptions maintenant" in page
    assert "Annoncer la session sans ouvrir les inscriptions" in page
    data = _session_post(_future_day(), place_name="Salle des fêtes", status="planned")
    response = client.post(ROUTES["session_create"](course, None), data, follow=True)
    created = Session.objects.get(course=course)
    assert created.status == SessionStatus.PLANNED
    assert "inscriptions fermées" in response.content.decode()
    # The choice belongs to the creation: the edit page opens registrations with a button.
    page = client.get(ROUTES["session_edit"](course, created)).content.decode()
    assert "Annoncer la session sans ouvrir les inscriptions" not in page
    assert _space_url("session_open", course, pk=created.pk) in page


def test_a_planned_session_is_opened_from_the_course_page(
    client, editor, member, course, make_session
):
    planned = make_session(status=SessionStatus.PLANNED)
    already_open = make_session(days=12)
    client.force_login(editor)
    page = client.get(ROUTES["course"](course, None)).content.decode()
    assert _space_url("session_open", course, pk=planned.pk) in page
    assert _space_url("session_open", course, pk=already_open.pk) not in page

    response = client.post(_space_url("session_open", course, pk=planned.pk), follow=True)
    assert "Inscriptions ouvertes pour cette session." in response.content.decode()
    assert _space_url("session_open", course, pk=planned.pk) not in response.content.decode()
    # Once opened, people can register.
    client.force_login(member)
    client.post(reverse("training:register", kwargs={"pk": planned.pk}))
    assert planned.registrations.filter(user=member, status=RegistrationStatus.CONFIRMED).exists()


def test_opening_twice_says_why_and_changes_nothing(client, editor, course, session):
    client.force_login(editor)
    response = client.post(_space_url("session_open", course, pk=session.pk), follow=True)
    assert "Cet état n&#x27;est pas possible ici." in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN


def test_only_a_started_session_can_be_marked_done(client, editor, course, make_session):
    future = make_session(days=5)
    started = make_session(days=-1)
    client.force_login(editor)
    page = client.get(ROUTES["course"](course, None)).content.decode()
    assert _space_url("session_done", course, pk=started.pk) in page
    assert _space_url("session_done", course, pk=future.pk) not in page
    page = client.get(ROUTES["session_edit"](course, started)).content.decode()
    assert _space_url("session_done", course, pk=started.pk) in page

    # A stale page (or a forged form) for a session yet to come is refused with a reason.
    response = client.post(_space_url("session_done", course, pk=future.pk), follow=True)
    assert "La session n&#x27;a pas encore commencé." in response.content.decode()
    future.refresh_from_db()
    assert future.status == SessionStatus.OPEN

    response = client.post(_space_url("session_done", course, pk=started.pk), follow=True)
    page = response.content.decode()
    assert "Session marquée comme terminée" in page
    started.refresh_from_db()
    assert started.status == SessionStatus.DONE
    # A finished session is no longer edited, cancelled or closed again from the page.
    for route in ("session_edit", "session_cancel", "session_done"):
        assert _space_url(route, course, pk=started.pk) not in page
    # Its registrants stay reachable (attendance is marked after the session).
    assert reverse("training_trainer:registrants", kwargs={"pk": started.pk}) in page


def test_state_change_of_another_space_session_is_404_for_a_manager(
    client, editor, other_space, course, make_session
):
    foreign = make_session(of=_draft(other_space, slug="ailleurs"), days=-1)
    client.force_login(editor)
    url = reverse(
        "training_space:session_done", kwargs={"slug": course.space.slug, "pk": foreign.pk}
    )
    assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == SessionStatus.OPEN


# --- the public portal ------------------------------------------------------------------------


def _propose_url(course: Course) -> str:
    return _space_url("course_propose", course, course_slug=course.slug)


def _pending(course: Course):
    return PublicationRequest.objects.for_source("course", str(course.pk)).pending()


@pytest.mark.parametrize("role", list(WRITE_STATUS))
def test_propose_to_the_portal_by_role(client, request, role, course):
    client.force_login(request.getfixturevalue(role))
    assert client.post(_propose_url(course)).status_code == WRITE_STATUS[role]
    assert _pending(course).exists() == (WRITE_STATUS[role] == 302)


def test_editor_proposes_the_course_and_sees_it_awaits_review(client, editor, course, session):
    client.force_login(editor)
    page = client.get(ROUTES["course"](course, None)).content.decode()
    assert "Pas publié sur le portail." in page
    assert _propose_url(course) in page
    assert reverse("portal_review:mine") in page

    response = client.post(_propose_url(course), follow=True)
    page = response.content.decode()
    assert "est proposée au portail public" in page
    assert "Proposition en attente de relecture" in page
    assert "Mettre à jour la proposition" in page
    (pending,) = _pending(course)
    assert pending.submitted_by == editor
    assert pending.payload["title"] == course.title


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": CourseStatus.DRAFT}, "Publiez d&#x27;abord la formation dans le catalogue"),
        ({"reach": "space"}, "réservée aux membres de l&#x27;espace"),
    ],
    ids=["draft", "space-only"],
)
def test_a_course_unfit_for_the_portal_is_not_proposed(client, editor, course, change, message):
    Course.objects.filter(pk=course.pk).update(**change)
    client.force_login(editor)
    page = client.get(ROUTES["course"](course, None)).content.decode()
    assert _propose_url(course) not in page
    assert "Seule une formation publiée au catalogue pour tout le territoire" in page
    assert reverse("portal_review:mine") in page
    # A forged or stale form gets the portal's reason, and no proposal is made.
    response = client.post(_propose_url(course), follow=True)
    assert message in response.content.decode()
    assert not PublicationRequest.objects.filter(kind="course").exists()


def test_archiving_a_proposed_course_withdraws_its_proposal(client, editor, course):
    client.force_login(editor)
    client.post(_propose_url(course))
    response = client.post(
        _space_url("course_status", course, course_slug=course.slug),
        {"status": "archived"},
        follow=True,
    )
    page = response.content.decode()
    assert "Sa proposition en attente au portail public a été retirée." in page
    assert not _pending(course).exists()
    assert "Dernière proposition : Retirée par son auteur" in page
    assert "reste en ligne" not in page  # nothing was public


def test_keeping_a_course_for_the_space_withdraws_its_proposal(client, editor, trainer, course):
    client.force_login(editor)
    client.post(_propose_url(course))
    data = {**COURSE_POST, "title": course.title, "reach": "space", "trainers": [trainer.pk]}
    response = client.post(ROUTES["course_edit"](course, None), data, follow=True)
    assert "Sa proposition en attente au portail public a été retirée." in (
        response.content.decode()
    )
    assert not _pending(course).exists()


def test_a_public_course_taken_off_the_catalogue_stays_public_until_unpublished(
    client,
    editor,
    course,
    general_admin,  # noqa: F811 (the fixture imported above)
    django_capture_on_commit_callbacks,
):
    snapshot = approve_publication(
        reviewer=general_admin, request=propose_course(user=editor, course=course)
    )
    client.force_login(editor)
    page = client.get(ROUTES["course"](course, None)).content.decode()
    assert "Publié sur le portail (version 1" in page
    assert "reste en ligne" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _space_url("course_status", course, course_slug=course.slug),
            {"status": "draft"},
            follow=True,
        )
    page = response.content.decode()
    assert "la retire : elle en a été prévenue" in page
    assert "Publié sur le portail (version 1" in page
    assert _propose_url(course) not in page
    snapshot.refresh_from_db()
    assert snapshot.is_current
    # The portal's administrators are told once, when the course leaves the public reach.
    told = Notification.objects.filter(recipient=general_admin, topic="portal.unpublish_requested")
    assert told.count() == 1
    assert told.get().url.endswith(f"#publie-{snapshot.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _space_url("course_status", course, course_slug=course.slug), {"status": "archived"}
        )
    assert told.count() == 1
