"""Sharing read-only into another space, and copying templates; both audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.models import Document
from documents.services.documents import upload_documents
from extranet.models import AuditEvent
from extranet.services.memberships import add_member
from tests.documents.conftest import membership_of, upload


@pytest.fixture
def template(cast, space, run_on_commit):
    with run_on_commit():
        (doc,) = upload_documents(
            membership=membership_of(cast["editor"], space),
            files=[
                upload(
                    "modele-deliberation.txt",
                    "Modèle de délibération du conseil municipal".encode(),
                    "text/plain",
                )
            ],
            kind="template",
        )
    return doc


@pytest.mark.django_db
def test_editor_shares_read_only_and_can_unshare(
    client, cast, space, other_space, template, run_on_commit
):
    add_member(space=other_space, user=cast["editor"], role="reader")
    client.force_login(cast["editor"])
    share_url = reverse("documents:share", kwargs={"slug": "elus", "pk": template.pk})
    with run_on_commit():
        assert client.post(share_url, {"space": other_space.pk}).status_code == 302
    events = AuditEvent.objects.filter(action="documents.shared")
    assert {e.space.slug for e in events} == {"elus", "tourisme"}

    # the other space's admin reads and downloads it from their own space, but cannot change it
    client.force_login(cast["outsider"])
    shared_url = reverse("documents:detail", kwargs={"slug": "tourisme", "pk": template.pk})
    page = client.get(shared_url)
    assert page.status_code == 200 and "lecture seule" in page.content.decode()
    assert (
        client.get(
            reverse("documents:download", kwargs={"slug": "tourisme", "pk": template.pk})
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse("documents:edit", kwargs={"slug": "tourisme", "pk": template.pk})
        ).status_code
        == 403
    )
    assert (
        client.get(
            reverse("documents:detail", kwargs={"slug": "elus", "pk": template.pk})
        ).status_code
        == 404
    )

    client.force_login(cast["editor"])
    share = template.shares.get()
    with run_on_commit():
        client.post(
            reverse(
                "documents:unshare",
                kwargs={"slug": "elus", "pk": template.pk, "share_pk": share.pk},
            )
        )
    client.force_login(cast["outsider"])
    assert client.get(shared_url).status_code == 404
    assert AuditEvent.objects.filter(action="documents.unshared").exists()


@pytest.mark.django_db
def test_member_cannot_share(client, cast, template, other_space):
    client.force_login(cast["member"])
    url = reverse("documents:share", kwargs={"slug": "elus", "pk": template.pk})
    assert client.post(url, {"space": other_space.pk}).status_code == 403
    assert not template.shares.exists()


@pytest.mark.django_db
def test_share_into_unlisted_space_of_which_i_am_not_member_is_refused(
    client, cast, template, other_space
):
    client.force_login(cast["editor"])
    url = reverse("documents:share", kwargs={"slug": "elus", "pk": template.pk})
    response = client.post(url, {"space": other_space.pk})
    assert response.status_code == 400
    assert not template.shares.exists()


@pytest.mark.django_db
def test_template_copied_into_another_space(client, cast, other_space, template, run_on_commit):
    add_member(space=other_space, user=cast["member"], role="member")
    client.force_login(cast["member"])
    url = reverse("documents:copy_template", kwargs={"slug": "elus", "pk": template.pk})
    with run_on_commit():
        response = client.post(url, {"space": other_space.pk})
    assert response.status_code == 302
    copy = Document.objects.get(space=other_space)
    assert copy.copied_from == template and copy.kind == "template"
    assert copy.current_version.sha256 == template.current_version.sha256
    assert copy.current_version.file.name != template.current_version.file.name
    assert AuditEvent.objects.filter(action="documents.template_copied").count() == 2


@pytest.mark.django_db
def test_copy_refused_for_non_templates_and_reader_targets(
    client, cast, other_space, run_on_commit, space
):
    from documents.services.sharing import NotATemplate, copy_template

    with run_on_commit():
        (study,) = upload_documents(
            membership=membership_of(cast["member"], space),
            files=[upload("etude.txt", b"etude", "text/plain")],
            kind="study",
        )
    target = add_member(space=other_space, user=cast["member"], role="reader")
    with pytest.raises(NotATemplate):
        copy_template(source=membership_of(cast["member"], space), document=study, target=target)
    client.force_login(cast["member"])
    page = client.get(reverse("documents:copy_template", kwargs={"slug": "elus", "pk": study.pk}))
    assert "aucun autre espace" in page.content.decode()
