"""Text extraction for search: what a search for a French word in a document will find."""

from __future__ import annotations

import multiprocessing
import os
import zipfile
from pathlib import Path

import docx
import pytest

from documents.extraction import (
    DOCX_MIME,
    MAX_TEXT_CHARS,
    PDF_MIME,
    extract_text,
    extract_text_bounded,
    normalise_text,
)
from tests.documents import samples

ODT_MIME = "application/vnd.oasis.opendocument.text"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
ODP_MIME = "application/vnd.oasis.opendocument.presentation"


def test_pdf_text_keeps_french_accents(tmp_path):
    result = extract_text(samples.make_pdf(tmp_path / "cr.pdf"), PDF_MIME)
    assert result.status == "ok"
    for words in ("Délibération n° 2025-014", "Noyant-la-Gravoyère", "Hélène", "« Les Tilleuls »"):
        assert words in result.text
    assert result.error == ""


def test_pdf_without_text_is_empty(tmp_path):
    result = extract_text(samples.make_blank_pdf(tmp_path / "scan.pdf"), PDF_MIME)
    assert (result.status, result.text) == ("empty", "")


def test_pdf_with_a_password_is_flagged_encrypted(tmp_path):
    result = extract_text(samples.make_encrypted_pdf(tmp_path / "paie.pdf"), PDF_MIME)
    assert (result.status, result.text) == ("encrypted", "")


def test_pdf_encrypted_without_user_password_opens(tmp_path):
    path = samples.make_encrypted_pdf(tmp_path / "protege.pdf", user_password="")
    result = extract_text(path, PDF_MIME)
    assert result.status == "ok"
    assert "réhabilitation de l'école élémentaire" in result.text


def test_truncated_pdf_fails_without_raising(tmp_path):
    result = extract_text(samples.make_corrupt_pdf(tmp_path / "coupe.pdf"), PDF_MIME)
    assert result.status == "failed"
    assert result.text == ""
    assert result.error


def test_docx_text_includes_tables_nested_tables_headers_and_footers(tmp_path):
    path = samples.make_docx(tmp_path / "cr.docx", annex_header="Annexe financière")
    result = extract_text(path, DOCX_MIME)
    assert result.status == "ok"
    text = result.text
    assert "Compte rendu du conseil communautaire du 12 mars 2025" in text
    assert "Mme Zoé Gaël, déléguée de Saint-Étienne-de-Chigny" in text
    assert "Désamiantage 180 000 € État (DETR)" in text  # one line per table row
    assert "Subvention notifiée le 4 février" in text  # table inside a cell
    assert "Communauté de communes Baugeois-Vallée — séance publique" in text  # header
    assert "ne pas diffuser avant approbation" in text  # footer
    assert "Annexe financière" in text  # header of the second section
    assert text.index("Compte rendu") < text.index("Désamiantage")
    assert text.count("Baugeois-Vallée") == 1


def test_docx_text_includes_content_controls_insertions_and_footnotes_not_deletions(tmp_path):
    path = samples.make_docx_with_revisions_and_footnote(tmp_path / "formulaire.docx")
    result = extract_text(path, DOCX_MIME)
    assert result.status == "ok"
    assert "Commune de Beaufort-en-Anjou" in result.text
    assert "Montant révisé : 14 000 €" in result.text
    assert "Vu le code général des collectivités territoriales." in result.text
    assert "Montant initial" not in result.text


def test_docx_that_is_not_a_zip_fails(tmp_path):
    path = tmp_path / "faux.docx"
    path.write_bytes(b"PK\x03\x04 ceci n'est pas un document")
    result = extract_text(path, DOCX_MIME)
    assert result.status == "failed"
    assert result.error


def test_password_protected_docx_is_flagged_encrypted(tmp_path):
    path = tmp_path / "paie.docx"
    path.write_bytes(samples.encrypted_office_bytes())
    assert extract_text(path, DOCX_MIME).status == "encrypted"


def test_odt_text_keeps_spacing_tables_headers_and_footers(tmp_path):
    path = samples.make_odt(
        tmp_path / "cr.odt",
        (
            "Conseil d'école du 5 juin",
            "Effectifs :  CP\t24 élèves\nCE1\t19 élèves",
            "Sortie de fin d'année à Fontevraud-l'Abbaye.",
        ),
        header="École publique Jules-Ferry",
        footer="Procès-verbal approuvé le 20 juin",
    )
    result = extract_text(path, ODT_MIME)
    assert result.status == "ok"
    lines = result.text.split("\n")
    assert lines[:4] == [
        "Conseil d'école du 5 juin",
        "Effectifs : CP 24 élèves",  # text:s and text:tab keep words apart
        "CE1 19 élèves",  # text:line-break
        "Sortie de fin d'année à Fontevraud-l'Abbaye.",
    ]
    assert "Menuiseries extérieures 95 500 € Région Pays de la Loire" in lines
    assert "École publique Jules-Ferry" in lines
    assert "Procès-verbal approuvé le 20 juin" in lines


def test_ods_and_odp_text(tmp_path):
    sheet = tmp_path / "budget.ods"
    sheet.write_bytes(samples.ods_bytes())
    slides = tmp_path / "projet.odp"
    slides.write_bytes(samples.odp_bytes())
    assert "Chaufferie bois 212 000 € Département" in extract_text(sheet, ODS_MIME).text
    assert extract_text(slides, ODP_MIME).text == "Projet de territoire\nMobilités en milieu rural"


_MANIFEST_NS = 'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'


def test_password_protected_odt_is_flagged_encrypted(tmp_path):
    path = tmp_path / "confidentiel.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", ODT_MIME)
        archive.writestr(
            "META-INF/manifest.xml",
            f"<manifest:manifest {_MANIFEST_NS}>"
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
        archive.writestr("content.xml", os.urandom(64))
    assert extract_text(path, ODT_MIME).status == "encrypted"


def test_odt_entities_are_neither_expanded_nor_fetched(tmp_path):
    content = (
        '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY ext SYSTEM "file:///etc/hostname">]>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:p>Budget &c; &ext; voté</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    path = tmp_path / "bombe.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", ODT_MIME)
        archive.writestr("content.xml", content)
    result = extract_text(path, ODT_MIME)
    assert (result.status, result.text) == ("ok", "Budget voté")


@pytest.mark.parametrize(
    "encoding, mime",
    [
        ("utf-8", "text/plain"),
        ("cp1252", "text/plain"),
        ("utf-16", "text/csv"),
        ("utf-8-sig", "text/markdown"),
    ],
)
def test_plain_text_in_the_usual_encodings(tmp_path, encoding, mime):
    text = "Réunion des délégués : coût estimé 1 200 €, à voter en conseil.\r\nÉcole de Vernantes"
    path = samples.make_txt(tmp_path / "note.txt", text, encoding=encoding)
    result = extract_text(path, mime)
    assert result.status == "ok"
    assert (
        result.text
        == "Réunion des délégués : coût estimé 1 200 €, à voter en conseil.\nÉcole de Vernantes"
    )


def test_blank_text_file_is_empty(tmp_path):
    path = samples.make_txt(tmp_path / "vide.txt", " \n\t\n ")
    assert extract_text(path, "text/plain").status == "empty"


def test_long_text_is_capped(tmp_path):
    path = samples.make_txt(tmp_path / "long.txt", "délibération " * (MAX_TEXT_CHARS // 10))
    result = extract_text(path, "text/plain")
    assert result.status == "ok"
    assert len(result.text) == MAX_TEXT_CHARS


@pytest.mark.parametrize(
    "mime", ["image/png", "application/zip", "application/msword", "text/html"]
)
def test_other_types_are_unsupported(tmp_path, mime):
    path = samples.make_txt(tmp_path / "x.bin", "Réunion")
    assert extract_text(path, mime).status == "unsupported"


def test_missing_file_fails(tmp_path):
    result = extract_text(tmp_path / "absent.pdf", PDF_MIME)
    assert result.status == "failed"
    assert "FileNotFoundError" in result.error


def test_normalise_text():
    raw = (
        "Ordre\u00a0du\u202fjour :\t\tpoint 1\r\n\r\n\r\n\r\n  Vote\u00ad  à main levée\x0c\x00fin "
    )
    assert normalise_text(raw) == "Ordre du jour : point 1\n\nVote à main levée fin"
    assert normalise_text("e\u0301cole") == "école"


# --- Bounded extraction (child process) -------------------------------------------------------


def _zombie_children() -> list[int]:
    """Children of this process that exited but were never reaped."""
    zombies = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            zombies.append(int(stat.parent.name))
    return zombies


@pytest.fixture
def no_leftover_process():
    yield
    assert _zombie_children() == []
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_bounded_extraction_returns_the_text(tmp_path, no_leftover_process):
    path = samples.make_docx(tmp_path / "cr.docx")
    assert extract_text_bounded(path, DOCX_MIME) == extract_text(path, DOCX_MIME)


@pytest.mark.slow
def test_bounded_extraction_reports_failures_from_the_child(tmp_path, no_leftover_process):
    result = extract_text_bounded(samples.make_corrupt_pdf(tmp_path / "coupe.pdf"), PDF_MIME)
    assert result.status == "failed"
    assert result.error


@pytest.mark.slow
def test_bounded_extraction_times_out(tmp_path, no_leftover_process):
    # Long enough that no warm child reads it within the timeout (a small file once did).
    document = docx.Document()
    for n in range(20_000):
        document.add_paragraph(f"Paragraphe {n} du registre des délibérations.")
    path = tmp_path / "registre.docx"
    document.save(str(path))
    result = extract_text_bounded(path, DOCX_MIME, timeout=0.01)
    assert (result.status, result.text, result.error) == ("failed", "", "timed out after 0.01 s")


@pytest.mark.slow
def test_bounded_extraction_respects_the_memory_limit(tmp_path, no_leftover_process):
    # A 400 MB document.xml that deflates to under 2 MB: python-docx reads parts whole.
    source = samples.make_docx(tmp_path / "cr.docx")
    bomb = tmp_path / "bombe.docx"
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        for info in original.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, original.read(info))
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _chunk in range(400):
                member.write(b" " * 1024 * 1024)
    result = extract_text_bounded(bomb, DOCX_MIME, memory_mb=256)
    assert (result.status, result.error) == ("failed", "memory limit exceeded")


def test_bounded_extraction_skips_the_child_for_unsupported_types(tmp_path, no_leftover_process):
    path = samples.make_txt(tmp_path / "x.bin", "Réunion")
    assert extract_text_bounded(path, "image/png").status == "unsupported"
