"""Portal sections: registered publishable kinds grouped by their ``public_section``.

A section exists only while at least one of its kinds is registered, so the portal never shows
an empty placeholder for an app that has not landed. Every public output starts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from extranet.portal.registry import PublishableKind, publishable_kinds

# Names of the sections the project knows; a section registered later without one here is
# named after its kinds' plural labels.
SECTION_LABELS: dict[str, Any] = {
    "events": _("Agenda"),
    "directory": _("Annuaire"),
    "brochures": _("Brochures"),
    "training": _("Formations"),
    "health": _("Santé"),
    "tourism": _("Tourisme"),
    "news": _("Actualités"),
}

# Path segments taken by the portal's own pages: a section cannot use them.
RESERVED = frozenset({"api", "feeds", "embed", "data", "language", "sitemap", "static", "all"})


@dataclass(frozen=True)
class Section:
    slug: str
    label: Any
    kinds: tuple[PublishableKind, ...]

    @property
    def kind_names(self) -> list[str]:
        return [kind.name for kind in self.kinds]

    @property
    def is_dated(self) -> bool:
        """Items with a date (events, sessions): agenda list, month view, iCalendar feed."""
        return any(kind.bounds is not None for kind in self.kinds)

    def kind(self, name: str) -> PublishableKind | None:
        return next((kind for kind in self.kinds if kind.name == name), None)


def section_slug(kind: PublishableKind) -> str:
    return kind.public_section or kind.name


def sections() -> list[Section]:
    """Every section with a registered kind, in the kinds' display order."""
    grouped: dict[str, list[PublishableKind]] = {}
    for kind in publishable_kinds():
        slug = section_slug(kind)
        if slug in RESERVED:
            continue
        grouped.setdefault(slug, []).append(kind)
    result = []
    for slug, kinds in grouped.items():
        label = SECTION_LABELS.get(slug)
        if label is None:
            label = kinds[0].label_plural
            for kind in kinds[1:]:
                label = format_lazy("{} · {}", label, kind.label_plural)
        result.append(Section(slug=slug, label=label, kinds=tuple(kinds)))
    return result


def find_section(slug: str) -> Section | None:
    return next((section for section in sections() if section.slug == slug), None)


def get_section(slug: str) -> Section:
    """The section named ``slug``; 404 when no registered kind belongs to it."""
    section = find_section(slug)
    if section is None:
        raise Http404
    return section


def section_of_kind(kind_name: str) -> Section | None:
    return next((s for s in sections() if kind_name in s.kind_names), None)


def public_kind_names() -> list[str]:
    """Kinds that reach the public: registered, in a section."""
    return [name for section in sections() for name in section.kind_names]


def collection(name: str) -> tuple[Section, PublishableKind | None]:
    """An API collection: a section (``events``) or one kind (``event``); 404 otherwise."""
    section = find_section(name)
    if section is not None:
        return section, None
    owner = section_of_kind(name)
    if owner is None:
        raise Http404
    return owner, owner.kind(name)


def collection_names() -> list[str]:
    """Every name ``collection`` accepts: sections first, then kinds (no duplicates)."""
    names: list[str] = []
    for section in sections():
        names.append(section.slug)
    for section in sections():
        names.extend(kind.name for kind in section.kinds if kind.name not in names)
    return names
