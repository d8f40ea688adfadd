"""The cast of the editorial workflow's tests: a general administrator (no space at all) and a
brochure of the "elus" space deposited by its editor. Imported by the workflow test modules."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from documents.services.documents import add_version, update_document, upload_documents
from documents.services.folders import create_folder
from extranet.models import Membership, PublicationRequest, PublicSnapshot
from extranet.portal.services import GENERAL_ADMINISTRATORS_GROUP, submit_publication
from tests.conftest import make_user
from tests.documents.samples import pdf_bytes

GUIDE = ("Sentiers des Trois Vallées : douze circuits balisés de 5 à 18 km.",)
GUIDE_V2 = ("Sentiers des Trois Vallées, édition 2027 : quatorze circuits.",)


def membership_of(user: Any, space: Any) -> Membership:
    return Membership.objects.select_related("space", "user").get(user=user, space=space)


@pytest.fixture
def general_admin(db):
    """Granted by staff through the group; a member of no space."""
    user = make_user("portail@pays.test", "Gaëlle Générale")
    Group.objects.get(name=GENERAL_ADMINISTRATORS_GROUP).user_set.add(user)
    return user


@pytest.fixture
def brochure(space, editor) -> Document:
    membership = membership_of(editor, space)
    folder = create_folder(membership=membership, name="Randonnée")
    (document,) = upload_documents(
        membership=membership,
        files=[SimpleUploadedFile("sentiers.pdf", pdf_bytes(GUIDE), "application/pdf")],
        folder=folder,
        kind="brochure",
        title="Sentiers des Trois Vallées",
        description="Douze circuits balisés.",
    )
    return Document.objects.select_related("current_version", "space").get(pk=document.pk)


def upload_new_version(document: Document, user: Any, paragraphs: tuple[str, ...] = GUIDE_V2):
    return add_version(
        membership=membership_of(user, document.space),
        document=document,
        file=SimpleUploadedFile("sentiers-2027.pdf", pdf_bytes(paragraphs), "application/pdf"),
    )


def propose(user, document) -> PublicationRequest:
    return submit_publication(user=user, kind="brochure", source_key=str(document.pk))


def public_rows(document) -> list[PublicSnapshot]:
    return list(
        PublicSnapshot.objects.public().filter(kind="brochure", source_key=str(document.pk))
    )


def edit_description(document, user, description: str) -> None:
    update_document(
        membership=membership_of(user, document.space),
        document=document,
        title=document.title,
        description=description,
        kind=document.kind,
        meeting_date=None,
        folder=document.folder,
        tags=[],
    )
