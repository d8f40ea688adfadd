"""Checking every cell of a directory CSV file, row by row.

Nothing here writes. ``plan_organisations`` / ``plan_people`` turn the rows of a ``Table``
(``import_files``) into plans (which card each row creates or updates, with cleaned values)
and problems as precise as (row as numbered in a spreadsheet, column, message, offending
value). ``directory.services.importing`` runs the plans.

How a row finds the card it updates (so that running a file twice creates nothing twice):

- an organisation: same kind, same name and same commune (case and accents ignored);
- a person: the account whose e-mail is in ``email_compte`` when that account has a card;
  otherwise the same first and last names (case and accents ignored) and at least one
  organisation in common with the row's functions (for a row without functions: a card with the
  same names and no function).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from directory.models import (
    DEFAULT_CONTACT_AUDIENCE,
    ContactKind,
    Function,
    ImportKind,
    Organisation,
    OrganisationKind,
    Person,
    Theme,
)
from directory.services.cards import normalise_email, normalise_phone, normalise_website
from directory.services.import_columns import (
    AUDIENCE_CHOICES_TEXT,
    AUDIENCE_WORDS,
    ORGANISATION_CONTACT_AUDIENCE,
    fold,
    header_key,
)
from directory.services.import_files import Problem, Table

MAX_VALUES_PER_CELL = 20
_NORMALISERS: dict[str, Callable[[str], str]] = {
    ContactKind.PHONE: normalise_phone,
    ContactKind.MOBILE: normalise_phone,
    ContactKind.EMAIL: normalise_email,
    ContactKind.WEBSITE: normalise_website,
}


# --- What the checks need from the database ----------------------------------------------------


@dataclass(frozen=True)
class OrgRef:
    pk: int
    kind_id: int
    name: str
    commune: str
    parent_id: int | None


class Lookups:
    """Kinds, organisations, themes and accounts, loaded once per file."""

    def __init__(self, emails: Iterable[str] = ()) -> None:
        self.kinds: dict[str, OrganisationKind] = {}
        self.kind_names: list[str] = []
        for kind in OrganisationKind.objects.order_by("position", "name"):
            self.kind_names.append(kind.name)
            for label in (kind.code, kind.name, kind.name_en):
                if label:
                    self.kinds.setdefault(fold(label), kind)
                    self.kinds.setdefault(header_key(label), kind)
        self.organisations: dict[int, OrgRef] = {}
        self.by_name: dict[str, list[OrgRef]] = defaultdict(list)
        self.by_key: dict[tuple[int, str, str], list[OrgRef]] = defaultdict(list)
        for pk, kind_id, name, commune, parent_id in Organisation.objects.values_list(
            "pk", "kind_id", "name", "commune", "parent_id"
        ):
            ref = OrgRef(pk, kind_id, name, commune, parent_id)
            self.organisations[pk] = ref
            self.by_name[fold(name)].append(ref)
            self.by_key[(kind_id, fold(name), fold(commune))].append(ref)
        self.themes: dict[str, Theme] = {fold(t.name): t for t in Theme.objects.all()}
        wanted = sorted({e.strip().lower() for e in emails if e.strip()})
        self.users: dict[str, Any] = {}
        user_model = get_user_model()
        for start in range(0, len(wanted), 500):
            for user in user_model.objects.filter(email__in=wanted[start : start + 500]):
                self.users[user.email.lower()] = user

    def kind(self, text: str) -> OrganisationKind | None:
        return self.kinds.get(fold(text)) or self.kinds.get(header_key(text))

    def organisations_named(self, text: str) -> list[OrgRef]:
        """Existing organisations called ``text``, or ``Nom (Commune)``."""
        found = self.by_name.get(fold(text), [])
        if not found:
            match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text.strip())
            if match:
                commune = fold(match.group(2))
                found = [
                    r
                    for r in self.by_name.get(fold(match.group(1)), [])
                    if fold(r.commune) == commune
                ]
        return list(found)


# --- Plans -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactPlan:
    kind: str
    value: str
    audience: str
    explicit: bool  # audience given by the file: also applied to an identical existing contact


@dataclass
class OrganisationPlan:
    row: int
    existing_pk: int | None
    kind: OrganisationKind
    name: str
    commune: str
    fields: dict[str, Any]
    audiences: dict[str, str]
    contacts: list[ContactPlan]
    themes: list[str]
    managers: list[Any]
    parent: int | str | None  # an existing pk, or "row:<n>" for a new organisation above


@dataclass
class PersonPlan:
    row: int
    existing_pk: int | None
    first_name: str
    last_name: str
    account: Any
    fields: dict[str, Any]
    audiences: dict[str, str]
    contacts: list[ContactPlan]
    themes: list[str]
    functions: list[tuple[int, str]]


@dataclass
class Plan:
    """Everything a file would do, or why it cannot."""

    kind: str
    table: Table
    lookups: Lookups | None = None
    organisations: list[OrganisationPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        return not self.table.file_errors and not self.problems

    @property
    def rows(self) -> list[Any]:
        return self.organisations if self.kind == ImportKind.ORGANISATIONS else self.people


class _Row:
    """Reads the cells of one row, recording a problem per bad cell."""

    def __init__(self, table: Table, number: int, cells: dict[str, str], problems: list[Problem]):
        self.table, self.number, self.cells, self.sink = table, number, cells, problems
        self.failed = False

    def problem(self, key: str, message: str, value: str | None = None) -> None:
        header, letter = self.table.locate(key) if key else ("", "")
        self.sink.append(
            Problem(
                self.number,
                header,
                letter,
                message,
                self.cells.get(key, "") if value is None else value,
            )
        )
        self.failed = True

    def raw(self, key: str) -> str:
        return self.cells.get(key, "")

    def text(self, key: str, max_length: int, *, required: bool = False) -> str:
        value = " ".join(self.raw(key).split()) if max_length <= 200 else self.raw(key)
        if required and not value:
            self.problem(key, _("Valeur obligatoire."))
        elif len(value) > max_length:
            self.problem(
                key,
                _("Trop long : %(length)s caractères, %(max)s au plus.")
                % {"length": len(value), "max": max_length},
            )
            return ""
        return value

    def values(self, key: str, *, separators: str = ";\n") -> list[str]:
        parts = re.split(f"[{re.escape(separators)}]", self.raw(key))
        seen: dict[str, str] = {}
        for part in parts:
            part = " ".join(part.split())
            if part and fold(part) not in seen:
                seen[fold(part)] = part
        found = list(seen.values())
        if len(found) > MAX_VALUES_PER_CELL:
            self.problem(
                key,
                _("Trop de valeurs : %(count)s, %(max)s au plus.")
                % {"count": len(found), "max": MAX_VALUES_PER_CELL},
            )
            return []
        return found

    def audience(self, key: str) -> str | None:
        value = self.raw(key)
        if not value:
            return None
        audience = AUDIENCE_WORDS.get(fold(value))
        if audience is None:
            self.problem(
                key,
                _("Visibilité inconnue : indiquez %(words)s.") % {"words": AUDIENCE_CHOICES_TEXT},
            )
        return audience

    def contacts(self, key: str, kind: str, audience_key: str, default: str) -> list[ContactPlan]:
        explicit = self.audience(audience_key)
        normalise = _NORMALISERS[kind]
        found = []
        for value in self.values(key):
            try:
                cleaned = normalise(value)
            except ValidationError as exc:
                self.problem(key, " ".join(exc.messages), value)
                continue
            limit = 200 if kind == ContactKind.WEBSITE else 254
            if len(cleaned) > limit:
                self.problem(
                    key, _("Trop long : %(max)s caractères au plus.") % {"max": limit}, value
                )
                continue
            found.append(ContactPlan(kind, cleaned, explicit or default, explicit is not None))
        return found

    def website(self, key: str) -> str:
        value = self.raw(key)
        if not value:
            return ""
        try:
            cleaned = normalise_website(value)
        except ValidationError as exc:
            self.problem(key, " ".join(exc.messages))
            return ""
        if len(cleaned) > 200:
            self.problem(key, _("Trop long : 200 caractères au plus."))
            return ""
        return cleaned

    def postal_code(self, key: str) -> str:
        value = self.raw(key).replace(" ", "")
        if not value:
            return ""
        if re.fullmatch(r"\d{4}", value):
            value = "0" + value  # a spreadsheet dropped the leading zero of 01000–09999
        if not re.fullmatch(r"\d{5}", value):
            self.problem(key, _("Code postal invalide : 5 chiffres attendus."))
            return ""
        return value

    def coordinate(self, key: str, limit: int) -> Decimal | None:
        value = self.raw(key)
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or not -limit <= number <= limit:
            self.problem(
                key,
                _("Nombre entre -%(limit)s et %(limit)s attendu (degrés décimaux, ex. 46.1415).")
                % {"limit": limit},
            )
            return None
        return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)

    def coordinates(self) -> tuple[Decimal | None, Decimal | None]:
        latitude = self.coordinate("latitude", 90) if self.table.has("latitude") else None
        longitude = self.coordinate("longitude", 180) if self.table.has("longitude") else None
        # A lone valid coordinate: say which one is missing (an invalid one is reported above).
        if latitude is not None and longitude is None and not self.raw("longitude"):
            key = "longitude" if self.table.has("longitude") else "latitude"
            self.problem(key, _("Donnez aussi la longitude."))
        if longitude is not None and latitude is None and not self.raw("latitude"):
            key = "latitude" if self.table.has("latitude") else "longitude"
            self.problem(key, _("Donnez aussi la latitude."))
        if latitude is None or longitude is None:
            return None, None
        return latitude, longitude

    def themes(self, key: str) -> list[str]:
        found = []
        for name in self.values(key):
            if len(name) > 80:
                self.problem(key, _("Thème trop long : 80 caractères au plus."), name)
            else:
                found.append(name)
        return found

    def accounts(self, key: str, lookups: Lookups) -> list[Any]:
        found = []
        for email in self.values(key):
            try:
                validate_email(email)
            except ValidationError:
                self.problem(key, _("Adresse e-mail invalide."), email)
                continue
            user = lookups.users.get(email.lower())
            if user is None:
                self.problem(key, _("Aucun compte n'a cette adresse e-mail."), email)
            else:
                found.append(user)
        return found


ProgressCallback = Callable[[int], None]


def _emails_in(table: Table, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for _number, cells in table.rows:
        for key in keys:
            found.update(p.strip() for p in re.split(r"[;\n]", cells.get(key, "")) if p.strip())
    return found


def _every(progress: ProgressCallback | None, done: int) -> None:
    if progress is not None and done % 100 == 0:
        progress(done)


def plan_organisations(table: Table, progress: ProgressCallback | None = None) -> Plan:
    plan = Plan(ImportKind.ORGANISATIONS, table, problems=list(table.problems))
    if table.file_errors:
        return plan
    lookups = plan.lookups = Lookups(_emails_in(table, ["gestionnaires"]))
    # Organisations of this file so far, for parents given by name: (name) → [(target, row)].
    above: dict[str, list[tuple[int | str, int]]] = defaultdict(list)
    keys_above: dict[tuple[int, str, str], int] = {}
    row_of_name: dict[str, int] = {}
    for number, cells in table.rows:
        row_of_name.setdefault(fold(cells.get("nom", "")), number)
    # The parent of each organisation once the file is applied, to refuse cycles.
    parents: dict[int | str, int | str | None] = {
        pk: ref.parent_id for pk, ref in lookups.organisations.items()
    }
    for done, (number, cells) in enumerate(table.rows, start=1):
        _every(progress, done)
        row = _Row(table, number, cells, plan.problems)
        kind_text = row.raw("type")
        kind = lookups.kind(kind_text) if kind_text else None
        if not kind_text:
            row.problem("type", _("Valeur obligatoire."))
        elif kind is None:
            row.problem(
                "type",
                _("Type d'organisation inconnu. Types possibles : %(kinds)s.")
                % {"kinds": ", ".join(lookups.kind_names)},
            )
        name = row.text("nom", 200, required=True)
        commune = row.text("commune", 120)
        fields: dict[str, Any] = {
            "postal_code": row.postal_code("code_postal"),
            "address": row.text("adresse", 500),
            "website": row.website("site_web"),
            "opening_hours": row.text("horaires", 2000),
            "description": row.text("description", 5000),
        }
        latitude, longitude = row.coordinates()
        if latitude is not None:
            fields["latitude"], fields["longitude"] = latitude, longitude
        audiences = {
            "address": row.audience("visibilite_adresse"),
            "coordinates": row.audience("visibilite_coordonnees"),
            "website": row.audience("visibilite_site_web"),
            "opening_hours": row.audience("visibilite_horaires"),
            "description": row.audience("visibilite_description"),
        }
        contacts = row.contacts(
            "telephones",
            ContactKind.PHONE,
            "visibilite_telephones",
            ORGANISATION_CONTACT_AUDIENCE[ContactKind.PHONE],
        ) + row.contacts(
            "emails",
            ContactKind.EMAIL,
            "visibilite_emails",
            ORGANISATION_CONTACT_AUDIENCE[ContactKind.EMAIL],
        )
        themes = row.themes("themes")
        managers = row.accounts("gestionnaires", lookups)
        key = (kind.pk, fold(name), fold(commune)) if kind is not None and name else None
        duplicate_of = keys_above.get(key) if key is not None else None
        existing = lookups.by_key.get(key, []) if key is not None else []
        if duplicate_of is not None:
            row.problem(
                "",
                _("Ligne en double : même type, nom et commune que la ligne %(row)s.")
                % {"row": duplicate_of},
                "",
            )
        elif len(existing) > 1:
            row.problem(
                "nom",
                _(
                    "%(count)s organisations de l'annuaire ont ce type, ce nom et cette commune : "
                    "fusionnez-les avant d'importer."
                )
                % {"count": len(existing)},
            )
        target: int | str = existing[0].pk if len(existing) == 1 else f"row:{number}"
        if key is not None and duplicate_of is None:
            keys_above[key] = number
            above[fold(name)].append((target, number))
        # Checked even on a row with other problems, so the report lists them all at once.
        parent = _parent_of(row, lookups, above, row_of_name, target, parents)
        if row.failed or kind is None:
            continue
        plan.organisations.append(
            OrganisationPlan(
                row=number,
                existing_pk=existing[0].pk if existing else None,
                kind=kind,
                name=name,
                commune=commune,
                fields={k: v for k, v in fields.items() if v not in ("", None)},
                audiences={k: v for k, v in audiences.items() if v},
                contacts=contacts,
                themes=themes,
                managers=managers,
                parent=parent,
            )
        )
    return plan


def _parent_of(
    row: _Row,
    lookups: Lookups,
    above: dict[str, list[tuple[int | str, int]]],
    row_of_name: dict[str, int],
    target: int | str,
    parents: dict[int | str, int | str | None],
) -> int | str | None:
    text = row.raw("organisation_parente")
    if not text:
        return None
    candidates: dict[int | str, None] = {r.pk: None for r in lookups.organisations_named(text)}
    in_file = above.get(fold(text), [])
    if not in_file:
        match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text.strip())
        if match:
            in_file = above.get(fold(match.group(1)), [])
    candidates.update({t: None for t, number in in_file if number != row.number})
    if not candidates:
        later = row_of_name.get(fold(text))
        if later is not None and later > row.number:
            row.problem(
                "organisation_parente",
                _(
                    "Organisation parente définie plus bas (ligne %(row)s) : placez-la avant "
                    "cette ligne."
                )
                % {"row": later},
            )
        else:
            row.problem(
                "organisation_parente",
                _(
                    "Organisation parente inconnue : ajoutez-la à l'annuaire ou plus haut dans "
                    "ce fichier."
                ),
            )
        return None
    if len(candidates) > 1:
        row.problem(
            "organisation_parente",
            _("Plusieurs organisations portent ce nom : précisez la commune, « Nom (Commune) »."),
        )
        return None
    (parent,) = candidates
    current: int | str | None = parent
    seen: set[int | str] = set()
    while current is not None and current not in seen:
        if current == target:
            row.problem(
                "organisation_parente",
                _("Une organisation ne peut pas dépendre d'elle-même, même indirectement."),
            )
            return None
        seen.add(current)
        current = parents.get(current)
    parents[target] = parent
    return parent


def plan_people(table: Table, progress: ProgressCallback | None = None) -> Plan:
    plan = Plan(ImportKind.PEOPLE, table, problems=list(table.problems))
    if table.file_errors:
        return plan
    lookups = plan.lookups = Lookups(_emails_in(table, ["email_compte"]))
    people = _PeopleIndex(table)
    targets_above: dict[int, int] = {}
    accounts_above: dict[int, int] = {}
    new_above: dict[tuple[str, str], list[tuple[set[int], int]]] = defaultdict(list)
    for done, (number, cells) in enumerate(table.rows, start=1):
        _every(progress, done)
        row = _Row(table, number, cells, plan.problems)
        first_name = row.text("prenom", 80, required=True)
        last_name = row.text("nom", 80, required=True)
        account = None
        account_email = row.raw("email_compte")
        if account_email:
            try:
                validate_email(account_email)
            except ValidationError:
                row.problem("email_compte", _("Adresse e-mail invalide."))
            else:
                account = lookups.users.get(account_email.lower())
                if account is None:
                    header, letter = table.locate("email_compte")
                    plan.notes.append(
                        Problem(
                            number,
                            header,
                            letter,
                            _("Aucun compte n'a cette adresse : la fiche sera créée sans compte."),
                            account_email,
                        )
                    )
        functions = _functions_of(row, lookups)
        fields: dict[str, Any] = {
            "commune": row.text("commune", 120),
            "languages": ", ".join(row.values("langues", separators=",;\n")),
            "bio": row.text("presentation", 5000),
        }
        if len(fields["languages"]) > 200:
            row.problem("langues", _("Trop long : 200 caractères au plus."))
        audiences = {
            "commune": row.audience("visibilite_commune"),
            "languages": row.audience("visibilite_langues"),
            "bio": row.audience("visibilite_presentation"),
        }
        contacts = []
        for key, kind, audience_key in (
            ("telephones", ContactKind.PHONE, "visibilite_telephones"),
            ("portables", ContactKind.MOBILE, "visibilite_portables"),
            ("emails", ContactKind.EMAIL, "visibilite_emails"),
            ("site_web", ContactKind.WEBSITE, "visibilite_site_web"),
        ):
            contacts += row.contacts(key, kind, audience_key, DEFAULT_CONTACT_AUDIENCE[kind])
        themes = row.themes("themes")
        if row.failed or not first_name or not last_name:
            continue
        organisations = {org for org, _title in functions}
        existing = people.match(first_name, last_name, organisations, account)
        if isinstance(existing, str):
            row.problem("", existing, "")
            continue
        if existing is not None:
            if existing in targets_above:
                row.problem(
                    "",
                    _("Même fiche que la ligne %(row)s.") % {"row": targets_above[existing]},
                    "",
                )
                continue
            targets_above[existing] = number
        else:
            if account is not None and account.pk in accounts_above:
                row.problem(
                    "email_compte",
                    _("Ligne en double : même compte que la ligne %(row)s.")
                    % {"row": accounts_above[account.pk]},
                )
                continue
            name_key = (fold(first_name), fold(last_name))
            twin = next(
                (
                    above
                    for orgs, above in new_above[name_key]
                    if (orgs & organisations) or not (orgs or organisations)
                ),
                None,
            )
            if twin is not None:
                row.problem(
                    "",
                    _("Ligne en double : même nom et même organisation que la ligne %(row)s.")
                    % {"row": twin},
                    "",
                )
                continue
            new_above[name_key].append((organisations, number))
        if account is not None:
            accounts_above[account.pk] = number
        plan.people.append(
            PersonPlan(
                row=number,
                existing_pk=existing,
                first_name=first_name,
                last_name=last_name,
                account=account,
                fields={k: v for k, v in fields.items() if v},
                audiences={k: v for k, v in audiences.items() if v},
                contacts=contacts,
                themes=themes,
                functions=functions,
            )
        )
    return plan


def _functions_of(row: _Row, lookups: Lookups) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for text in row.values("fonctions"):
        title, at, organisation = (part.strip() for part in text.partition("@"))
        if not at or not title or not organisation:
            row.problem(
                "fonctions",
                _(
                    "Format attendu : « Titre @ Organisation », par exemple "
                    "« Secrétaire de mairie @ Mairie de Brioux »."
                ),
                text,
            )
            continue
        if len(title) > 150:
            row.problem("fonctions", _("Titre trop long : 150 caractères au plus."), text)
            continue
        matches = lookups.organisations_named(organisation)
        if not matches:
            row.problem(
                "fonctions",
                _(
                    "Organisation inconnue « %(name)s » : importez d'abord les organisations "
                    "(ou corrigez le nom)."
                )
                % {"name": organisation},
                text,
            )
        elif len(matches) > 1:
            row.problem(
                "fonctions",
                _(
                    "Plusieurs organisations s'appellent « %(name)s » : précisez la commune, "
                    "« Titre @ Nom (Commune) »."
                )
                % {"name": organisation},
                text,
            )
        elif (matches[0].pk, title) not in found:
            found.append((matches[0].pk, title))
    return found


class _PeopleIndex:
    """Existing cards the rows of a people file may designate."""

    def __init__(self, table: Table) -> None:
        names = {(fold(c.get("prenom", "")), fold(c.get("nom", ""))) for _n, c in table.rows}
        self.by_name: dict[tuple[str, str], list[tuple[int, int | None]]] = defaultdict(list)
        self.by_user: dict[int, int] = {}
        # Folding happens in Python (accents), so read every card's names once: a few
        # hundred kilobytes for the largest directories.
        for pk, first, last, user_id in Person.objects.values_list(
            "pk", "first_name", "last_name", "user_id"
        ):
            if user_id is not None:
                self.by_user[user_id] = pk
            key = (fold(first), fold(last))
            if key in names:
                self.by_name[key].append((pk, user_id))
        candidates = [pk for found in self.by_name.values() for pk, _user in found]
        self.organisations: dict[int, set[int]] = defaultdict(set)
        for start in range(0, len(candidates), 500):
            for person_id, organisation_id in Function.objects.filter(
                person_id__in=candidates[start : start + 500]
            ).values_list("person_id", "organisation_id"):
                self.organisations[person_id].add(organisation_id)

    def match(
        self, first_name: str, last_name: str, organisations: set[int], account: Any
    ) -> int | str | None:
        """The existing card's pk, None for a new card, or why the row is ambiguous."""
        if account is not None and account.pk in self.by_user:
            return self.by_user[account.pk]
        found = [
            (pk, user_id)
            for pk, user_id in self.by_name.get((fold(first_name), fold(last_name)), [])
            if (self.organisations[pk] & organisations)
            or not (self.organisations[pk] or organisations)
        ]
        if account is not None:
            # Another account's card with the same name is a namesake, not this person.
            found = [(pk, user_id) for pk, user_id in found if user_id is None]
        if len(found) > 1:
            return _(
                "%(count)s fiches ont ce nom et cette organisation : indiquez l'adresse du "
                "compte (email_compte) ou fusionnez-les d'abord."
            ) % {"count": len(found)}
        return found[0][0] if found else None
