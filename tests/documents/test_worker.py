"""The durable queue for real: tasks wait in the database until the worker runs them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from documents.models import DocumentVersion, ExtractionStatus
from documents.services.documents import upload_documents
from extranet.search import SearchQuery, get_backend
from tests.documents.conftest import membership_of, upload


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_extraction_waits_for_the_database_worker(settings, member, space):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    upload_documents(
        membership=membership_of(member, space),
        files=[upload("cr.txt", "Compte rendu : déneigement des routes communales".encode())],
        kind="minutes",
    )
    version = DocumentVersion.objects.get()
    assert version.extraction_status == ExtractionStatus.PENDING
    query = SearchQuery(text="deneigement", space_ids=[space.pk])
    assert get_backend().search(query).total == 0

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.OK
    assert get_backend().search(query).total == 1
