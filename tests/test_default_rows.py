"""Rows every database needs (the directory's kinds and editors' group, the portal's general
administrators' group) come back after a flush, which transactional tests run between tests:
a later test, or a freshly flushed production database, must not find them missing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from directory.defaults import EDITORS_GROUP
from directory.models import OrganisationKind
from extranet.portal.services import GENERAL_ADMINISTRATORS_GROUP, REVIEW_PERMISSION


@pytest.mark.django_db(transaction=True)
def test_default_rows_survive_a_flush():
    call_command("flush", interactive=False, verbosity=0)

    assert OrganisationKind.objects.filter(code="commune").exists()
    assert (
        Group.objects.get(name=EDITORS_GROUP).permissions.filter(codename="edit_directory").exists()
    )
    assert (
        Group.objects.get(name=GENERAL_ADMINISTRATORS_GROUP)
        .permissions.filter(codename=REVIEW_PERMISSION[1])
        .exists()
    )
