"""Plain text from stored document files, for search.

``extract_text`` never raises: every outcome is an ``ExtractionResult``. Parsers of untrusted
files can loop or balloon, so the background task calls ``extract_text_bounded``, which runs the
extraction in a child process with a memory cap and a deadline.

This module imports nothing from Django: the child process runs it without settings.
"""

from __future__ import annotations

import codecs
import math
import multiprocessing
import re
import resource
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from lxml import etree

MAX_TEXT_CHARS = 2_000_000
"""Longest text kept (characters, after whitespace normalisation)."""

MAX_ERROR_CHARS = 300  # DocumentVersion.extraction_error
_MAX_XML_BYTES = 128 * 1024 * 1024  # uncompressed content.xml / styles.xml

Status = Literal["ok", "empty", "failed", "encrypted", "unsupported"]

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODF_MIMES = frozenset(
    {
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)
TEXT_MIMES = frozenset({"text/plain", "text/markdown", "text/csv"})


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    """The outcome of an extraction: ``text`` is empty unless ``status`` is ``ok``.

    ``error`` is technical (English, for logs and admins), at most ``MAX_ERROR_CHARS`` long.
    """

    status: Status
    text: str
    error: str = ""


def _failed(error: str) -> ExtractionResult:
    return ExtractionResult("failed", "", error[:MAX_ERROR_CHARS])


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- Text assembly ----------------------------------------------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def normalise_text(text: str) -> str:
    """NFC, one space between words, no blank runs longer than one line, trimmed, capped."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROLS.sub(" ", text)
    # Unicode-aware: also folds the no-break spaces of French typography.
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return text[:MAX_TEXT_CHARS]


class _Lines:
    """Collects lines of text, and says when enough has been read to fill MAX_TEXT_CHARS."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    @property
    def full(self) -> bool:
        # Normalisation shrinks text, so keep a margin before the final cut.
        return self.size > 2 * MAX_TEXT_CHARS

    def add(self, text: str) -> None:
        if text and not self.full:
            self.parts.append(text)
            self.parts.append("\n")
            self.size += len(text) + 1

    def text(self) -> str:
        return "".join(self.parts)


# --- PDF --------------------------------------------------------------------------------------


def _extract_pdf(path: Path) -> str | ExtractionResult:
    from pypdf import PasswordType, PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted:
        # Many PDFs are encrypted with an empty user password only to restrict printing or
        # copying: they open without asking anything, and so should they here.
        try:
            if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                return ExtractionResult("encrypted", "", "a password is required")
        except Exception as exc:  # unsupported algorithm, missing crypto dependency
            return ExtractionResult("encrypted", "", _describe(exc)[:MAX_ERROR_CHARS])
    lines = _Lines()
    page_error: Exception | None = None
    for page in reader.pages:
        try:
            lines.add(page.extract_text() or "")
        except Exception as exc:  # one broken page should not cost the others
            page_error = exc
        lines.add("")
        if lines.full:
            break
    if page_error is not None and not lines.text().strip():
        raise page_error
    return lines.text()


# --- DOCX -------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Deleted revisions, field codes and the duplicate (legacy) rendering of drawings.
_W_SKIPPED = frozenset(
    {_W + "del", _W + "moveFrom", _W + "instrText", _W + "delText", _W + "sectPr", _MC_FALLBACK}
)
_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def _word_paragraph(paragraph: Any, lines: _Lines) -> None:
    """One line for the paragraph; text boxes anchored in it become lines of their own."""
    parts: list[str] = []
    boxes: list[Any] = []

    def walk(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag in _W_SKIPPED:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag == _W + "tab":
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "txbxContent":
                boxes.append(child)
            elif isinstance(tag, str):  # not an entity reference
                walk(child)

    walk(paragraph)
    lines.add("".join(parts))
    for box in boxes:
        _word_blocks(box, lines, depth=1)


def _word_table(table: Any, lines: _Lines, depth: int) -> None:
    for row in table.iterchildren(_W + "tr"):
        cells = []
        # Physical cells only: a merged cell is one w:tc (python-docx's row.cells repeats it).
        for cell in row.iterchildren(_W + "tc"):
            cell_lines = _Lines()
            _word_blocks(cell, cell_lines, depth + 1)
            cells.append(" ".join(cell_lines.text().split("\n")))
        lines.add("\t".join(cells))
        if lines.full:
            return


def _word_blocks(container: Any, lines: _Lines, depth: int = 0) -> None:
    """Paragraphs and tables of a body, cell, header, footer, note or text box, in order.

    Descends into content controls (w:sdt), tracked insertions and custom XML, which
    python-docx's ``iter_inner_content()`` does not.
    """
    if depth > 32:
        return
    for child in container.iterchildren():
        if lines.full:
            return
        tag = child.tag
        if tag in _W_SKIPPED:
            continue
        if tag == _W + "p":
            _word_paragraph(child, lines)
        elif tag == _W + "tbl":
            _word_table(child, lines, depth)
        elif isinstance(tag, str):
            _word_blocks(child, lines, depth + 1)


def _extract_docx(path: Path) -> str | ExtractionResult:
    with open(path, "rb") as fh:
        if fh.read(8) == _OLE_MAGIC:
            # Office wraps password-protected documents in an OLE2 container.
            return ExtractionResult("encrypted", "", "password-protected Office document")

    import docx
    from docx.opc.constants import CONTENT_TYPE as CT

    document = docx.Document(str(path))
    lines = _Lines()
    _word_blocks(document.element.body, lines)
    # Headers and footers of every section (each part once, whichever sections link to it),
    # then footnotes and endnotes.
    seen: set[str] = set()
    for section in document.sections:
        for story in (
            section.first_page_header,
            section.header,
            section.even_page_header,
            section.first_page_footer,
            section.footer,
            section.even_page_footer,
        ):
            if story.is_linked_to_previous:  # no definition of its own
                continue
            part = story.part
            if str(part.partname) not in seen:
                seen.add(str(part.partname))
                _word_blocks(part.element, lines)
    for part in document.part.package.iter_parts():
        if part.content_type in (CT.WML_FOOTNOTES, CT.WML_ENDNOTES):
            _word_blocks(_part_element(part), lines)
    return lines.text()


def _part_element(part: Any) -> Any:
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from lxml import etree

    return etree.fromstring(part.blob, _xml_parser())


# --- OpenDocument -----------------------------------------------------------------------------

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_ODF_SKIPPED = frozenset(
    {
        _TEXT + "tracked-changes",  # deleted text lives here
        _TEXT + "note-citation",
        _TEXT + "sequence-decls",
        _TEXT + "variable-decls",
        _TABLE + "covered-table-cell",
        _OFFICE + "annotation",
        _OFFICE + "forms",
        _OFFICE + "scripts",
        _OFFICE + "font-face-decls",
        _OFFICE + "automatic-styles",
    }
)
# Inline elements that hold paragraphs of their own: their text goes on separate lines.
_ODF_INLINE_BLOCKS = frozenset({_TEXT + "note", _DRAW + "frame", _DRAW + "custom-shape"})
_ODF_HEADERS_FOOTERS = frozenset(
    _STYLE + name
    for name in (
        "header",
        "header-left",
        "header-first",
        "footer",
        "footer-left",
        "footer-first",
    )
)
_MAX_SPACES = 100


def _xml_parser() -> etree.XMLParser:
    from lxml import etree

    # No entities, no network, no huge trees: the XML comes from an untrusted upload.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _odf_paragraph(paragraph: Any, lines: _Lines, depth: int) -> None:
    parts: list[str] = []
    blocks: list[Any] = []

    def text(value: str | None) -> None:
        if value:
            # In ODF, runs of XML whitespace are one space; real spacing is marked up.
            parts.append(_XML_SPACE.sub(" ", value))

    def walk(element: Any) -> None:
        text(element.text)
        for child in element.iterchildren():
            tag = child.tag
            if tag == _TEXT + "s":
                count = child.get(_TEXT + "c", "1")
                parts.append(" " * min(int(count) if count.isdigit() else 1, _MAX_SPACES))
            elif tag == _TEXT + "tab":
                parts.append("\t")
            elif tag == _TEXT + "line-break":
                parts.append("\n")
            elif tag in _ODF_INLINE_BLOCKS:
                blocks.append(child)
            elif isinstance(tag, str) and tag not in _ODF_SKIPPED:
                walk(child)
            text(child.tail)

    walk(paragraph)
    lines.add("".join(parts))
    for block in blocks:
        _odf_blocks(block, lines, depth + 1)


def _odf_row(row: Any, lines: _Lines, depth: int) -> None:
    cells = []
    for cell in row.iterchildren(_TABLE + "table-cell"):
        cell_lines = _Lines()
        _odf_blocks(cell, cell_lines, depth + 1)
        text = " ".join(cell_lines.text().split())
        # Repeated cells (number-columns-repeated) are indexed once: this is for search.
        if text:
            cells.append(text)
    lines.add("\t".join(cells))


def _odf_blocks(container: Any, lines: _Lines, depth: int = 0) -> None:
    """Paragraphs, headings and table rows under ``container``, in document order."""
    if depth > 64:
        return
    for child in container.iterchildren():
        if lines.full:
            return
        tag = child.tag
        if tag in _ODF_SKIPPED:
            continue
        if tag in (_TEXT + "p", _TEXT + "h"):
            _odf_paragraph(child, lines, depth)
        elif tag == _TABLE + "table-row":
            _odf_row(child, lines, depth)
        elif isinstance(tag, str):
            _odf_blocks(child, lines, depth + 1)


def _read_xml_member(archive: zipfile.ZipFile, name: str) -> Any:
    from lxml import etree

    info = archive.getinfo(name)
    if info.file_size > _MAX_XML_BYTES:
        raise ValueError(f"{name} is too large ({info.file_size} bytes uncompressed)")
    with archive.open(info) as member:
        return etree.fromstring(member.read(_MAX_XML_BYTES + 1), _xml_parser())


def _extract_odf(path: Path) -> str | ExtractionResult:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "META-INF/manifest.xml" in names:
            with archive.open("META-INF/manifest.xml") as manifest:
                if b"encryption-data" in manifest.read(_MAX_XML_BYTES):
                    return ExtractionResult("encrypted", "", "password-protected OpenDocument file")
        lines = _Lines()
        body = _read_xml_member(archive, "content.xml").find(_OFFICE + "body")
        if body is not None:
            _odf_blocks(body, lines)
        if "styles.xml" in names and not lines.full:
            # Headers and footers of text documents are defined with the page styles.
            styles = _read_xml_member(archive, "styles.xml")
            for element in styles.iter(*_ODF_HEADERS_FOOTERS):
                _odf_blocks(element, lines)
        return lines.text()


# --- Plain text -------------------------------------------------------------------------------


def _extract_plain(path: Path) -> str:
    with open(path, "rb") as fh:
        # Four bytes per character at most in UTF-8: enough to fill MAX_TEXT_CHARS.
        data = fh.read(4 * MAX_TEXT_CHARS + 4)
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    try:
        # Not final: a character cut by the size cap is dropped instead of failing the decode.
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=False)
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


_EXTRACTORS: dict[str, Callable[[Path], str | ExtractionResult]] = {
    PDF_MIME: _extract_pdf,
    DOCX_MIME: _extract_docx,
    **dict.fromkeys(ODF_MIMES, _extract_odf),
    **dict.fromkeys(TEXT_MIMES, _extract_plain),
}

SUPPORTED_MIMES: frozenset[str] = frozenset(_EXTRACTORS)
"""The types ``extract_text`` reads; every other type is ``unsupported``."""


def extract_text(path: str | Path, mime: str) -> ExtractionResult:
    """Extract the text of the file at ``path``, whose (sniffed) type is ``mime``.

    Never raises: a damaged file gives ``failed`` with the parser's error, a file that needs a
    password ``encrypted``, a file without text (a scan) ``empty``, a type without extractor
    ``unsupported``. Runs in the calling process, unbounded: prefer ``extract_text_bounded``
    for uploaded files.
    """
    extractor = _EXTRACTORS.get(mime)
    if extractor is None:
        return ExtractionResult("unsupported", "")
    try:
        outcome = extractor(Path(path))
    except MemoryError:
        return _failed("memory limit exceeded")
    except Exception as exc:
        return _failed(_describe(exc))
    if isinstance(outcome, ExtractionResult):
        return outcome
    text = normalise_text(outcome)
    return ExtractionResult("ok" if text else "empty", text)


# --- Bounded extraction -----------------------------------------------------------------------

# "forkserver": children are forked from a small single-threaded server started once (safe from
# threaded servers such as Daphne and task workers, which plain "fork" is not) that has already
# imported the parsers, so a child costs a fork instead of a new interpreter (~110 ms saved per
# file with "spawn", measured by bench/ingest.py).
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["documents.extraction", "pypdf", "docx", "lxml.etree"])
_REAP_SECONDS = 5.0


def _limit_resources(memory_mb: int, cpu_seconds: float) -> None:
    def lower(limit_kind: int, value: int) -> None:
        _soft, hard = resource.getrlimit(limit_kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(limit_kind, (value, hard))

    lower(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    if math.isfinite(cpu_seconds):
        # Backstop should the parent die before killing us: the kernel stops a runaway parser.
        lower(resource.RLIMIT_CPU, math.ceil(cpu_seconds) + 1)
    lower(resource.RLIMIT_CORE, 0)


def _extract_in_child(
    connection: Connection, path: str, mime: str, memory_mb: int, cpu_seconds: float
) -> None:
    try:
        _limit_resources(memory_mb, cpu_seconds)
        result = extract_text(path, mime)
    except MemoryError:
        result = _failed("memory limit exceeded")
    except BaseException as exc:
        result = _failed(_describe(exc))
    try:
        connection.send(result)
    except MemoryError:
        connection.send(_failed("memory limit exceeded"))
    finally:
        connection.close()


def _reap(process: BaseProcess, *, kill: bool) -> int | None:
    if kill:
        process.kill()
    process.join(_REAP_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()
    exitcode = process.exitcode
    process.close()
    return exitcode


def extract_text_bounded(
    path: str | Path, mime: str, *, timeout: float = 60, memory_mb: int = 512
) -> ExtractionResult:
    """``extract_text`` in a child process limited to ``memory_mb`` of address space and killed
    after ``timeout`` seconds.

    A timeout gives ``failed`` with "timed out after N s"; exhausting memory, "memory limit
    exceeded"; a crash, the child's exit code. The child is always reaped before returning.
    """
    if mime not in _EXTRACTORS:
        return ExtractionResult("unsupported", "")
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=_extract_in_child,
        args=(sender, str(path), mime, memory_mb, timeout),
        name="document-extraction",
        daemon=True,
    )
    result: object = None
    timed_out = False
    try:
        process.start()
        # Only the child may hold the sending end, or a crash would not read as end-of-file.
        sender.close()
        if receiver.poll(timeout):
            try:
                result = receiver.recv()
            except (EOFError, OSError):
                result = None
        else:
            timed_out = True
    finally:
        sender.close()
        receiver.close()
        exitcode = _reap(process, kill=timed_out) if process.pid is not None else None
    if timed_out:
        return _failed(f"timed out after {timeout:g} s")
    if isinstance(result, ExtractionResult):
        return result
    return _failed(_crash_message(exitcode))


def _crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"extraction process killed by signal {-exitcode}"
    return f"extraction process exited with code {exitcode}"
