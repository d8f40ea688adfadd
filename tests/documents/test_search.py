"""Real uploads become searchable by a word of their body, with French forms, and never leak."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.documents import samples
from tests.documents.conftest import upload


def _deposit(client, name, content, kind="minutes"):
    return client.post(
        reverse("documents:upload", kwargs={"slug": "elus"}),
        {"files": [upload(name, content)], "kind": kind},
    )


def _search(client, q, **params):
    return client.get(reverse("search"), {"q": q, **params}).content.decode()


@pytest.mark.django_db
@pytest.mark.slow
def test_pdf_docx_odt_txt_are_found_by_body_words_in_french_forms(
    client, cast, run_on_commit, tmp_path
):
    files = {
        "cr-conseil.pdf": samples.pdf_bytes(
            ["Réunion du conseil communautaire", "Les écoles maternelles ouvriront."]
        ),
        "deliberation.docx": samples.docx_bytes(["Délibération sur la médiathèque intercommunale"]),
        "rapport.odt": samples.odt_bytes(["Rapport sur les déchèteries", "et la randonnée"]),
        "note.txt": "Note sur le périscolaire et la cantine".encode(),
    }
    client.force_login(cast["member"])
    for name, content in files.items():
        with run_on_commit():
            assert _deposit(client, name, content).status_code == 302
    client.force_login(cast["reader"])
    expectations = {
        "réunions": "cr-conseil",
        "ecole": "cr-conseil",
        "mediatheque": "deliberation",
        "déchèterie": "rapport",
        "randonnees": "rapport",
        "periscolaire": "note",
    }
    for query, title in expectations.items():
        assert title in _search(client, query), query

    # a member of another space finds nothing, and gets 404 on the URLs
    client.force_login(cast["outsider"])
    for query in expectations:
        assert "cr-conseil" not in _search(client, query)
        assert "0 résultat" in _search(client, query)


@pytest.mark.django_db
def test_encrypted_and_corrupt_pdfs_are_kept_and_flagged(client, cast, run_on_commit):
    from documents.models import Document

    client.force_login(cast["member"])
    for name, content in {
        "chiffre.pdf": samples.pdf_bytes(["Secret"], user_password="motdepasse"),
        "abime.pdf": samples.pdf_bytes()[:2000],
    }.items():
        with run_on_commit():
            assert _deposit(client, name, content, kind="study").status_code == 302
    for document in Document.objects.all():
        version = document.current_version
        version.refresh_from_db()
        assert version.extraction_status in ("encrypted", "failed"), version.extraction_status
        page = client.get(document.get_absolute_url()).content.decode()
        assert "pas pu être extrait" in page
        download = client.get(
            reverse("documents:download", kwargs={"slug": "elus", "pk": document.pk})
        )
        assert download.status_code == 200


@pytest.mark.django_db
def test_search_in_a_space_and_filters(client, cast, run_on_commit):
    client.force_login(cast["member"])
    with run_on_commit():
        _deposit(client, "cr.txt", b"Compte rendu : assainissement collectif", kind="minutes")
        _deposit(client, "etude.txt", "Étude assainissement non collectif".encode(), kind="study")
    content = _search(client, "assainissement", doc_kind="study")
    assert "etude" in content and ">cr<" not in content
    assert "2 résultats" in _search(client, "assainissement", space="elus")
    assert "0 résultat" in _search(client, "assainissement", space="tourisme")


@pytest.mark.django_db
def test_trashed_documents_leave_the_results(client, cast, run_on_commit):
    from documents.models import Document

    client.force_login(cast["member"])
    with run_on_commit():
        _deposit(client, "voirie.txt", b"Programme de voirie communale")
    document = Document.objects.get()
    assert "voirie" in _search(client, "voirie")
    with run_on_commit():
        client.post(reverse("documents:trash", kwargs={"slug": "elus", "pk": document.pk}))
    assert "0 résultat" in _search(client, "voirie")


@pytest.mark.django_db
def test_health_space_documents_hidden_from_search_without_mfa(client, health_space, run_on_commit):
    from documents.services.documents import upload_documents
    from extranet.services.memberships import add_member
    from tests.conftest import make_user
    from tests.documents.conftest import membership_of

    nurse = make_user("inf@sante.test")
    add_member(space=health_space, user=nurse, role="member")
    with run_on_commit():
        upload_documents(
            membership=membership_of(nurse, health_space),
            files=[upload("protocole.txt", b"Protocole vaccination grippe", "text/plain")],
        )
    client.force_login(nurse)
    assert "0 résultat" in _search(client, "vaccination")


@pytest.mark.django_db
def test_search_by_folder_and_author(client, cast, run_on_commit, space):
    from documents.services.folders import create_folder
    from tests.documents.conftest import membership_of

    folder = create_folder(membership=membership_of(cast["editor"], space), name="Voirie")
    client.force_login(cast["member"])
    with run_on_commit():
        client.post(
            reverse("documents:upload", kwargs={"slug": "elus"}),
            {
                "files": [upload("chemin.txt", "Réfection du chemin rural".encode())],
                "kind": "study",
                "folder": folder.pk,
            },
        )
    client.force_login(cast["editor"])
    with run_on_commit():
        _deposit(client, "route.txt", "Réfection de la route départementale".encode(), kind="study")
    client.force_login(cast["reader"])
    assert "2 résultats" in _search(client, "refection")
    in_folder = _search(client, "refection", space="elus", folder=folder.pk)
    assert "1 résultat" in in_folder and "chemin" in in_folder
    by_editor = _search(client, "refection", space="elus", author=cast["editor"].pk)
    assert "1 résultat" in by_editor and "route" in by_editor
