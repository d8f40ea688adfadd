"""Recognise uploaded files from their bytes, never from their name, and vet them for upload.

The name a person gives a file says nothing reliable about it: a program can be called
``facture.pdf`` and a PDF ``notes.txt``. Types are therefore read from the content (magic numbers,
the ZIP central directory of Office and OpenDocument files, the directory of old OLE2 Office
files). The name only refines plain text (Markdown, CSV) and flags text that Windows would run
(``.bat``, ``.vbs``, ``.ps1``…).

Labels are French msgids (marked with ``gettext_noop``); ``FileType.display_label`` translates
them lazily.
"""

from __future__ import annotations

import codecs
import math
import re
import struct
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

HEAD_SIZE = 8192
"""How many leading bytes ``sniff`` needs to decide; ``sniff_file`` reads this much."""

MAX_FILENAME_CHARS = 150
_MAX_FILENAME_BYTES = 255  # ext4, NTFS and most object stores

FAMILIES = (
    "pdf",
    "word",
    "odt",
    "spreadsheet",
    "presentation",
    "image",
    "text",
    "markdown",
    "archive",
    "executable",
    "unknown",
)


@dataclass(frozen=True, slots=True)
class FileType:
    """What a file is, judged from its content.

    ``extension`` is the canonical one, lowercase and without the dot (empty when there is none);
    ``label`` is a French msgid, shown through ``display_label``; ``family`` is one of
    ``FAMILIES``.
    """

    mime: str
    extension: str
    label: str
    family: str

    @property
    def is_executable(self) -> bool:
        return self.family == "executable"

    @property
    def display_label(self) -> StrOrPromise:
        # The msgids are collected from the gettext_noop calls that define the known types.
        return _(self.label)


N_ = gettext_noop

# --- Known types ------------------------------------------------------------------------------

PDF = FileType("application/pdf", "pdf", N_("Document PDF"), "pdf")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    N_("Document Word"),
    "word",
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsx",
    N_("Classeur Excel"),
    "spreadsheet",
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
    N_("Présentation PowerPoint"),
    "presentation",
)
DOCM = FileType(
    "application/vnd.ms-word.document.macroEnabled.12",
    "docm",
    N_("Document Word avec macros"),
    "word",
)
XLSM = FileType(
    "application/vnd.ms-excel.sheet.macroEnabled.12",
    "xlsm",
    N_("Classeur Excel avec macros"),
    "spreadsheet",
)
PPTM = FileType(
    "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
    "pptm",
    N_("Présentation PowerPoint avec macros"),
    "presentation",
)
ODT = FileType(
    "application/vnd.oasis.opendocument.text", "odt", N_("Document texte OpenDocument"), "odt"
)
ODS = FileType(
    "application/vnd.oasis.opendocument.spreadsheet",
    "ods",
    N_("Classeur OpenDocument"),
    "spreadsheet",
)
ODP = FileType(
    "application/vnd.oasis.opendocument.presentation",
    "odp",
    N_("Présentation OpenDocument"),
    "presentation",
)
ODF_OTHER = FileType(
    "application/vnd.oasis.opendocument", "", N_("Fichier OpenDocument"), "unknown"
)
EPUB = FileType("application/epub+zip", "epub", N_("Livre numérique EPUB"), "unknown")
DOC = FileType("application/msword", "doc", N_("Document Word (ancien format Office)"), "word")
XLS = FileType(
    "application/vnd.ms-excel", "xls", N_("Classeur Excel (ancien format Office)"), "spreadsheet"
)
PPT = FileType(
    "application/vnd.ms-powerpoint",
    "ppt",
    N_("Présentation PowerPoint (ancien format Office)"),
    "presentation",
)
# Old-format files carrying VBA share the macro-enabled MIME types, so no allow-list of the
# plain formats lets them through.
DOC_MACROS = FileType(
    DOCM.mime, "doc", N_("Document Word avec macros (ancien format Office)"), "word"
)
XLS_MACROS = FileType(
    XLSM.mime, "xls", N_("Classeur Excel avec macros (ancien format Office)"), "spreadsheet"
)
PPT_MACROS = FileType(
    PPTM.mime,
    "ppt",
    N_("Présentation PowerPoint avec macros (ancien format Office)"),
    "presentation",
)
# A password-protected .docx/.xlsx/.pptx is an OLE2 container around an encrypted package:
# neither its kind nor its macros can be checked.
OFFICE_ENCRYPTED = FileType(
    "application/x-ms-office-encrypted",
    "",
    N_("Document Office protégé par mot de passe"),
    "unknown",
)
OUTLOOK_MSG = FileType("application/vnd.ms-outlook", "msg", N_("Message Outlook"), "unknown")
OLE_OTHER = FileType(
    "application/x-ole-storage", "", N_("Fichier Microsoft (ancien format)"), "unknown"
)
RTF = FileType("application/rtf", "rtf", N_("Document RTF"), "word")
PNG = FileType("image/png", "png", N_("Image PNG"), "image")
JPEG = FileType("image/jpeg", "jpg", N_("Image JPEG"), "image")
GIF = FileType("image/gif", "gif", N_("Image GIF"), "image")
WEBP = FileType("image/webp", "webp", N_("Image WebP"), "image")
TIFF = FileType("image/tiff", "tif", N_("Image TIFF"), "image")
BMP = FileType("image/bmp", "bmp", N_("Image BMP"), "image")
HEIC = FileType("image/heic", "heic", N_("Image HEIC (iPhone)"), "image")
AVIF = FileType("image/avif", "avif", N_("Image AVIF"), "image")
MP4 = FileType("video/mp4", "mp4", N_("Vidéo MP4"), "unknown")
OGG = FileType("audio/ogg", "ogg", N_("Fichier audio Ogg"), "unknown")
WAV = FileType("audio/wav", "wav", N_("Fichier audio WAV"), "unknown")
MP3 = FileType("audio/mpeg", "mp3", N_("Fichier audio MP3"), "unknown")
# SVG and HTML are text, but a browser runs the scripts they carry: "text" family (shown
# escaped if ever shown) and outside the default allow-list.
SVG = FileType("image/svg+xml", "svg", N_("Image SVG"), "text")
HTML = FileType("text/html", "html", N_("Page web (HTML)"), "text")
XML = FileType("application/xml", "xml", N_("Fichier XML"), "text")
TEXT = FileType("text/plain", "txt", N_("Fichier texte"), "text")
MARKDOWN = FileType("text/markdown", "md", N_("Texte Markdown"), "markdown")
CSV = FileType("text/csv", "csv", N_("Tableau CSV"), "text")
ZIP = FileType("application/zip", "zip", N_("Archive ZIP"), "archive")
GZIP = FileType("application/gzip", "gz", N_("Archive GZIP"), "archive")
SEVEN_ZIP = FileType("application/x-7z-compressed", "7z", N_("Archive 7-Zip"), "archive")
RAR = FileType("application/vnd.rar", "rar", N_("Archive RAR"), "archive")
PE = FileType(
    "application/vnd.microsoft.portable-executable", "exe", N_("Programme Windows"), "executable"
)
MSI = FileType("application/x-msi", "msi", N_("Programme d'installation Windows"), "executable")
LNK = FileType("application/x-ms-shortcut", "lnk", N_("Raccourci Windows"), "executable")
ELF = FileType("application/x-elf", "", N_("Programme Linux"), "executable")
MACHO = FileType("application/x-mach-binary", "", N_("Programme macOS"), "executable")
JAVA_CLASS = FileType("application/java-vm", "class", N_("Programme Java"), "executable")
JAR = FileType("application/java-archive", "jar", N_("Archive Java exécutable"), "executable")
APK = FileType(
    "application/vnd.android.package-archive", "apk", N_("Application Android"), "executable"
)
WASM = FileType("application/wasm", "wasm", N_("Module WebAssembly"), "executable")
SCRIPT = FileType("text/x-script", "", N_("Script exécutable"), "executable")
EMPTY = FileType("application/x-empty", "", N_("Fichier vide"), "unknown")
UNKNOWN = FileType("application/octet-stream", "", N_("Type de fichier inconnu"), "unknown")

DEFAULT_ALLOWED_MIMES: frozenset[str] = frozenset(
    t.mime
    for t in (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS)
    + (PNG, JPEG, GIF, WEBP, TEXT, MARKDOWN, CSV, RTF, ZIP)
)
"""What ``check_upload`` accepts unless told otherwise. Archives are kept, never extracted."""

# Short names for the "Types acceptés : …" sentence, in the order they are listed.
_ACCEPTED_NAMES: tuple[tuple[StrOrPromise, frozenset[str]], ...] = (
    ("PDF", frozenset({PDF.mime})),
    ("Word", frozenset({DOCX.mime, DOC.mime})),
    ("Excel", frozenset({XLSX.mime, XLS.mime})),
    ("PowerPoint", frozenset({PPTX.mime, PPT.mime})),
    ("OpenDocument", frozenset({ODT.mime, ODS.mime, ODP.mime})),
    ("PNG", frozenset({PNG.mime})),
    ("JPEG", frozenset({JPEG.mime})),
    ("GIF", frozenset({GIF.mime})),
    ("WebP", frozenset({WEBP.mime})),
    (_("texte"), frozenset({TEXT.mime})),
    ("Markdown", frozenset({MARKDOWN.mime})),
    ("CSV", frozenset({CSV.mime})),
    ("RTF", frozenset({RTF.mime})),
    ("ZIP", frozenset({ZIP.mime})),
)

# Text that Windows (or a desktop shell) runs when it is double-clicked.
# fmt: off
_SCRIPT_EXTENSIONS = frozenset({
    "application", "bash", "bat", "cmd", "com", "command", "cpl", "csh", "desktop", "exe",
    "gadget", "hta", "inf", "js", "jse", "ksh", "lnk", "msc", "msi", "php", "pif", "pl", "ps1",
    "psd1", "psm1", "py", "pyw", "rb", "reg", "scf", "scr", "sh", "tool", "url", "vb", "vbe",
    "vbs", "ws", "wsc", "wsf", "wsh", "zsh",
})
# fmt: on

_MARKDOWN_EXTENSIONS = frozenset({"md", "markdown", "mdown", "mkd"})


# --- Sniffing ---------------------------------------------------------------------------------


def sniff(head: bytes, *, filename: str = "") -> FileType:
    """Identify a file from its first bytes (``HEAD_SIZE`` are enough).

    ZIP- and OLE2-based formats are only guessed from the head: use ``sniff_file`` to read their
    directory. ``filename`` only refines text (Markdown, CSV, scripts); it never makes binary
    content acceptable.
    """
    if not head:
        return EMPTY
    found = _sniff_executable(head)
    if found is not None:
        return found
    # Containers before the PDF test: a ZIP may store a PDF uncompressed right after its header.
    if head.startswith(_ZIP_MAGICS):
        return _sniff_zip_head(head)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(_head_reader(head))
    return _sniff_binary(head) or _sniff_text(head, filename=filename)


def sniff_file(fileobj: IO[bytes], *, filename: str = "") -> FileType:
    """Identify a seekable binary file, reading the directory of ZIP and OLE2 containers.

    Reads from the start of the file whatever its current position, and puts the position back.
    """
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        head = fileobj.read(HEAD_SIZE)
        if head.startswith(_ZIP_MAGICS):
            return _sniff_zip_file(fileobj, head)
        if head.startswith(_OLE_MAGIC):
            return _sniff_ole(_file_reader(fileobj))
        return sniff(head, filename=filename)
    finally:
        fileobj.seek(position)


def _sniff_executable(head: bytes) -> FileType | None:
    if head.startswith(b"MZ"):
        if len(head) >= 0x40:
            (pe_offset,) = struct.unpack_from("<I", head, 0x3C)
            if head[pe_offset : pe_offset + 4] == b"PE\x00\x00":
                return PE
        # A DOS program without a PE header still has binary fields; text that merely starts
        # with the letters "MZ" does not.
        if b"\x00" in head[:512]:
            return PE
    if head.startswith(b"\x7fELF"):
        return ELF
    magic = head[:4]
    if magic in (
        b"\xfe\xed\xfa\xce",
        b"\xce\xfa\xed\xfe",
        b"\xfe\xed\xfa\xcf",
        b"\xcf\xfa\xed\xfe",
    ):
        return MACHO
    if magic == b"\xca\xfe\xba\xbf":
        return MACHO
    if magic == b"\xca\xfe\xba\xbe" and len(head) >= 8:
        # Shared by universal Mach-O binaries (then an architecture count) and Java classes (then
        # a class-file version, 45 and up): the test `file(1)` uses.
        (count_or_version,) = struct.unpack_from(">I", head, 4)
        return MACHO if count_or_version < 45 else JAVA_CLASS
    if magic == b"\x00asm":
        return WASM
    if head.startswith(b"#!"):
        return SCRIPT
    if head.startswith(bytes.fromhex("4c0000000114020000000000c000000000000046")):
        return LNK
    return None


def _sniff_binary(head: bytes) -> FileType | None:
    # Readers accept up to 1 KiB of junk before the header, so some real PDFs have it.
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"BM") and len(head) >= 18:
        (dib_header_size,) = struct.unpack_from("<I", head, 14)
        if dib_header_size in (12, 40, 52, 56, 64, 108, 124):
            return BMP
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"):
            return HEIC
        if brand in (b"avif", b"avis"):
            return AVIF
        return MP4
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"ID3"):
        return MP3
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return SEVEN_ZIP
    if head.startswith(b"Rar!\x1a\x07"):
        return RAR
    return None


# --- ZIP containers ---------------------------------------------------------------------------

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
_ODF_TYPES = {t.mime: t for t in (ODT, ODS, ODP)}
_MAIN_PART = re.compile(rb'contenttype="([^"]+)\.main\+xml"')
_ZIP_MEMBER_LIMIT = 1024 * 1024  # [Content_Types].xml and mimetype are a few KiB at most
# Office and OpenDocument files have a few dozen members. Reading a huge central directory (a
# million empty entries fit in a small upload) would cost the web process time and memory.
_ZIP_MAX_DIRECTORY_BYTES = 4 * 1024 * 1024


def _odf_or_other(mime: str) -> FileType:
    if mime in _ODF_TYPES:
        return _ODF_TYPES[mime]
    if mime == EPUB.mime:
        return EPUB
    if mime.startswith("application/vnd.oasis.opendocument."):
        return ODF_OTHER
    return ZIP


def _office_from_main_type(main_type: str, *, has_macros: bool) -> FileType | None:
    macros = has_macros or "macroenabled" in main_type
    if "wordprocessingml" in main_type or "ms-word" in main_type:
        return DOCM if macros else DOCX
    if "spreadsheetml" in main_type or "ms-excel" in main_type:
        return XLSM if macros else XLSX
    if "presentationml" in main_type or "ms-powerpoint" in main_type:
        return PPTM if macros else PPTX
    return None


def _sniff_zip_head(head: bytes) -> FileType:
    # ODF puts an uncompressed "mimetype" member first, so its type sits in the first bytes.
    if len(head) >= 30 and head.startswith(b"PK\x03\x04"):
        (method,) = struct.unpack_from("<H", head, 8)
        (size,) = struct.unpack_from("<I", head, 18)
        name_len, extra_len = struct.unpack_from("<HH", head, 26)
        if head[30 : 30 + name_len] == b"mimetype" and method == 0 and size < 200:
            start = 30 + name_len + extra_len
            return _odf_or_other(head[start : start + size].decode("ascii", "replace").strip())
    has_macros = b"vbaProject.bin" in head
    for marker, main_type in (
        (b"word/document.xml", "wordprocessingml"),
        (b"xl/workbook.xml", "spreadsheetml"),
        (b"ppt/presentation.xml", "presentationml"),
    ):
        if marker in head:
            return _office_from_main_type(main_type, has_macros=has_macros) or ZIP
    if b"AndroidManifest.xml" in head:
        return APK
    if b"META-INF/MANIFEST.MF" in head and b".class" in head:
        return JAR
    return ZIP


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _ZIP_MEMBER_LIMIT:
        return b""
    with archive.open(info) as member:
        return member.read(_ZIP_MEMBER_LIMIT)


def _zip_directory_is_small(fileobj: IO[bytes]) -> bool:
    size = fileobj.seek(0, 2)
    tail_size = min(size, 65535 + 22)  # the end record, after a comment of up to 64 KiB
    fileobj.seek(size - tail_size)
    tail = fileobj.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return False
    entries, directory_size = struct.unpack_from("<HI", tail, at + 10)
    # 0xFFFF entries means ZIP64, which no office document needs.
    return bool(entries != 0xFFFF and directory_size <= _ZIP_MAX_DIRECTORY_BYTES)


def _sniff_zip_file(fileobj: IO[bytes], head: bytes) -> FileType:
    if not _zip_directory_is_small(fileobj):
        return _sniff_zip_head(head)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            name_set = set(names)
            if "mimetype" in name_set:
                mime = _read_member(archive, "mimetype").decode("ascii", "replace").strip()
                return _odf_or_other(mime)
            if "[Content_Types].xml" in name_set:
                has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
                content_types = _read_member(archive, "[Content_Types].xml").lower()
                main = _MAIN_PART.search(content_types)
                main_type = main.group(1).decode("ascii", "replace") if main else ""
                if not main_type:
                    if "word/document.xml" in name_set:
                        main_type = "wordprocessingml"
                    elif "xl/workbook.xml" in name_set:
                        main_type = "spreadsheetml"
                    elif "ppt/presentation.xml" in name_set:
                        main_type = "presentationml"
                found = _office_from_main_type(main_type, has_macros=has_macros)
                if found is not None:
                    return found
            if "AndroidManifest.xml" in name_set and "classes.dex" in name_set:
                return APK
            if "META-INF/MANIFEST.MF" in name_set and any(n.endswith(".class") for n in names):
                return JAR
            return ZIP
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        # A damaged archive: judge from what the local headers show.
        return _sniff_zip_head(head)


# --- OLE2 (Compound File Binary) containers: .doc, .xls, .ppt, .msi, .msg ----------------------

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE_MAX_DIRECTORY_SECTORS = 64
_OLE_END = 0xFFFFFFFA  # every sector number from here up is a marker, not a sector
_MSI_CLSIDS = frozenset(
    uuid.UUID(f"000c10{n}-0000-0000-c000-000000000046").bytes_le for n in ("84", "86", "82")
)
_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba", "_vba_project"})

_Reader = Callable[[int, int], bytes]


def _head_reader(head: bytes) -> _Reader:
    return lambda offset, size: head[offset : offset + size]


def _file_reader(fileobj: IO[bytes]) -> _Reader:
    def read_at(offset: int, size: int) -> bytes:
        fileobj.seek(offset)
        return fileobj.read(size)

    return read_at


def _ole_directory(read_at: _Reader) -> tuple[bytes, list[str]] | None:
    """The root CLSID and the entry names of an OLE2 file, or None when it cannot be read."""
    header = read_at(0, 512)
    if len(header) < 512:
        return None
    sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
    if sector_shift not in (9, 12):
        return None
    sector_size = 1 << sector_shift
    per_fat_sector = sector_size // 4
    (first_directory_sector,) = struct.unpack_from("<I", header, 0x30)
    fat_sectors = [
        s for s in struct.unpack_from("<109I", header, 0x4C) if s < _OLE_END
    ]  # enough to map the first ~7 MB (512-byte sectors) or ~1.6 GB (4 KiB sectors)

    def next_sector(sector: int) -> int:
        index, slot = divmod(sector, per_fat_sector)
        if index >= len(fat_sectors):
            return _OLE_END
        entry = read_at(((fat_sectors[index] + 1) << sector_shift) + slot * 4, 4)
        return struct.unpack("<I", entry)[0] if len(entry) == 4 else _OLE_END

    root_clsid = b""
    names: list[str] = []
    sector = first_directory_sector
    for _i in range(_OLE_MAX_DIRECTORY_SECTORS):
        if sector >= _OLE_END:
            break
        data = read_at((sector + 1) << sector_shift, sector_size)
        for offset in range(0, len(data) - 127, 128):
            entry = data[offset : offset + 128]
            name_size = min(struct.unpack_from("<H", entry, 0x40)[0], 64)
            if entry[0x42] == 0 or name_size < 2:  # unused entry
                continue
            name = entry[: name_size - 2].decode("utf-16-le", "replace")
            if entry[0x42] == 5:  # root storage
                root_clsid = entry[0x50:0x60]
            names.append(name)
        sector = next_sector(sector)
    if not names:
        return None
    return root_clsid, names


def _sniff_ole(read_at: _Reader) -> FileType:
    directory = _ole_directory(read_at)
    if directory is None:
        return OLE_OTHER
    root_clsid, names = directory
    if root_clsid in _MSI_CLSIDS:
        return MSI
    lowered = {n.lower() for n in names}
    has_macros = bool(lowered & _MACRO_STORAGES)
    if "encryptedpackage" in lowered:
        return OFFICE_ENCRYPTED
    if "worddocument" in lowered:
        return DOC_MACROS if has_macros else DOC
    if "workbook" in lowered or "book" in lowered:
        return XLS_MACROS if has_macros else XLS
    if "powerpoint document" in lowered:
        return PPT_MACROS if has_macros else PPT
    if "__properties_version1.0" in lowered or any(n.startswith("__substg1.0_") for n in lowered):
        return OUTLOOK_MSG
    return OLE_OTHER


# --- Text -------------------------------------------------------------------------------------

_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a\x1b")
_HTML_MARKERS = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<script|<iframe")


def _decode_head(head: bytes) -> str | None:
    """The head as text, or None when it looks binary. A character cut at the end is dropped."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            try:
                text = codecs.getincrementaldecoder(codec)().decode(head[len(bom) :])
            except UnicodeDecodeError:
                return None
            break
    else:
        if b"\x00" in head:
            return None
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head)
        except UnicodeDecodeError:
            try:
                text = head.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                return None
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > len(text) // 100:
        return None
    return text


def _extension(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(". ")
    _stem, dot, ext = base.rpartition(".")
    return ext.lower() if dot else ""


def _sniff_text(head: bytes, *, filename: str) -> FileType:
    text = _decode_head(head)
    if text is None:
        return UNKNOWN
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("<"):
        if re.match(r"<!doctype\s+html|<html[\s>]", start):
            return HTML
        if "<svg" in start:
            return SVG
        if _HTML_MARKERS.search(start):
            return HTML
        if start.startswith("<?xml"):
            return XML
    extension = _extension(filename)
    if extension in _SCRIPT_EXTENSIONS:
        return SCRIPT
    if extension in _MARKDOWN_EXTENSIONS:
        return MARKDOWN
    if extension == "csv":
        return CSV
    return TEXT


# --- Upload checks ----------------------------------------------------------------------------


class UploadRejected(Exception):
    """An upload refused for a reason the person who sent it can act on.

    ``message`` is French, lazily translated; ``code`` is one of ``empty``, ``too_large``,
    ``executable`` and ``not_allowed`` as raised by ``check_upload``, ``invalid`` otherwise
    (usable as a ``ValidationError`` code).
    """

    def __init__(
        self, message: StrOrPromise, *, code: str = "invalid", filetype: FileType | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.filetype = filetype

    def __str__(self) -> str:
        return str(self.message)


def _megabytes(size: int, *, round_up: bool = False) -> str:
    value = size / (1024 * 1024)
    # One decimal below 10 Mo. A file just over the limit is rounded up, so that it never reads
    # as weighing the limit itself.
    step = 1 if value >= 10 else 10
    value = (math.ceil(value * step) if round_up else round(value * step)) / step
    return number_format(int(value) if value.is_integer() else value)


_megabytes_lazy = lazy(_megabytes, str)


def accepted_types_text(allowed: Iterable[str] = DEFAULT_ALLOWED_MIMES) -> StrOrPromise:
    """The allowed types as a short list for people ("PDF, Word, Excel, …"), lazily translated."""
    allowed_set = set(allowed)
    names = [name for name, mimes in _ACCEPTED_NAMES if mimes & allowed_set]
    named = frozenset().union(*(mimes for _name, mimes in _ACCEPTED_NAMES))
    names.extend(sorted(allowed_set - named))
    return format_lazy(", ".join(["{}"] * len(names)), *names)


def check_upload(
    fileobj: IO[bytes],
    *,
    filename: str,
    size: int,
    max_size: int,
    allowed: Iterable[str] = DEFAULT_ALLOWED_MIMES,
) -> FileType:
    """Return the type of an uploaded file, or raise ``UploadRejected`` with a French message.

    Refuses empty and oversized files, executables whatever their name, and any type outside
    ``allowed``. The file position is left unchanged.
    """
    name = sanitize_filename(filename)
    if size <= 0:
        raise UploadRejected(
            format_lazy(_("Le fichier « {name} » est vide."), name=name), code="empty"
        )
    if size > max_size:
        raise UploadRejected(
            format_lazy(
                _(
                    "Le fichier « {name} » pèse {size} Mo, au-delà de la taille maximale "
                    "de {limit} Mo."
                ),
                name=name,
                size=_megabytes_lazy(size, round_up=True),
                limit=_megabytes_lazy(max_size),
            ),
            code="too_large",
        )
    filetype = sniff_file(fileobj, filename=filename)
    if filetype == EMPTY:
        raise UploadRejected(
            format_lazy(_("Le fichier « {name} » est vide."), name=name), code="empty"
        )
    if filetype.is_executable:
        raise UploadRejected(
            format_lazy(
                _("Le fichier « {name} » est un programme exécutable : il est refusé."), name=name
            ),
            code="executable",
            filetype=filetype,
        )
    allowed_set = frozenset(allowed)
    if filetype.mime not in allowed_set:
        raise UploadRejected(
            format_lazy(
                _("Le type de « {name} » ({label}) n'est pas accepté. Types acceptés : {types}."),
                name=name,
                label=filetype.display_label,
                types=accepted_types_text(allowed_set),
            ),
            code="not_allowed",
            filetype=filetype,
        )
    return filetype


# --- File names -------------------------------------------------------------------------------

_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"}
    | {f"{port}{n}" for port in ("com", "lpt") for n in (*"0123456789", "¹", "²", "³")}
)
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 16 and " " not in ext:
        return stem, "." + ext
    return name, ""


def _truncate(text: str, *, chars: int, size: int) -> str:
    text = text[: max(chars, 0)]
    encoded = text.encode("utf-8")
    if len(encoded) > size:
        text = encoded[: max(size, 0)].decode("utf-8", "ignore")
    return text


def sanitize_filename(name: str) -> str:
    """A safe display and download name for a user-supplied file name.

    Keeps only the last path component (``/`` or ``\\``), drops control and bidi-override
    characters, characters Windows forbids, leading dots and trailing dots or spaces, collapses
    whitespace, defuses Windows device names (``CON.txt`` → ``_CON.txt``) and keeps accents (NFC).
    At most ``MAX_FILENAME_CHARS`` characters, extension kept; never empty (``document``).
    """
    name = unicodedata.normalize("NFC", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    name = _WINDOWS_FORBIDDEN.sub("_", name)
    name = " ".join(name.split())
    name = name.lstrip(". ").rstrip(". ")
    stem, extension = _split_extension(name)
    if stem.split(".", 1)[0].rstrip(" ").lower() in _WINDOWS_RESERVED:
        stem = "_" + stem
    stem = _truncate(
        stem,
        chars=MAX_FILENAME_CHARS - len(extension),
        size=_MAX_FILENAME_BYTES - len(extension.encode("utf-8")),
    ).rstrip(". ")
    return (stem or "document") + extension
