"""The catalogue, course and session pages, through the real URL conf: what a participant
finds, in how many clicks, what prints, and what outsiders of a space-reach course learn."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation, OrganisationKind
from documents.models import Document
from tests.conftest import make_user
from training.models import (
    Audience,
    Course,
    CourseResource,
    CourseStatus,
    Format,
    Level,
    Reach,
    Registration,
    ResourceKind,
    SessionStatus,
    Theme,
)

CATALOGUE = "/formations/"


def course_url(course: Course) -> str:
    return reverse("training:course", args=[course.space.slug, course.slug])


def make_course(space, slug: str, **fields) -> Course:
    values = {
        "title": slug.replace("-", " ").capitalize(),
        "summary": f"Résumé de {slug}.",
        "theme": Theme.OFFICE,
        "duration_hours": Decimal("2"),
        "objectives": "Savoir faire",
        "status": CourseStatus.PUBLISHED,
        "reach": Reach.TERRITORY,
        **fields,
    }
    return Course.objects.create(space=space, slug=slug, **values)


def titles(response) -> list[str]:
    return re.findall(r'<h3><a href="/formations/[^"]+">([^<]+)</a></h3>', response.text)


@pytest.fixture
def catalogue(space, other_space, course, make_session):
    """Four courses of different kinds; ``course`` (online services, 7 days from now in
    Mauriac) and a tourism course with a session in Salers in 30 days."""
    tourism = make_course(
        other_space,
        "accueil-numerique",
        title="Accueil numérique des visiteurs",
        theme=Theme.TOURISM,
        audience=Audience.TOURISM,
        level=Level.INTERMEDIATE,
        format=Format.BLENDED,
    )
    make_session(of=tourism, days=30, commune="Salers", place_name="Maison du tourisme")
    make_session(of=course, days=7)
    make_course(space, "tableur", title="Tableur pour débutants", audience=Audience.ALL)
    make_course(
        space,
        "securite",
        title="Sécurité du poste",
        theme=Theme.SECURITY,
        audience=Audience.HEALTH,
        format=Format.DISTANCE,
        summary="Mots de passe, sauvegardes, hameçonnage.",
    )
    return tourism


def test_catalogue_lists_courses_with_their_upcoming_sessions(client, member, catalogue):
    client.force_login(member)
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert titles(response) == [
        "Accueil numérique des visiteurs",
        "Réussir ses démarches en ligne",
        "Sécurité du poste",
        "Tableur pour débutants",
    ]
    assert "Salers" in response.text
    assert "2 places restantes" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=tourism", ["Accueil numérique des visiteurs"]),
        # A course for every audience is offered to each audience asked for.
        (
            "public=health",
            ["Réussir ses démarches en ligne", "Sécurité du poste", "Tableur pour débutants"],
        ),
        ("public=tourism&theme=security", []),
        ("modalite=distance", ["Sécurité du poste"]),
        ("niveau=intermediate", ["Accueil numérique des visiteurs"]),
        ("q=hameçonnage", ["Sécurité du poste"]),
        ("q=DÉMARCHES+ligne", ["Réussir ses démarches en ligne"]),
        ("q=demarches", ["Réussir ses démarches en ligne"]),
        ("q=securite+poste", ["Sécurité du poste"]),
        ("q=(a+[", []),
        ("commune=salers", ["Accueil numérique des visiteurs"]),
        ("commune=Mauriac&theme=tourism", []),
        ("theme=n-importe-quoi", None),  # an unknown value is ignored, not an error
    ],
)
def test_filters_narrow_the_catalogue(client, member, catalogue, query, expected):
    client.force_login(member)
    response = client.get(f"{CATALOGUE}?{query}")
    assert response.status_code == 200
    if expected is None:
        assert len(titles(response)) == 4
    else:
        assert titles(response) == expected


def test_date_range_keeps_courses_with_a_session_in_it(client, member, catalogue):
    client.force_login(member)
    today = timezone.localdate()
    soon = (today + timedelta(days=10)).isoformat()
    later = (today + timedelta(days=60)).isoformat()
    response = client.get(f"{CATALOGUE}?du={today.isoformat()}&au={soon}")
    assert titles(response) == ["Réussir ses démarches en ligne"]
    response = client.get(f"{CATALOGUE}?du={soon}&au={later}")
    assert titles(response) == ["Accueil numérique des visiteurs"]
    # The listed sessions are those in the range, not every session of the course.
    assert "Mauriac" not in response.text.split('id="results"')[1]


def test_catalogue_hides_drafts_and_space_courses_from_others(
    client, member, outsider, space, course
):
    make_course(space, "brouillon", title="Brouillon caché", status=CourseStatus.DRAFT)
    make_course(space, "interne", title="Réservée aux élus", reach=Reach.SPACE)
    client.force_login(member)
    assert "Réservée aux élus" in titles(client.get(CATALOGUE))
    assert "Brouillon caché" not in client.get(CATALOGUE).text
    client.force_login(outsider)
    shown = titles(client.get(CATALOGUE))
    assert shown == ["Réussir ses démarches en ligne"]


def test_a_course_is_three_clicks_from_the_home_page(client, member, course):
    client.force_login(member)
    home = client.get("/")
    # 1. the main navigation
    assert f'href="{CATALOGUE}"' in home.text
    # 2. a theme link of the catalogue
    page = client.get(CATALOGUE)
    assert f'href="?theme={course.theme}"' in page.text
    # 3. the course in the theme's list
    themed = client.get(f"{CATALOGUE}?theme={course.theme}")
    assert f'href="{course_url(course)}"' in themed.text
    assert client.get(course_url(course)).status_code == 200


def test_catalogue_is_paginated(client, member, space):
    for n in range(23):
        make_course(space, f"cours-{n:02d}", title=f"Cours {n:02d}")
    client.force_login(member)
    first = client.get(CATALOGUE)
    assert len(titles(first)) == 20
    assert "page=2" in first.text
    second = client.get(f"{CATALOGUE}?page=2")
    assert titles(second) == ["Cours 20", "Cours 21", "Cours 22"]


def test_catalogue_queries_do_not_grow_with_courses(
    client, member, space, make_session, django_assert_max_num_queries
):
    client.force_login(member)
    for n in range(3):
        make_session(of=make_course(space, f"a-{n}"))
    with django_assert_max_num_queries(16) as few:
        client.get(CATALOGUE)
    for n in range(15):
        make_session(of=make_course(space, f"b-{n}"))
        make_session(of=make_course(space, f"c-{n}"), days=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(CATALOGUE)
    assert len(titles(response)) == 20


def test_print_view_lists_every_course_and_session_without_navigation(client, member, catalogue):
    client.force_login(member)
    page = client.get(CATALOGUE)
    assert 'href="/formations/imprimer/"' in page.text
    response = client.get("/formations/imprimer/?theme=tourism")
    assert response.status_code == 200
    assert "Navigation principale" not in response.text
    assert "<form" not in response.text
    assert "Accueil numérique des visiteurs" in response.text
    assert "Salers" in response.text
    assert "Sécurité du poste" not in response.text


def test_pages_carry_a_print_stylesheet_that_hides_filters(client, member, course):
    from django.contrib.staticfiles import finders

    client.force_login(member)
    assert "training/css/training.css" in client.get(CATALOGUE).text
    with open(finders.find("training/css/training.css"), encoding="utf-8") as css:
        rules = css.read().split("@media print", 1)[1]
    assert ".training-filters" in rules and ".training-no-print" in rules


# --- course page ---------------------------------------------------------------------------


def test_course_page_shows_what_a_participant_needs(client, member, course, make_session):
    course.prerequisites = "Savoir utiliser une souris."
    course.save()
    CourseResource.objects.create(
        course=course, kind=ResourceKind.LINK, title="Fiche France Connect", url="https://e.test/"
    )
    open_session = make_session(days=5, capacity=3)
    client.force_login(member)
    response = client.get(course_url(course))
    text = response.text
    assert response.status_code == 200
    assert "Créer un compte France Connect" in text
    assert "Savoir utiliser une souris." in text
    assert "Nadia Formatrice" in text
    assert "Fiche France Connect" in text
    assert "3 places restantes" in text
    assert reverse("training:register", args=[open_session.pk]) in text
    assert "S'inscrire" in html.unescape(text)


def test_full_session_offers_the_waiting_list_with_its_length(client, member, course, make_session):
    full = make_session(capacity=1, status=SessionStatus.FULL)
    Registration.objects.create(
        session=full, full_name="Paul Premier", email="paul@e.test", status="confirmed"
    )
    Registration.objects.create(
        session=full, full_name="Wanda Second", email="wanda@e.test", status="waiting"
    )
    client.force_login(member)
    text = html.unescape(client.get(course_url(course)).text)
    assert "Complète" in text
    assert "1 personne en liste d'attente" in text
    assert "Rejoindre la liste d'attente" in text
    # Other registrants' names are never shown to a participant.
    assert "Paul Premier" not in text and "wanda@e.test" not in text


def test_only_organisation_managers_may_register_a_colleague(
    client, member, reader, course, session
):
    organisation = Organisation.objects.create(
        kind=OrganisationKind.objects.get(code="commune"), name="Mairie de Mauriac"
    )
    organisation.managers.add(member)
    link = reverse("training:register_other", args=[session.pk])
    client.force_login(member)
    assert link in client.get(course_url(course)).text
    client.force_login(reader)
    assert link not in client.get(course_url(course)).text


def test_space_documents_are_linked_only_for_who_may_read_them(
    client, member, outsider, space, course
):
    document = Document.objects.create(space=space, title="Guide interne")
    CourseResource.objects.create(
        course=course, kind=ResourceKind.DOCUMENT, title="Guide du stagiaire", document=document
    )
    CourseResource.objects.create(
        course=course, kind=ResourceKind.TUTORIAL, title="Tutoriel vidéo", url="https://v.test/"
    )
    document_url = reverse("documents:detail", kwargs={"slug": space.slug, "pk": document.pk})
    client.force_login(member)
    text = client.get(course_url(course)).text
    assert document_url in text and "Tutoriel vidéo" in text
    # The course reaches the whole territory; the space's documents do not.
    client.force_login(outsider)
    text = client.get(course_url(course)).text
    assert "Guide du stagiaire" not in text and document_url not in text
    assert "Tutoriel vidéo" in text


@pytest.mark.parametrize("page", ["course", "session"])
def test_outsiders_of_a_space_course_get_the_same_404_as_a_missing_one(
    client, member, outsider, course, session, page
):
    course.reach = Reach.SPACE
    course.save()
    url = course_url(course) if page == "course" else f"/formations/sessions/{session.pk}/"
    missing = (
        "/formations/elus/cours-inexistant/" if page == "course" else "/formations/sessions/0/"
    )
    client.force_login(member)
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    hidden = client.get(url)
    absent = client.get(missing)
    assert hidden.status_code == absent.status_code == 404
    assert course.title not in hidden.text


def test_anonymous_visitors_are_sent_to_log_in(client, course, session):
    for url in (CATALOGUE, course_url(course), f"/formations/sessions/{session.pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_drafts_are_shown_to_their_managers_with_a_warning(client, editor, member, course):
    course.status = CourseStatus.DRAFT
    course.save()
    client.force_login(member)
    assert client.get(course_url(course)).status_code == 404
    client.force_login(editor)
    response = client.get(course_url(course))
    assert response.status_code == 200 and "pas publiée" in response.text


# --- session page ----------------------------------------------------------------------------


def test_session_page_lists_parts_place_and_seats(client, member, make_session):
    two_days = make_session(parts=2, capacity=4, address="2 rue du Marché")
    client.force_login(member)
    response = client.get(f"/formations/sessions/{two_days.pk}/")
    text = response.text
    assert response.status_code == 200
    assert text.count("de 09:30 à 12:30") == 2
    assert "Espace numérique de Mauriac" in text and "2 rue du Marché" in text
    assert "4 places restantes" in text


def test_virtual_classroom_link_is_for_confirmed_registrants(client, member, reader, make_session):
    remote = make_session(online_url="https://visio.test/salle-42", place_name="", commune="")
    Registration.objects.create(
        session=remote, user=member, full_name="M", email=member.email, status="confirmed"
    )
    client.force_login(member)
    assert "https://visio.test/salle-42" in client.get(f"/formations/sessions/{remote.pk}/").text
    client.force_login(reader)
    text = client.get(f"/formations/sessions/{remote.pk}/").text
    assert "https://visio.test/salle-42" not in text
    assert "donné aux personnes inscrites" in text


def test_a_user_without_any_space_sees_territory_courses(client, course, session):
    loner = make_user("seul@e.test", "Sam Seul")
    client.force_login(loner)
    assert client.get(course_url(course)).status_code == 200
    assert reverse("training:register", args=[session.pk]) in client.get(course_url(course)).text


def test_the_catalogue_lists_three_sessions_per_course_and_links_to_the_rest(
    client, member, course, make_session
):
    sessions = [make_session(days=days) for days in (3, 10, 17, 24, 31)]
    client.force_login(member)
    page = client.get(reverse("training:catalogue")).content.decode()
    shown = [s for s in sessions if reverse("training:session", args=[s.pk]) in page]
    assert shown == sessions[:3]  # the soonest first
    assert "Voir les 5 sessions" in page
    printed = client.get(reverse("training:catalogue_print")).content.decode()
    assert printed.count("places restantes") == 5  # the printed catalogue lists them all
