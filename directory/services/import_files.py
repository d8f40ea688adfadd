"""Reading an uploaded CSV file: its encoding, its delimiter, its header and rows, and the
shape of a problem found in it (row as numbered in a spreadsheet, column, message, value)."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from directory.services.import_columns import Column, column_letter, header_key


class ImportFileError(Exception):
    """The file cannot be read at all; ``str()`` is the explanation for the user."""


# --- Problems ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: ``row`` as numbered in a spreadsheet (the header is row 1; 0 for
    the whole file), ``column`` as written in the file's header (empty: the whole row)."""

    row: int
    column: str
    letter: str
    message: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
            "value": self.value[:200],
        }


# --- Reading the file --------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's
    "Unicode text"), else Windows-1252 (Excel's French "CSV (séparateur : point-virgule)")."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _(
                "Ce fichier est un classeur (Excel ou LibreOffice), pas un CSV : ouvrez-le et "
                "enregistrez-le au format CSV."
            )
        )
    attempts: list[tuple[bytes, str]] = [
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ]
    text: str | None = None
    encoding = ""
    for bom, name in attempts:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name
            except UnicodeDecodeError as exc:
                raise ImportFileError(
                    _("Le fichier annonce l'encodage %(name)s mais ne le respecte pas.")
                    % {"name": name.upper()}
                ) from exc
            break
    if text is None:
        for name in ("utf-8", "cp1252"):
            try:
                text, encoding = data.decode(name), name
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        raise ImportFileError(
            _("Encodage du fichier non reconnu : enregistrez-le en « CSV UTF-8 ».")
        )
    if "\x00" in text:
        raise ImportFileError(_("Ce fichier n'est pas un fichier texte CSV."))
    return text, {"cp1252": "windows-1252", "utf-8-sig": "utf-8"}.get(encoding, encoding)


def sniff_delimiter(text: str) -> str:
    """``;`` (Excel in French), ``,`` or tabulation, read from the header line, where neither
    addresses nor descriptions can fool the count."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ";"


@dataclass
class Table:
    headers: list[str]
    keys: list[str | None]
    rows: list[tuple[int, dict[str, str]]]
    delimiter: str
    file_errors: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def locate(self, key: str) -> tuple[str, str]:
        """The header as written and the letter of the column holding ``key``."""
        index = self.keys.index(key)
        return self.headers[index], column_letter(index)

    def has(self, key: str) -> bool:
        return key in self.keys


def _clean(cell: str) -> str:
    return cell.replace("\xa0", " ").strip()


def read_table(text: str, columns: Sequence[Column], *, max_rows: int) -> Table:
    """Header and data rows of a CSV text; file-level errors (no header, unknown, missing or
    repeated columns, too many rows) are in ``file_errors``."""
    delimiter = sniff_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        table = Table([], [], [], delimiter)
        table.file_errors.append(_("Fichier CSV illisible : %(error)s.") % {"error": exc})
        return table
    header_index = next((i for i, r in enumerate(records) if any(_clean(c) for c in r)), None)
    if header_index is None:
        table = Table([], [], [], delimiter)
        table.file_errors.append(_("Le fichier est vide."))
        return table
    headers = [_clean(c) for c in records[header_index]]
    known = {c.key: c for c in columns}
    aliases = {alias: c.key for c in columns for alias in (c.key, *c.aliases)}
    keys: list[str | None] = []
    table = Table(headers, keys, [], delimiter)
    for index, header in enumerate(headers):
        if not header:
            keys.append(None)
            continue
        key = aliases.get(header_key(header))
        if key is None:
            table.file_errors.append(
                _(
                    "Colonne %(letter)s « %(header)s » inconnue : renommez-la (voir les colonnes "
                    "acceptées) ou supprimez-la."
                )
                % {"letter": column_letter(index), "header": header}
            )
        elif key in keys:
            first = keys.index(key)
            table.file_errors.append(
                _("Les colonnes %(first)s et %(letter)s désignent toutes deux « %(key)s ».")
                % {"first": column_letter(first), "letter": column_letter(index), "key": key}
            )
            key = None
        keys.append(key)
    for column in columns:
        if column.required and column.key not in keys:
            table.file_errors.append(
                _("Colonne obligatoire « %(key)s » absente de la première ligne.")
                % {"key": column.key}
            )
    for offset, record in enumerate(records[header_index + 1 :], start=header_index + 2):
        cells = [_clean(c) for c in record]
        if not any(cells):
            continue
        row: dict[str, str] = {}
        for index, value in enumerate(cells):
            key = keys[index] if index < len(keys) else None
            if key is not None and key in known:
                row[key] = value
            elif value and (index >= len(keys) or not headers[index]):
                table.problems.append(
                    Problem(
                        offset,
                        "",
                        column_letter(index),
                        _("Cellule remplie dans une colonne sans titre."),
                        value,
                    )
                )
        table.rows.append((offset, row))
    if len(table.rows) > max_rows:
        table.file_errors.append(
            _("Le fichier compte %(count)s lignes ; la limite est de %(max)s : découpez-le.")
            % {"count": len(table.rows), "max": max_rows}
        )
    return table
