"""The fixed cast of every test: spaces and people in each role, plus an outsider and staff."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation

from extranet.models import Space
from extranet.roles import Role
from extranet.services.accounts import create_user
from extranet.services.memberships import add_member
from extranet.services.spaces import create_space

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # A request in English (LocaleMiddleware) leaves English active in the thread: every test
    # starts in the site's language.
    translation.activate(settings.LANGUAGE_CODE)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    # Tasks run as soon as they are enqueued (after commit); the database worker has its own test.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SEARCH_INDEX_DIR = tmp_path / "search"
    # Files published on the portal (copied at approval).
    settings.PORTAL_STORAGE_DIR = tmp_path / "portal"
    # Spaces get a CalDAV calendar when created: keep Radicale's storage per test, never var/.
    settings.RADICALE_STORAGE_DIR = tmp_path / "radicale"
    from calendars.dav.app import reset_application
    from extranet.search import reset_backend

    reset_application()

    reset_backend()
    cache.clear()
    yield
    cache.clear()
    reset_backend()


def make_user(email: str, name: str = "", **extra) -> object:
    return create_user(email=email, full_name=name, password=PASSWORD, validate=False, **extra)


@pytest.fixture
def space(db) -> Space:
    return create_space(
        name="Élus et agents du Pays", slug="elus", kind="officials", description="Conseils."
    )


@pytest.fixture
def other_space(db) -> Space:
    return create_space(name="Offices de tourisme", slug="tourisme", kind="tourism")


@pytest.fixture
def health_space(db) -> Space:
    return create_space(name="Professionnels de santé", slug="sante", kind="health")


def _member(space: Space, email: str, name: str, role: Role) -> object:
    user = make_user(email, name)
    add_member(space=space, user=user, role=role)
    return user


@pytest.fixture
def space_admin(space):
    return _member(space, "admin@elus.test", "Claire Admin", Role.ADMIN)


@pytest.fixture
def editor(space):
    return _member(space, "editeur@elus.test", "Éric Éditeur", Role.EDITOR)


@pytest.fixture
def member(space):
    return _member(space, "membre@elus.test", "Marie Membre", Role.MEMBER)


@pytest.fixture
def reader(space):
    return _member(space, "lecteur@elus.test", "Luc Lecteur", Role.READER)


@pytest.fixture
def outsider(other_space):
    """A member of another space, admin there: the most privileged user who must see nothing."""
    return _member(other_space, "dehors@tourisme.test", "Olivier Dehors", Role.ADMIN)


@pytest.fixture
def staff(db):
    user = make_user("staff@maillage.test", "Sam Staff")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def cast(space_admin, editor, member, reader, outsider):
    return {
        "space_admin": space_admin,
        "editor": editor,
        "member": member,
        "reader": reader,
        "outsider": outsider,
    }
