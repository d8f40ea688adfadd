"""The document base through the real URL conf: deposit, find, read, version, trash, share."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.models import Document, DocumentVersion, ExtractionStatus
from extranet.models import AuditEvent
from tests.documents.conftest import membership_of, upload

TXT = (
    "Compte rendu de la réunion du conseil : l'école de Saint-Aubin rouvrira en septembre.".encode()
)


def _url(name, **kwargs):
    return reverse(f"documents:{name}", kwargs={"slug": "elus", **kwargs})


@pytest.mark.django_db
def test_member_deposits_minutes_and_everyone_reads_them(client, cast, run_on_commit):
    client.force_login(cast["member"])
    with run_on_commit():
        response = client.post(
            _url("upload"),
            {
                "files": [upload("cr-conseil-mars.txt", TXT, "text/plain")],
                "kind": "minutes",
                "meeting_date": "2026-03-12",
            },
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.title == "cr-conseil-mars"
    assert document.kind == "minutes" and str(document.meeting_date) == "2026-03-12"
    version = document.current_version
    assert version.size == len(TXT) and version.mime == "text/plain"
    version.refresh_from_db()
    assert version.extraction_status == ExtractionStatus.OK
    assert "école" in version.extracted_text

    client.force_login(cast["reader"])
    page = client.get(_url("detail", pk=document.pk))
    assert page.status_code == 200 and "cr-conseil-mars" in page.content.decode()
    download = client.get(_url("download", pk=document.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == TXT
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.django_db
def test_several_files_at_once(client, cast, run_on_commit):
    client.force_login(cast["member"])
    files = [
        upload(f"note-{i}.txt", f"Note numéro {i} sur la voirie".encode(), "text/plain")
        for i in range(3)
    ]
    with run_on_commit():
        response = client.post(_url("upload"), {"files": files, "kind": "other"})
    assert response.status_code == 302
    assert Document.objects.count() == 3


@pytest.mark.django_db
def test_reader_cannot_upload(client, cast):
    client.force_login(cast["reader"])
    assert client.get(_url("upload")).status_code == 403
    response = client.post(
        _url("upload"), {"files": [upload("a.txt", b"texte", "text/plain")], "kind": "other"}
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.txt", b"", "vide"),
        (
            "facture.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "exécutable",
        ),
        (
            "dessin.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "accepté",
        ),
    ],
)
def test_bad_uploads_get_a_clear_message_and_change_nothing(
    client, cast, run_on_commit, name, content, message
):
    client.force_login(cast["member"])
    with run_on_commit():
        client.post(
            _url("upload"), {"files": [upload("bon.txt", TXT, "text/plain")], "kind": "other"}
        )
    before = list(Document.objects.values_list("pk", "title"))
    response = client.post(
        _url("upload"),
        {"files": [upload("autre.txt", TXT, "text/plain"), upload(name, content)], "kind": "other"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Document.objects.values_list("pk", "title")) == before
    assert DocumentVersion.objects.count() == 1


@pytest.mark.django_db
def test_oversize_upload_refused_with_the_limit(client, cast, settings):
    settings.DOCUMENTS_MAX_UPLOAD_MB = 1
    client.force_login(cast["member"])
    big = upload("gros.txt", b"a" * (1024 * 1024 + 10), "text/plain")
    response = client.post(_url("upload"), {"files": [big], "kind": "other"})
    assert response.status_code == 400
    assert "1 Mo" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_upload_with_json_accept_returns_json_for_the_progress_bar(client, cast, run_on_commit):
    client.force_login(cast["member"])
    with run_on_commit():
        ok = client.post(
            _url("upload"),
            {"files": [upload("a.txt", TXT, "text/plain")], "kind": "other"},
            HTTP_ACCEPT="application/json",
        )
    assert ok.status_code == 200 and ok.json()["redirect"].startswith("/s/elus/documents/")
    bad = client.post(
        _url("upload"),
        {"files": [upload("v.txt", b"")], "kind": "other"},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and bad.json()["errors"]


@pytest.fixture
def document(cast, run_on_commit):
    from documents.services.documents import upload_documents

    with run_on_commit():
        (doc,) = upload_documents(
            membership=membership_of(cast["member"], cast["member"].memberships.get().space),
            files=[
                upload(
                    "budget-2026.txt",
                    "Budget primitif 2026 : voirie et écoles.".encode(),
                    "text/plain",
                )
            ],
            kind="study",
        )
    return doc


@pytest.mark.django_db
def test_versions_keep_history_and_restore(client, cast, document, run_on_commit):
    client.force_login(cast["member"])
    with run_on_commit():
        response = client.post(
            _url("version_upload", pk=document.pk),
            {
                "file": upload(
                    "budget-2026-v2.txt",
                    "Budget primitif 2026 amendé : médiathèque.".encode(),
                    "text/plain",
                ),
                "note": "Amendement",
            },
        )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version.number == 2
    old = client.get(_url("version_download", pk=document.pk, number=1))
    assert b"".join(old.streaming_content).decode() == "Budget primitif 2026 : voirie et écoles."
    with run_on_commit():
        client.post(_url("version_restore", pk=document.pk, number=1))
    document.refresh_from_db()
    current = document.current_version
    assert current.number == 3 and current.restored_from.number == 1
    assert current.sha256 == document.versions.get(number=1).sha256
    assert AuditEvent.objects.filter(action="documents.version_restored").exists()


@pytest.mark.django_db
def test_trash_and_restore(client, cast, document, run_on_commit):
    client.force_login(cast["member"])
    with run_on_commit():
        assert client.post(_url("trash", pk=document.pk)).status_code == 302
    assert client.get(_url("detail", pk=document.pk)).status_code == 404
    client.force_login(cast["member"])
    assert client.get(_url("trash_list")).status_code == 403  # members cannot restore
    client.force_login(cast["editor"])
    assert "budget-2026" in client.get(_url("trash_list")).content.decode()
    with run_on_commit():
        assert client.post(_url("trash_restore", pk=document.pk)).status_code == 302
    assert client.get(_url("detail", pk=document.pk)).status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"documents.trashed", "documents.restored"} <= actions


@pytest.mark.django_db
def test_trash_purged_after_30_days(cast, document, run_on_commit):
    from datetime import timedelta

    from django.utils import timezone

    from documents.services.documents import purge_trash
    from documents.storage import document_storage

    name = document.current_version.file.name
    Document.objects.filter(pk=document.pk).update(deleted_at=timezone.now() - timedelta(days=29))
    assert purge_trash() == 0
    Document.objects.filter(pk=document.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    assert document_storage().exists(name)
    with run_on_commit():
        assert purge_trash() == 1
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not document_storage().exists(name)
    assert AuditEvent.objects.filter(action="documents.purged").exists()


@pytest.mark.django_db
def test_other_member_cannot_edit_but_editor_can(client, cast, document):
    from extranet.services.memberships import add_member
    from tests.conftest import make_user

    other = make_user("autre@elus.test")
    add_member(space=document.space, user=other, role="member")
    client.force_login(other)
    assert client.get(_url("edit", pk=document.pk)).status_code == 403
    client.force_login(cast["editor"])
    response = client.post(
        _url("edit", pk=document.pk),
        {"title": "Budget primitif 2026", "kind": "study", "tags": "budget, finances"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Budget primitif 2026"
    assert sorted(t.name for t in document.tags.all()) == ["budget", "finances"]


@pytest.mark.django_db
def test_comments_are_sanitised(client, cast, document):
    client.force_login(cast["reader"])
    assert client.post(_url("comment", pk=document.pk), {"body": "lu"}).status_code == 403
    client.force_login(cast["editor"])
    client.post(
        _url("comment", pk=document.pk),
        {"body": "**Validé** <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    content = client.get(_url("detail", pk=document.pk)).content.decode()
    assert "<strong>Validé</strong>" in content
    assert "<script>alert(1)" not in content and "javascript:" not in content


@pytest.mark.django_db
def test_folders_move_and_watch(client, cast, document, run_on_commit):
    from django.core import mail

    client.force_login(cast["editor"])
    response = client.post(_url("folder_create"), {"name": "Conseils communautaires"})
    assert response.status_code == 302
    folder = document.space.folders.get()
    assert (
        client.post(_url("folder_create"), {"name": "Conseils communautaires"}).status_code == 400
    )
    client.post(
        _url("edit", pk=document.pk),
        {"title": document.title, "kind": "study", "folder": folder.pk},
    )
    document.refresh_from_db()
    assert document.folder == folder
    client.force_login(cast["reader"])
    client.post(_url("folder_watch", pk=folder.pk), {"watch": "1"})
    client.force_login(cast["member"])
    mail.outbox.clear()
    with run_on_commit():
        client.post(
            _url("upload"),
            {
                "files": [upload("plan.txt", b"Plan de voirie", "text/plain")],
                "kind": "other",
                "folder": folder.pk,
            },
        )
    from extranet.models import Notification

    assert Notification.objects.filter(recipient=cast["reader"], topic="documents.folder").exists()
    assert not Notification.objects.filter(
        recipient=cast["editor"], topic="documents.folder"
    ).exists()


@pytest.mark.django_db
def test_new_minutes_notify_members_in_app_and_by_email(client, cast, run_on_commit):
    from django.core import mail

    from extranet.models import Notification
    from extranet.notifications import set_preference

    set_preference(user=cast["reader"], topic="documents.minutes", email="none")
    client.force_login(cast["member"])
    mail.outbox.clear()
    with run_on_commit():
        client.post(
            _url("upload"), {"files": [upload("cr.txt", TXT, "text/plain")], "kind": "minutes"}
        )
    recipients = set(
        Notification.objects.filter(topic="documents.minutes").values_list(
            "recipient__email", flat=True
        )
    )
    assert recipients == {"admin@elus.test", "editeur@elus.test", "lecteur@elus.test"}
    emailed = {m.to[0] for m in mail.outbox}
    assert emailed == {"admin@elus.test", "editeur@elus.test"}
    client.force_login(cast["reader"])
    assert "cr" in client.get(reverse("notifications")).content.decode()
