"""vCard 3.0 texts of directory cards, for the download link and the spaces' address books.

Built only from the cards of ``directory.visibility`` (never from the models), so what a vCard
holds was decided once, for the viewer the card was made for: a field the viewer may not see is
simply not in the card.

Choices, for the widest client support (iOS and macOS Contacts, DAVx5, Thunderbird,
vdirsyncer, Outlook):

- vCard 3.0 (RFC 2426), CRLF line endings, lines folded at 75 octets without splitting a UTF-8
  character, text values escaped (``\\``, ``,``, ``;``, newlines) — which is also what vobject,
  and so Radicale, reads and writes back.
- A person's first function gives ``ORG`` and ``TITLE``: phones show one company and one job
  title, and clients that accept several ``ORG`` lines show only the first anyway. Every function
  is listed in ``NOTE`` (one per line), which every client shows as is.
- Contact labels ("Standard", "Secrétariat") become ``X-ABLabel`` of a property group, which
  Apple's clients and DAVx5 show beside the number; others ignore it.
- No photo or logo: embedding them would make every sync of a space's book heavy, and a link
  would need the viewer's session. The card's ``has_photo`` is therefore never consulted here.
- ``UID`` is stable per card (``maillage-person-<pk>@<domain>``), so a download and a later sync
  update the same contact instead of adding a copy; ``REV`` is the last verification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from directory.models import ContactKind
from directory.visibility import OrganisationCard, PersonCard, VisibleContact

CONTENT_TYPE = "text/vcard; charset=utf-8"
PRODID = "-//Maillage//Annuaire//FR"
FALLBACK_DOMAIN = "maillage.invalid"
MAX_OCTETS = 75

_TEL_TYPES: dict[str, str] = {
    ContactKind.PHONE: "WORK,VOICE",
    ContactKind.MOBILE: "CELL",
}


def uid_domain() -> str:
    """The part after "@" in UIDs: the site's host name, stable for an installation."""
    return (urlsplit(str(getattr(settings, "SITE_URL", ""))).hostname or FALLBACK_DOMAIN).lower()


def person_key(pk: int) -> str:
    """The card's name in an address book (a file name: no "@", no slash)."""
    return f"maillage-person-{pk}"


def organisation_key(pk: int) -> str:
    return f"maillage-organisation-{pk}"


def person_uid(pk: int) -> str:
    return f"{person_key(pk)}@{uid_domain()}"


def organisation_uid(pk: int) -> str:
    return f"{organisation_key(pk)}@{uid_domain()}"


def escape(value: str) -> str:
    """A text value (RFC 2426 §4): backslash, comma, semicolon and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(c for c in value if c == "\n" or c == "\t" or ord(c) >= 0x20 and c != "\x7f")
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _structured(*components: str) -> str:
    return ";".join(escape(component) for component in components)


def fold(line: str) -> str:
    """``line`` folded so that no physical line exceeds 75 octets (CRLF excluded); a
    continuation starts with one space, and no UTF-8 character is ever cut in two."""
    if len(line.encode("utf-8")) <= MAX_OCTETS:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # the leading space counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


class _Builder:
    def __init__(self) -> None:
        self.lines: list[str] = ["BEGIN:VCARD", "VERSION:3.0", f"PRODID:{PRODID}"]
        self.groups = 0

    def add(self, name: str, value: str, *, params: str = "", group: str = "") -> None:
        prefix = f"{group}." if group else ""
        self.lines.append(f"{prefix}{name}{';' + params if params else ''}:{value}")

    def add_text(self, name: str, value: str, **kwargs: str) -> None:
        if value.strip():
            self.add(name, escape(value.strip()), **kwargs)

    def add_contacts(self, contacts: Iterable[VisibleContact], *, website: str = "") -> None:
        urls = [website] if website else []
        for contact in contacts:
            if contact.kind == ContactKind.WEBSITE:
                urls.append(contact.value)
                continue
            group = ""
            if contact.label.strip():
                self.groups += 1
                group = f"item{self.groups}"
            if contact.kind == ContactKind.EMAIL:
                self.add_text("EMAIL", contact.value, params="TYPE=INTERNET,WORK", group=group)
            else:
                self.add_text(
                    "TEL", contact.value, params=f"TYPE={_TEL_TYPES[contact.kind]}", group=group
                )
            if group:
                self.add_text("X-ABLabel", contact.label, group=group)
        for url in dict.fromkeys(u.strip() for u in urls if u.strip()):
            self.add_text("URL", url)

    def add_categories(self, names: Iterable[str]) -> None:
        kept = [name.strip() for name in names if name.strip()]
        if kept:
            self.add("CATEGORIES", ",".join(escape(name) for name in dict.fromkeys(kept)))

    def text(self) -> str:
        return "".join(fold(line) + "\r\n" for line in [*self.lines, "END:VCARD"])


def person_vcard(card: PersonCard) -> str:
    """The vCard of a person, holding exactly what ``card`` holds for its viewer."""
    builder = _Builder()
    builder.add("UID", escape(person_uid(card.pk)))
    builder.add("FN", escape(card.full_name or card.last_name or card.first_name))
    builder.add("N", _structured(card.last_name, card.first_name, "", "", ""))
    if card.functions:
        first = card.functions[0]
        builder.add_text("ORG", first.organisation_name)
        builder.add_text("TITLE", first.title)
    builder.add_contacts(card.contacts)
    if card.commune:
        builder.add("ADR", _structured("", "", "", card.commune, "", "", ""), params="TYPE=WORK")
    builder.add_categories(card.themes)
    note = [f"{f.title} — {f.organisation_name}" for f in card.functions]
    if card.languages:
        note.append(_("Langues : %(languages)s") % {"languages": ", ".join(card.languages)})
    if card.bio.strip():
        note.append(card.bio.strip())
    builder.add_text("NOTE", "\n".join(note))
    builder.add("REV", _timestamp(card.last_verified_at))
    return builder.text()


def organisation_vcard(card: OrganisationCard) -> str:
    """The vCard of an organisation (shown as a company by the clients that know the hint)."""
    builder = _Builder()
    builder.add("UID", escape(organisation_uid(card.pk)))
    builder.add("FN", escape(card.name))
    builder.add("N", _structured("", "", "", "", ""))
    builder.add("ORG", escape(card.name))
    builder.add("X-ABShowAs", "COMPANY")
    builder.add_contacts(card.contacts, website=card.website)
    if card.address or card.postal_code or card.commune:
        builder.add(
            "ADR",
            _structured("", "", card.address, card.commune, "", card.postal_code, ""),
            params="TYPE=WORK",
        )
    if card.latitude is not None and card.longitude is not None:
        builder.add("GEO", f"{card.latitude:.6f};{card.longitude:.6f}")
    builder.add_categories([card.kind_label, *card.themes])
    note = [card.description.strip()]
    if card.opening_hours.strip():
        note.append(_("Horaires : %(hours)s") % {"hours": card.opening_hours.strip()})
    if card.parent_name:
        note.append(_("Rattachée à : %(parent)s") % {"parent": card.parent_name})
    builder.add_text("NOTE", "\n\n".join(part for part in note if part))
    builder.add("REV", _timestamp(card.last_verified_at))
    return builder.text()
