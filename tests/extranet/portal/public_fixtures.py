"""Helpers of the public portal's tests: every registered kind, fed from an in-memory source.

``portal_kinds`` replaces, for one test, each registered kind by a copy whose ``source_for``,
``payload``, ``space_of`` and ``files`` read a dictionary instead of CalDAV or the document base:
the real fields, bounds, place, schema_org and section stay, and W's services (submit, approve,
reject, withdraw, unpublish) run for real. It also registers two test-only kinds, one dated and
one not, in sections no app uses, to prove later sections appear without code changes.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from extranet.models import PublicationRequest, PublicFile, PublicSnapshot
from extranet.portal import registry
from extranet.portal.registry import PublicField, PublishableKind
from extranet.portal.services import (
    GENERAL_ADMINISTRATORS_GROUP,
    approve_publication,
    reject_publication,
    submit_publication,
    unpublish,
    withdraw_publication,
)
from tests.conftest import make_user


class Sources:
    """What the sources hold now: payloads and files by (kind, source_key)."""

    def __init__(self) -> None:
        self.payloads: dict[tuple[str, str], dict[str, Any]] = {}
        self.files: dict[tuple[str, str], list[tuple[str, str, bytes]]] = {}

    def set(
        self,
        kind: str,
        key: str,
        payload: dict[str, Any],
        files: list[tuple[str, str, bytes]] | None = None,
    ) -> None:
        self.payloads[(kind, key)] = copy.deepcopy(payload)
        if files is not None:
            self.files[(kind, key)] = files


def _instant(text: Any) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _bounds(data: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    start = _instant(data.get("start"))
    return start, _instant(data.get("end")) or start


def _place(data: dict[str, Any]) -> tuple[str, str]:
    return str(data.get("commune") or ""), str(data.get("theme") or "")


TEST_SESSION = PublishableKind(
    name="testsession",
    label=_("Séance d'essai"),
    label_plural=_("Séances d'essai"),
    fields=(
        PublicField("title", "Titre"),
        PublicField("start", "Début", editable=False),
        PublicField("end", "Fin", editable=False),
        PublicField("commune", "Commune"),
        PublicField("theme", "Thème"),
        PublicField("description", "Description"),
        PublicField("trainer", "Formateur"),
    ),
    source_for=lambda user, key: key,
    payload=lambda source: {},
    title_of=lambda data: str(data.get("title") or ""),
    space_of=lambda source: None,
    bounds=_bounds,
    place=_place,
    public_section="testtraining",
    order=200,
)
TEST_CARD = PublishableKind(
    name="testcard",
    label=_("Fiche d'essai"),
    label_plural=_("Fiches d'essai"),
    fields=(
        PublicField("name", "Nom"),
        PublicField("commune", "Commune"),
        PublicField("phones", "Téléphones"),
        PublicField("emails", "Courriels"),
        PublicField("website", "Site web"),
        PublicField("description", "Description"),
    ),
    source_for=lambda user, key: key,
    payload=lambda source: {},
    title_of=lambda data: str(data.get("name") or ""),
    space_of=lambda source: None,
    place=_place,
    public_section="testdirectory",
    order=210,
)


@pytest.fixture
def portal_storage(tmp_path, monkeypatch):
    """PublicFile's storage is built when the model is imported (a callable storage is called
    then), so the settings of a test cannot move it: point it at the test's directory."""
    field = PublicFile._meta.get_field("file")
    storage = FileSystemStorage(location=str(tmp_path / "portal-files"))
    monkeypatch.setattr(field, "storage", storage)
    return storage


@pytest.fixture
def portal_kinds(portal_storage) -> Iterator[Sources]:
    sources = Sources()
    saved = dict(registry._KINDS)

    def source_for(kind_name: str):
        def find(user: Any, key: str) -> tuple[str, str]:
            from django.http import Http404

            if (kind_name, key) not in sources.payloads:
                raise Http404
            return (kind_name, key)

        return find

    def payload(source: tuple[str, str]) -> dict[str, Any]:
        return copy.deepcopy(sources.payloads[source])

    def files(source: tuple[str, str]) -> list[tuple[str, str, bytes]]:
        return list(sources.files.get(source, []))

    for kind in [*saved.values(), TEST_SESSION, TEST_CARD]:
        registry._KINDS[kind.name] = dataclasses.replace(
            kind,
            source_for=source_for(kind.name),
            payload=payload,
            space_of=lambda source: None,
            files=files if kind.files is not None else None,
        )
    try:
        yield sources
    finally:
        registry._KINDS.clear()
        registry._KINDS.update(saved)


@pytest.fixture
def general_admin(db):
    user = make_user("portail-public@pays.test", "Gaëlle Générale")
    # The group comes from a data migration, which a transactional test's flush (live server)
    # removes: create it again when needed.
    group, _created = Group.objects.get_or_create(name=GENERAL_ADMINISTRATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="extranet", codename="review_publication")
    )
    group.user_set.add(user)
    return user


@pytest.fixture
def contributor(db):
    return make_user("contrib@pays.test", "Camille Contributrice")


class Workflow:
    """The editorial workflow through W's services, for one test."""

    def __init__(self, sources: Sources, admin: Any, submitter: Any) -> None:
        self.sources, self.admin, self.submitter = sources, admin, submitter

    def submit(
        self,
        kind: str,
        key: str,
        payload: dict[str, Any],
        files: list[tuple[str, str, bytes]] | None = None,
    ) -> PublicationRequest:
        self.sources.set(kind, key, payload, files)
        return submit_publication(user=self.submitter, kind=kind, source_key=key)

    def publish(
        self,
        kind: str,
        key: str,
        payload: dict[str, Any],
        files: list[tuple[str, str, bytes]] | None = None,
    ) -> PublicSnapshot:
        request = self.submit(kind, key, payload, files)
        return approve_publication(reviewer=self.admin, request=request)

    def reject(self, request: PublicationRequest) -> None:
        reject_publication(reviewer=self.admin, request=request, note="Non.")

    def withdraw(self, request: PublicationRequest) -> None:
        withdraw_publication(user=self.submitter, request=request)

    def unpublish(self, kind: str, key: str) -> None:
        unpublish(reviewer=self.admin, kind=kind, source_key=key)


@pytest.fixture
def workflow(portal_kinds, general_admin, contributor) -> Workflow:
    return Workflow(portal_kinds, general_admin, contributor)


def iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def event_payload(
    title: str,
    *,
    start: datetime | None = None,
    hours: int = 2,
    commune: str = "Saint-Pierre",
    theme: str = "Musique",
    description: str = "Un concert.",
    all_day: bool = False,
) -> dict[str, Any]:
    start = start or (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    end = start + timedelta(hours=hours)
    if all_day:
        return {
            "title": title,
            "description": description,
            "start": timezone.localtime(start).date().isoformat(),
            "end": timezone.localtime(end).date().isoformat(),
            "all_day": True,
            "location": "Salle des fêtes",
            "commune": commune,
            "theme": theme,
            "url": "",
            "organizer": "Élus et agents du Pays",
        }
    return {
        "title": title,
        "description": description,
        "start": iso(start),
        "end": iso(end),
        "all_day": False,
        "location": "Salle des fêtes",
        "commune": commune,
        "theme": theme,
        "url": "https://exemple.test/concert",
        "organizer": "Élus et agents du Pays",
    }


def brochure_payload(title: str, *, commune: str = "Lavaur", theme: str = "Randonnée") -> dict:
    return {
        "title": title,
        "description": "Des *sentiers*.",
        "commune": commune,
        "theme": theme,
        "language": "fr",
        "pages": 12,
        "file_name": "sentiers.pdf",
        "file_size": 1234,
    }
