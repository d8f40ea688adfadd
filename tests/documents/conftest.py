from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from extranet.models import Membership


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what services schedule after commit (tasks: extraction, indexing, e-mails)."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def membership_of(user, space) -> Membership:
    return Membership.objects.select_related("space", "user").get(user=user, space=space)
