"""Finding courses with the global search: published territory courses by everyone signed in,
space courses by the space's members only, drafts and archived courses by nobody; the index
follows the course and its sessions after commit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from extranet.search import TERRITORY_SPACE_ID, SearchQuery, get_backend
from training import indexing
from training.models import Course, CourseStatus, Reach, SessionPart

pytestmark = pytest.mark.django_db


def search_page(client, user, text: str) -> str:
    client.force_login(user)
    response = client.get(reverse("search"), {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def found(text: str, space_ids) -> list[str]:
    results = get_backend().search(SearchQuery(text=text, space_ids=list(space_ids)))
    return [hit.title for hit in results.hits]


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """Run what the receivers schedule after commit (the test's transaction never commits)."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


def _save(course: Course, **fields) -> Course:
    for name, value in fields.items():
        setattr(course, name, value)
    course.save()
    return course


def test_a_published_territory_course_is_found_by_anyone_signed_in(
    client, course, outsider, indexed
):
    indexed(lambda: _save(course, summary="Créer son compte sur le portail des impôts."))
    assert found("impôts", [TERRITORY_SPACE_ID]) == [course.title]
    page = search_page(client, outsider, "impôts")
    assert course.title in page
    link = reverse(
        "training:course", kwargs={"space_slug": course.space.slug, "course_slug": course.slug}
    )
    assert f'href="{link}"' in page


def test_an_outsider_never_finds_a_space_course(client, course, member, outsider, indexed):
    indexed(lambda: _save(course, reach=Reach.SPACE, summary="Tableur pour les budgets."))
    assert found("tableur", [TERRITORY_SPACE_ID]) == []
    assert found("tableur", [course.space_id]) == [course.title]
    assert course.title not in search_page(client, outsider, "tableur")
    assert course.title in search_page(client, member, "tableur")


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_drafts_and_archived_courses_are_never_found(client, course, editor, indexed, status):
    indexed(lambda: _save(course, summary="Messagerie sécurisée."))
    assert found("messagerie", [TERRITORY_SPACE_ID]) == [course.title]
    indexed(lambda: _save(course, status=status))
    assert found("messagerie", [TERRITORY_SPACE_ID, course.space_id]) == []
    # Not even its managers find it in the global search (they have the space's pages).
    assert course.title not in search_page(client, editor, "messagerie")


def test_sessions_places_are_searchable_and_follow_changes(course, make_session, indexed):
    session = indexed(lambda: make_session(days=12, commune="Riom-ès-Montagnes"))
    assert found("Riom", [TERRITORY_SPACE_ID]) == [course.title]
    indexed(lambda: _save(session, commune="Ydes"))
    assert found("Riom", [TERRITORY_SPACE_ID]) == []
    assert found("Ydes", [TERRITORY_SPACE_ID]) == [course.title]
    # A part's change re-indexes the course too (a change made without signals shows it).
    Course.objects.filter(pk=course.pk).update(summary="Atelier tablette numérique.")
    assert found("tablette", [TERRITORY_SPACE_ID]) == []
    part = SessionPart.objects.get(session=session)
    indexed(lambda: part.save())
    assert found("tablette", [TERRITORY_SPACE_ID]) == [course.title]


def test_a_deleted_course_leaves_the_index(course, indexed):
    indexed(lambda: _save(course, summary="Visioconférence."))
    assert found("visioconférence", [TERRITORY_SPACE_ID]) == [course.title]
    indexed(lambda: Course.objects.filter(pk=course.pk).delete())
    assert found("visioconférence", [TERRITORY_SPACE_ID]) == []


def test_full_rebuild_holds_published_courses_only(course, space, trainer):
    draft = Course.objects.create(
        space=space,
        slug="brouillon",
        title="Brouillon de formation",
        summary="Pas encore prête.",
        theme=course.theme,
        duration_hours=2,
        objectives="x",
        status=CourseStatus.DRAFT,
    )
    keys = {entry.key for entry in indexing.iter_all_entries()}
    assert keys == {indexing.key_for(course.pk)}
    assert indexing.key_for(draft.pk) not in keys
