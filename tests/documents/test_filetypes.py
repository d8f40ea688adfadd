"""Type sniffing, upload checks and file-name sanitising: what may be stored, under which name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.functional import Promise

from documents import filetypes as ft
from documents.filetypes import (
    DEFAULT_ALLOWED_MIMES,
    UploadRejected,
    check_upload,
    sanitize_filename,
    sniff,
    sniff_file,
)
from tests.documents import samples

MB = 1024 * 1024

SAMPLES: dict[str, tuple[bytes, str, ft.FileType]] = {
    "pdf": (samples.pdf_bytes(), "compte-rendu.pdf", ft.PDF),
    "docx": (samples.docx_bytes(), "compte-rendu.docx", ft.DOCX),
    "xlsx": (samples.ooxml_bytes("excel"), "budget.xlsx", ft.XLSX),
    "pptx": (samples.ooxml_bytes("powerpoint"), "projet.pptx", ft.PPTX),
    "docm": (samples.ooxml_bytes("word", macros=True), "modele.docm", ft.DOCM),
    "xlsm": (samples.ooxml_bytes("excel", macros=True), "budget.xlsx", ft.XLSM),
    "odt": (samples.odt_bytes(), "compte-rendu.odt", ft.ODT),
    "ods": (samples.ods_bytes(), "budget.ods", ft.ODS),
    "odp": (samples.odp_bytes(), "projet.odp", ft.ODP),
    "doc": (samples.doc_bytes(), "deliberation.doc", ft.DOC),
    "doc with macros": (samples.doc_bytes(macros=True), "deliberation.doc", ft.DOC_MACROS),
    "xls": (samples.xls_bytes(), "budget.xls", ft.XLS),
    "password-protected xlsx": (samples.encrypted_office_bytes(), "paie.xlsx", ft.OFFICE_ENCRYPTED),
    "msi": (samples.msi_bytes(), "installateur.msi", ft.MSI),
    "png": (samples.png_bytes(), "logo.png", ft.PNG),
    "jpeg": (samples.JPEG_HEAD, "photo.jpg", ft.JPEG),
    "gif": (samples.GIF_HEAD, "anime.gif", ft.GIF),
    "webp": (samples.WEBP_HEAD, "photo.webp", ft.WEBP),
    "heic": (samples.HEIC_HEAD, "IMG_2041.HEIC", ft.HEIC),
    "rtf": (samples.RTF_TEXT.encode("ascii"), "conseil.rtf", ft.RTF),
    "zip": (samples.zip_bytes(), "pieces.zip", ft.ZIP),
    "jar": (samples.jar_bytes(), "outil.zip", ft.JAR),
    "txt utf-8": ("Réunion de l'école\n".encode(), "note.txt", ft.TEXT),
    "txt cp1252": ("Réunion de l'école, coût : 12 €".encode("cp1252"), "note.txt", ft.TEXT),
    "txt utf-16 (Excel « Texte Unicode »)": ("Élève\tClasse\n".encode("utf-16"), "x.txt", ft.TEXT),
    "markdown": (b"# Ordre du jour\n\n- budget\n", "ordre-du-jour.md", ft.MARKDOWN),
    "csv": ("commune;habitants\nBaugé;3 642\n".encode(), "communes.CSV", ft.CSV),
    "text starting with MZ": (b"MZ Batiment : devis toiture\n", "devis.txt", ft.TEXT),
    "svg": (samples.SVG_TEXT.encode(), "plan.svg", ft.SVG),
    "svg named png": (samples.SVG_TEXT.encode(), "plan.png", ft.SVG),
    "html": (samples.HTML_TEXT.encode(), "ordre-du-jour.html", ft.HTML),
    "xml": (b'<?xml version="1.0"?><budget annee="2025"/>', "budget.xml", ft.XML),
    "windows program": (samples.pe_bytes(), "setup.exe", ft.PE),
    "linux program": (samples.ELF_HEAD, "outil", ft.ELF),
    "macos program": (samples.MACHO_HEAD, "outil", ft.MACHO),
    "macos universal program": (samples.MACHO_FAT_HEAD, "outil", ft.MACHO),
    "java class": (samples.JAVA_CLASS_HEAD, "Main.class", ft.JAVA_CLASS),
    "shell script": (samples.SHELL_SCRIPT, "lisez-moi.txt", ft.SCRIPT),
    "batch file": (b"@echo off\r\ndel /q C:\\*\r\n", "impression.bat", ft.SCRIPT),
}


@pytest.mark.parametrize("content, filename, expected", SAMPLES.values(), ids=SAMPLES.keys())
def test_sniff_file_recognises_every_sample(content, filename, expected):
    assert sniff_file(io.BytesIO(content), filename=filename) == expected


@pytest.mark.parametrize("key", ["pdf", "odt", "odp", "png", "txt cp1252", "windows program"])
def test_sniff_from_the_head_alone(key):
    content, filename, expected = SAMPLES[key]
    assert sniff(content[: ft.HEAD_SIZE], filename=filename) == expected


def test_the_name_never_decides_the_type_of_binary_content():
    assert sniff(samples.pdf_bytes(), filename="notes.txt") == ft.PDF
    assert sniff(samples.pdf_bytes(), filename="notes.md") == ft.PDF


def test_zip_storing_a_pdf_uncompressed_is_a_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("cr.pdf", samples.pdf_bytes())
    assert sniff(buffer.getvalue()[: ft.HEAD_SIZE]) == ft.ZIP
    assert sniff_file(buffer) == ft.ZIP


def test_truncated_docx_is_judged_from_its_local_headers():
    content = samples.docx_bytes()
    assert sniff_file(io.BytesIO(content[: len(content) // 2])) == ft.DOCX


def test_sniff_file_reads_from_the_start_and_restores_the_position():
    fileobj = io.BytesIO(samples.docx_bytes())
    fileobj.seek(123)
    assert sniff_file(fileobj) == ft.DOCX
    assert fileobj.tell() == 123


def test_empty_content():
    assert sniff(b"") == ft.EMPTY


def test_allow_list_keeps_scriptable_and_macro_formats_out():
    assert {ft.SVG.mime, ft.HTML.mime, ft.XML.mime, ft.DOCM.mime, ft.XLSM.mime} & (
        DEFAULT_ALLOWED_MIMES
    ) == set()
    assert {ft.PDF.mime, ft.DOCX.mime, ft.ODT.mime, ft.DOC.mime, ft.ZIP.mime, ft.CSV.mime} <= (
        DEFAULT_ALLOWED_MIMES
    )


# --- check_upload -----------------------------------------------------------------------------


def _check(content: bytes, filename: str, *, max_size: int = 10 * MB, **kwargs) -> ft.FileType:
    fileobj = io.BytesIO(content)
    return check_upload(fileobj, filename=filename, size=len(content), max_size=max_size, **kwargs)


def _rejection(content: bytes, filename: str, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        _check(content, filename, **kwargs)
    return caught.value


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def test_accepts_a_word_document_given_as_a_django_upload():
    upload = SimpleUploadedFile("Compte rendu.docx", samples.docx_bytes())
    upload.seek(10)
    filetype = check_upload(upload, filename=upload.name, size=upload.size, max_size=10 * MB)
    assert filetype == ft.DOCX
    assert upload.tell() == 10


@pytest.mark.parametrize(
    "content, filename",
    [
        (samples.pe_bytes(), "facture.pdf"),
        (samples.pe_bytes(), "compte-rendu.docx"),
        (samples.ELF_HEAD, "photo.jpg"),
        (samples.jar_bytes(), "pieces.zip"),
        (samples.msi_bytes(), "budget.xls"),
        (b"@echo off\r\nformat C:\r\n", "lisez-moi.bat"),
        (b'Set s = CreateObject("WScript.Shell")\r\n', "facture.pdf.vbs"),
    ],
)
def test_programs_are_refused_whatever_their_name(content, filename):
    rejection = _rejection(content, filename)
    assert rejection.code == "executable"
    assert str(rejection) == (
        f"Le fichier « {filename} » est un programme exécutable : il est refusé."
    )


def test_a_program_renamed_pdf_is_refused_even_when_everything_is_allowed(tmp_path):
    path = samples.make_exe_named_pdf(tmp_path / "facture.pdf")
    with path.open("rb") as fileobj, pytest.raises(UploadRejected) as caught:
        check_upload(
            fileobj,
            filename="facture.pdf",
            size=path.stat().st_size,
            max_size=10 * MB,
            allowed={ft.PE.mime, ft.PDF.mime},
        )
    assert caught.value.code == "executable"


def test_empty_file_is_refused():
    rejection = _rejection(b"", "vide.pdf")
    assert rejection.code == "empty"
    assert str(rejection) == "Le fichier « vide.pdf » est vide."


@pytest.mark.parametrize(
    "size, limit, expected",
    [
        (3 * MB, int(2.5 * MB), "pèse 3 Mo, au-delà de la taille maximale de 2,5 Mo."),
        (int(2.5 * MB) + 1, int(2.5 * MB), "pèse 2,6 Mo, au-delà de la taille maximale de 2,5 Mo."),
        (20 * MB + 1, 20 * MB, "pèse 21 Mo, au-delà de la taille maximale de 20 Mo."),
    ],
)
def test_oversized_file_is_refused_with_the_limit_in_megabytes(size, limit, expected):
    content = samples.pdf_bytes()
    rejection = _rejection(content + bytes(size - len(content)), "plan.pdf", max_size=limit)
    assert rejection.code == "too_large"
    assert str(rejection) == f"Le fichier « plan.pdf » {expected}"


@pytest.mark.parametrize(
    "content, filename, label",
    [
        (samples.SVG_TEXT.encode(), "plan.svg", "Image SVG"),
        (samples.HTML_TEXT.encode(), "ordre-du-jour.html", "Page web (HTML)"),
        (samples.ooxml_bytes("word", macros=True), "modele.docx", "Document Word avec macros"),
        (samples.HEIC_HEAD, "IMG_2041.HEIC", "Image HEIC (iPhone)"),
        (samples.encrypted_office_bytes(), "paie.xlsx", "Document Office protégé par mot de passe"),
    ],
)
def test_types_outside_the_allow_list_are_refused(content, filename, label):
    rejection = _rejection(content, filename)
    assert rejection.code == "not_allowed"
    assert str(rejection) == (
        f"Le type de « {filename} » ({label}) n'est pas accepté. Types acceptés : PDF, Word, "
        "Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP, texte, Markdown, CSV, RTF, ZIP."
    )


def test_refusal_lists_only_the_types_allowed_here():
    rejection = _rejection(samples.png_bytes(), "logo.png", allowed={ft.PDF.mime, ft.ODT.mime})
    assert str(rejection).endswith("Types acceptés : PDF, OpenDocument.")


def test_refusal_messages_are_lazy_and_show_a_safe_name():
    rejection = _rejection(b"", "../../tmp/\u202egpj.exe")
    assert isinstance(rejection.message, Promise)
    assert str(rejection) == "Le fichier « gpj.exe » est vide."


def test_a_pdf_named_txt_is_simply_a_pdf():
    assert _check(samples.pdf_bytes(), "notes.txt") == ft.PDF


# --- sanitize_filename ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system32\\cmd.exe", "cmd.exe"),
        ("C:\\Users\\hélène\\Bureau\\CR réunion.pdf", "CR réunion.pdf"),
        ("..", "document"),
        ("", "document"),
        ("   ", "document"),
        ("/", "document"),
        ("  .env", "env"),
        (".htaccess", "htaccess"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("Com1.tar.gz", "_Com1.tar.gz"),
        ("console.txt", "console.txt"),
        (
            "Délibération n°12 – école « Les Tilleuls ».pdf",
            "Délibération n°12 – école « Les Tilleuls ».pdf",
        ),
        ("Ecole\u0301 e\u0301te\u0301.odt", "Ecolé été.odt"),
        ("compte\t rendu \n\n du   conseil.pdf", "compte rendu du conseil.pdf"),
        ("ordre\x00du\x07jour.pdf", "ordredujour.pdf"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ('question: "quoi"?.txt', "question_ _quoi__.txt"),
        ("rapport final. . .", "rapport final"),
    ],
)
def test_sanitize_filename(name, expected):
    assert sanitize_filename(name) == expected


def test_sanitize_filename_shortens_long_names_but_keeps_the_extension():
    name = "Compte rendu détaillé du conseil communautaire " * 10 + ".docx"
    cleaned = sanitize_filename(name)
    assert len(cleaned) == ft.MAX_FILENAME_CHARS
    assert cleaned.startswith("Compte rendu détaillé")
    assert cleaned.endswith(".docx")
    assert not cleaned.endswith(" .docx")


def test_sanitize_filename_stays_within_255_bytes_for_non_latin_names():
    cleaned = sanitize_filename("会议记录" * 60 + ".pdf")
    assert cleaned.endswith(".pdf")
    assert len(cleaned.encode()) <= 255
