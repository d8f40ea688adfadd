"""Writing directory cards: people, organisations, their contact points, functions, pictures,
verification and the public-portal wish.

Every service checks the caller with ``directory.policy``, writes inside one transaction, leaves
an audit row, and calls ``directory.changes.cards_changed`` so the search index and the space
address books follow after commit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import policy
from directory.changes import cards_changed
from directory.models import (
    DEFAULT_CONTACT_AUDIENCE,
    ORGANISATION_FIELD_AUDIENCES,
    PERSON_FIELD_AUDIENCES,
    Audience,
    ContactKind,
    ContactPoint,
    Function,
    Organisation,
    OrganisationKind,
    Person,
    PortalIntent,
    Theme,
)
from extranet.audit import record_audit

MAX_CONTACTS = 20
MAX_FUNCTIONS = 20
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 1024


# --- Inputs and their validation -------------------------------------------------------------


@dataclass(frozen=True)
class ContactInput:
    """One phone number, e-mail address or website, as typed, with who may see it."""

    kind: str
    value: str
    audience: str = ""
    label: str = ""


@dataclass(frozen=True)
class FunctionInput:
    organisation_id: int
    title: str


_PHONE_CHARS = re.compile(r"^\+?[0-9 .\-()/]+$")


def normalise_phone(value: str) -> str:
    """French numbers in their usual form ("05 49 12 34 56", "+33 5 49 12 34 56"); others
    kept as typed once their characters are checked."""
    text = " ".join(value.split())
    if not _PHONE_CHARS.match(text):
        raise ValidationError(
            _(
                "Saisissez un numéro de téléphone valide, par exemple 05 49 12 34 56 "
                "ou +33 5 49 12 34 56 (chiffres, espaces, points et tirets seulement)."
            ),
            code="phone",
        )
    digits = re.sub(r"\D", "", text)
    if text.startswith("+33") and len(digits) == 11:
        rest = digits[2:]
        return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    if not text.startswith("+") and len(digits) == 10 and digits.startswith("0"):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if not 6 <= len(digits) <= 15:
        raise ValidationError(
            _(
                "Ce numéro a %(count)s chiffres : un numéro français en a 10 "
                "(par exemple 05 49 12 34 56)."
            )
            % {"count": len(digits)},
            code="phone_length",
        )
    if not text.startswith("+") and digits.startswith("0") and len(digits) != 10:
        raise ValidationError(
            _(
                "Ce numéro a %(count)s chiffres : un numéro français en a 10 "
                "(par exemple 05 49 12 34 56)."
            )
            % {"count": len(digits)},
            code="phone_length",
        )
    return text


def normalise_email(value: str) -> str:
    text = value.strip()
    try:
        validate_email(text)
    except ValidationError as exc:
        raise ValidationError(
            _("Saisissez une adresse e-mail valide, par exemple prenom.nom@mairie-brioux.fr."),
            code="email",
        ) from exc
    local, _sep, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_website(value: str) -> str:
    text = value.strip()
    if text and "://" not in text:
        text = "https://" + text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError as exc:
        raise ValidationError(
            _("Saisissez l'adresse d'un site web, par exemple https://www.mairie-brioux.fr."),
            code="website",
        ) from exc
    return text


def normalise_contact_value(kind: str, value: str) -> str:
    """The value as stored, or ``ValidationError`` with a message for the person typing it."""
    if not value.strip():
        raise ValidationError(_("Saisissez la valeur de cette coordonnée."), code="required")
    if kind in (ContactKind.PHONE, ContactKind.MOBILE):
        return normalise_phone(value)
    if kind == ContactKind.EMAIL:
        return normalise_email(value)
    if kind == ContactKind.WEBSITE:
        return normalise_website(value)
    raise ValidationError(_("Type de coordonnée inconnu."), code="kind")


def _check_audience(value: str) -> str:
    if value not in Audience.values:
        raise ValidationError(_("Visibilité inconnue : %(value)s.") % {"value": value})
    return value


def _clean_audiences(audiences: Mapping[str, str], fields: Mapping[str, str]) -> dict[str, str]:
    unknown = set(audiences) - set(fields)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s.") % {"fields": ", ".join(unknown)})
    return {field: _check_audience(value) for field, value in audiences.items()}


def _replace_contacts(owner: Person | Organisation, contacts: Sequence[ContactInput]) -> None:
    if len(contacts) > MAX_CONTACTS:
        raise ValidationError(_("Une fiche a au plus %(max)s coordonnées.") % {"max": MAX_CONTACTS})
    rows = []
    for position, contact in enumerate(contacts):
        if contact.kind not in ContactKind.values:
            raise ValidationError(_("Type de coordonnée inconnu."))
        audience = contact.audience or DEFAULT_CONTACT_AUDIENCE[contact.kind]
        rows.append(
            ContactPoint(
                person=owner if isinstance(owner, Person) else None,
                organisation=owner if isinstance(owner, Organisation) else None,
                kind=contact.kind,
                label=contact.label.strip()[:60],
                value=normalise_contact_value(contact.kind, contact.value)[:254],
                audience=_check_audience(audience),
                position=position,
            )
        )
    owner.contacts.all().delete()
    ContactPoint.objects.bulk_create(rows)


def _replace_functions(person: Person, functions: Sequence[FunctionInput]) -> set[int]:
    """Replace a person's functions; returns the organisations concerned (before and after)."""
    wanted: list[tuple[int, str]] = []
    for function in functions:
        key = (function.organisation_id, " ".join(function.title.split())[:150])
        if not key[1]:
            raise ValidationError(_("Précisez la fonction exercée dans cette organisation."))
        if key not in wanted:
            wanted.append(key)
    if len(wanted) > MAX_FUNCTIONS:
        raise ValidationError(_("Une fiche a au plus %(max)s fonctions.") % {"max": MAX_FUNCTIONS})
    existing = set(
        Organisation.objects.filter(pk__in={o for o, _t in wanted}).values_list("pk", flat=True)
    )
    missing = {o for o, _t in wanted} - existing
    if missing:
        raise ValidationError(_("Cette organisation n'existe plus dans l'annuaire."))
    before = set(person.functions.values_list("organisation_id", flat=True))
    person.functions.all().delete()
    Function.objects.bulk_create(
        Function(person=person, organisation_id=org_id, title=title, position=position)
        for position, (org_id, title) in enumerate(wanted)
    )
    return before | existing


# --- Pictures ----------------------------------------------------------------------------------


class InvalidImage(ValueError):
    """An uploaded photo or logo we refuse; ``str()`` is the explanation for the user."""


_IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)


def sniff_image(head: bytes) -> str | None:
    """The picture format from the first bytes (never from the name), or None."""
    for signature, name in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def image_mime(head: bytes) -> str:
    """The content type of a stored picture (we store PNG or JPEG only)."""
    return "image/png" if sniff_image(head) == "PNG" else "image/jpeg"


def prepare_image(upload: Any) -> bytes:
    """A cleaned copy of an uploaded picture: type read from the content, size and pixel
    count limited, re-encoded small, without metadata (a phone photo's EXIF holds where it was
    taken)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    limit = settings.DIRECTORY_MAX_IMAGE_MB * 1024 * 1024
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise InvalidImage(
            _("L'image pèse plus de %(max)s Mo : choisissez une image plus légère.")
            % {"max": settings.DIRECTORY_MAX_IMAGE_MB}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidImage(
            _("L'image pèse plus de %(max)s Mo : choisissez une image plus légère.")
            % {"max": settings.DIRECTORY_MAX_IMAGE_MB}
        )
    found = sniff_image(data[:16])
    if found is None:
        raise InvalidImage(
            _("Ce fichier n'est pas une image JPEG, PNG, WebP ou GIF (son contenu a été vérifié).")
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != found:
                raise InvalidImage(_("Le contenu de l'image est incohérent."))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise InvalidImage(_("L'image est trop grande (plus de 40 millions de pixels)."))
            image.load()
            picture = ImageOps.exif_transpose(image) or image
            picture.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            keeps_alpha = picture.mode in ("RGBA", "LA", "P") and found in ("PNG", "GIF", "WEBP")
            out = io.BytesIO()
            if keeps_alpha:
                picture.convert("RGBA").save(out, format="PNG", optimize=True)
            else:
                picture.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidImage(_("Cette image est illisible ou abîmée.")) from exc
    return out.getvalue()


def _delete_file_later(field: Any) -> None:
    name = field.name
    if not name:
        return
    storage = field.storage
    transaction.on_commit(lambda: storage.delete(name))


# --- People ------------------------------------------------------------------------------------


def _split_name(full_name: str, email: str) -> tuple[str, str]:
    parts = full_name.split()
    if len(parts) >= 2:
        return " ".join(parts[:-1])[:80], parts[-1][:80]
    if parts:
        return parts[0][:80], ""
    local = email.split("@")[0].replace(".", " ").replace("-", " ").split()
    return (local[0].capitalize() if local else email)[:80], " ".join(
        w.capitalize() for w in local[1:]
    )[:80]


def _audit(action: str, actor: Any, card: Person | Organisation, **details: Any) -> None:
    key = "person" if isinstance(card, Person) else "organisation"
    record_audit(action=action, actor=actor, target=str(card), details={key: card.pk, **details})


@transaction.atomic
def ensure_person_for_user(*, user: Any) -> Person:
    """The user's card, created from their account when they have none (name, and the
    account e-mail as a contact for the members of their spaces). Idempotent."""
    existing = Person.objects.filter(user=user).first()
    if existing is not None:
        return existing
    first_name, last_name = _split_name(getattr(user, "full_name", "") or "", user.email)
    person = Person.objects.create(
        user=user, first_name=first_name, last_name=last_name, last_verified_at=timezone.now()
    )
    ContactPoint.objects.create(
        person=person, kind=ContactKind.EMAIL, value=user.email, audience=Audience.SPACES
    )
    record_audit(
        action="directory.person_created",
        actor=user,
        target=person.full_name,
        details={"person": person.pk, "from_account": True},
    )
    cards_changed(person_ids=[person.pk])
    return person


def _link_account(person: Person, account: Any) -> None:
    if account is None:
        return
    if Person.objects.filter(user=account).exclude(pk=person.pk).exists():
        raise ValidationError(_("Ce compte a déjà une fiche dans l'annuaire."))
    person.user = account


@transaction.atomic
def create_person(
    *,
    actor: Any,
    first_name: str,
    last_name: str,
    commune: str = "",
    languages: str = "",
    bio: str = "",
    themes: Iterable[Theme] = (),
    audiences: Mapping[str, str] | None = None,
    contacts: Sequence[ContactInput] = (),
    functions: Sequence[FunctionInput] = (),
    account: Any = None,
) -> Person:
    """A new person's card (with or without an account), by a directory editor."""
    if not policy.can_create(actor):
        raise PermissionDenied
    person = Person(
        first_name=first_name.strip()[:80],
        last_name=last_name.strip()[:80],
        commune=commune.strip()[:120],
        languages=languages.strip()[:200],
        bio=bio.strip(),
        audiences=_clean_audiences(audiences or {}, PERSON_FIELD_AUDIENCES),
        last_verified_by=actor,
    )
    if not person.first_name and not person.last_name:
        raise ValidationError(_("Une fiche a au moins un nom ou un prénom."))
    _link_account(person, account)
    person.save()
    person.themes.set(list(themes))
    _replace_contacts(person, contacts)
    organisations = _replace_functions(person, functions)
    _audit("directory.person_created", actor, person)
    cards_changed(person_ids=[person.pk], organisation_ids=organisations)
    return person


@transaction.atomic
def update_person(
    *,
    actor: Any,
    person: Person,
    first_name: str,
    last_name: str,
    commune: str,
    languages: str,
    bio: str,
    themes: Iterable[Theme],
    audiences: Mapping[str, str],
    contacts: Sequence[ContactInput],
    functions: Sequence[FunctionInput],
) -> Person:
    """Replace what a card says (its contact points and functions included). Editing counts
    as verifying: the person has just read their card."""
    if not policy.can_edit_person(actor, person):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.first_name = first_name.strip()[:80]
    person.last_name = last_name.strip()[:80]
    if not person.first_name and not person.last_name:
        raise ValidationError(_("Une fiche a au moins un nom ou un prénom."))
    person.commune = commune.strip()[:120]
    person.languages = languages.strip()[:200]
    person.bio = bio.strip()
    person.audiences = {
        **(person.audiences or {}),
        **_clean_audiences(audiences, PERSON_FIELD_AUDIENCES),
    }
    now = timezone.now()
    person.updated_at = now
    person.last_verified_at = now
    person.last_verified_by = actor
    person.stale_reminded_at = None
    person.save()
    person.themes.set(list(themes))
    _replace_contacts(person, contacts)
    organisations = _replace_functions(person, functions)
    _audit("directory.person_updated", actor, person)
    cards_changed(person_ids=[person.pk], organisation_ids=organisations)
    return person


@transaction.atomic
def set_person_photo(
    *, actor: Any, person: Person, upload: Any = None, audience: str | None = None
) -> Person:
    """Replace (``upload``) or remove (``upload=None``) a person's photo; ``audience`` says who
    sees it. Raises ``InvalidImage``."""
    if not policy.can_edit_person(actor, person):
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=person.pk)
    data = prepare_image(upload) if upload is not None else None
    _delete_file_later(person.photo)
    if data is None:
        person.photo = ""
    else:
        person.photo.save("photo", ContentFile(data), save=False)
    if audience is not None:
        person.audiences = {**(person.audiences or {}), "photo": _check_audience(audience)}
    person.updated_at = timezone.now()
    person.save()
    _audit("directory.person_photo_changed", actor, person, removed=data is None)
    cards_changed(person_ids=[person.pk])
    return person


# --- Organisations -----------------------------------------------------------------------------


def _check_parent(organisation: Organisation, parent: Organisation | None) -> None:
    """Refuse a parent chain that comes back to ``organisation`` (read from the database, not
    from possibly stale instances)."""
    seen: set[int] = set()
    current = parent.pk if parent is not None else None
    while current is not None and current not in seen:
        if organisation.pk is not None and current == organisation.pk:
            raise ValidationError(
                _("Une organisation ne peut pas dépendre d'elle-même, même indirectement.")
            )
        seen.add(current)
        current = (
            Organisation.objects.filter(pk=current).values_list("parent_id", flat=True).first()
        )


def _organisation_fields(
    organisation: Organisation,
    *,
    kind: OrganisationKind,
    name: str,
    parent: Organisation | None,
    commune: str,
    postal_code: str,
    address: str,
    latitude: Any,
    longitude: Any,
    website: str,
    opening_hours: str,
    description: str,
    audiences: Mapping[str, str],
) -> None:
    organisation.kind = kind
    organisation.name = " ".join(name.split())[:200]
    if not organisation.name:
        raise ValidationError(_("Donnez le nom de l'organisation."))
    _check_parent(organisation, parent)
    organisation.parent = parent
    organisation.commune = commune.strip()[:120]
    organisation.postal_code = postal_code.strip()[:10]
    organisation.address = address.strip()
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Donnez la latitude et la longitude, ou aucune des deux."))
    organisation.latitude = latitude
    organisation.longitude = longitude
    organisation.website = normalise_website(website) if website.strip() else ""
    organisation.opening_hours = opening_hours.strip()
    organisation.description = description.strip()
    organisation.audiences = {
        **(organisation.audiences or {}),
        **_clean_audiences(audiences, ORGANISATION_FIELD_AUDIENCES),
    }


def _people_of(organisation_ids: Iterable[int]) -> list[int]:
    return list(
        Function.objects.filter(organisation_id__in=list(organisation_ids))
        .values_list("person_id", flat=True)
        .distinct()
    )


@transaction.atomic
def create_organisation(
    *,
    actor: Any,
    kind: OrganisationKind,
    name: str,
    parent: Organisation | None = None,
    commune: str = "",
    postal_code: str = "",
    address: str = "",
    latitude: Any = None,
    longitude: Any = None,
    website: str = "",
    opening_hours: str = "",
    description: str = "",
    themes: Iterable[Theme] = (),
    audiences: Mapping[str, str] | None = None,
    contacts: Sequence[ContactInput] = (),
    managers: Iterable[Any] = (),
    spaces: Iterable[Any] = (),
) -> Organisation:
    """A new organisation's card, by a directory editor."""
    if not policy.can_create(actor):
        raise PermissionDenied
    organisation = Organisation(last_verified_by=actor)
    _organisation_fields(
        organisation,
        kind=kind,
        name=name,
        parent=parent,
        commune=commune,
        postal_code=postal_code,
        address=address,
        latitude=latitude,
        longitude=longitude,
        website=website,
        opening_hours=opening_hours,
        description=description,
        audiences=audiences or {},
    )
    organisation.save()
    organisation.themes.set(list(themes))
    organisation.managers.set(list(managers))
    organisation.spaces.set(list(spaces))
    _replace_contacts(organisation, contacts)
    _audit("directory.organisation_created", actor, organisation)
    cards_changed(organisation_ids=[organisation.pk])
    return organisation


@transaction.atomic
def update_organisation(
    *,
    actor: Any,
    organisation: Organisation,
    kind: OrganisationKind,
    name: str,
    parent: Organisation | None,
    commune: str,
    postal_code: str,
    address: str,
    latitude: Any,
    longitude: Any,
    website: str,
    opening_hours: str,
    description: str,
    themes: Iterable[Theme],
    audiences: Mapping[str, str],
    contacts: Sequence[ContactInput],
    managers: Iterable[Any] | None = None,
    spaces: Iterable[Any] | None = None,
) -> Organisation:
    """Replace what an organisation's card says. ``managers`` and ``spaces`` (who edits it,
    whose members see its "spaces" fields) change only when given, by directory editors."""
    if not policy.can_edit_organisation(actor, organisation):
        raise PermissionDenied
    if (managers is not None or spaces is not None) and not (
        policy.can_manage_organisation_access(actor)
    ):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    _organisation_fields(
        organisation,
        kind=kind,
        name=name,
        parent=parent,
        commune=commune,
        postal_code=postal_code,
        address=address,
        latitude=latitude,
        longitude=longitude,
        website=website,
        opening_hours=opening_hours,
        description=description,
        audiences=audiences,
    )
    now = timezone.now()
    organisation.updated_at = now
    organisation.last_verified_at = now
    organisation.last_verified_by = actor
    organisation.stale_reminded_at = None
    organisation.save()
    organisation.themes.set(list(themes))
    if managers is not None:
        organisation.managers.set(list(managers))
    if spaces is not None:
        organisation.spaces.set(list(spaces))
    _replace_contacts(organisation, contacts)
    _audit("directory.organisation_updated", actor, organisation)
    # Its people's cards name it (functions), and their vCards too.
    cards_changed(organisation_ids=[organisation.pk], person_ids=_people_of([organisation.pk]))
    return organisation


@transaction.atomic
def set_organisation_logo(
    *, actor: Any, organisation: Organisation, upload: Any = None, audience: str | None = None
) -> Organisation:
    """Replace (``upload``) or remove (``upload=None``) an organisation's logo. Raises
    ``InvalidImage``."""
    if not policy.can_edit_organisation(actor, organisation):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    data = prepare_image(upload) if upload is not None else None
    _delete_file_later(organisation.logo)
    if data is None:
        organisation.logo = ""
    else:
        organisation.logo.save("logo", ContentFile(data), save=False)
    if audience is not None:
        organisation.audiences = {
            **(organisation.audiences or {}),
            "logo": _check_audience(audience),
        }
    organisation.updated_at = timezone.now()
    organisation.save()
    _audit("directory.organisation_logo_changed", actor, organisation, removed=data is None)
    cards_changed(organisation_ids=[organisation.pk])
    return organisation


# --- Both kinds of card ------------------------------------------------------------------------


def _can_edit(actor: Any, card: Person | Organisation) -> bool:
    if isinstance(card, Person):
        return policy.can_edit_person(actor, card)
    return policy.can_edit_organisation(actor, card)


def _changed(card: Person | Organisation) -> None:
    if isinstance(card, Person):
        cards_changed(person_ids=[card.pk])
    else:
        cards_changed(organisation_ids=[card.pk])


@transaction.atomic
def verify_card(*, actor: Any, card: Person | Organisation) -> Person | Organisation:
    """ "Je confirme que cette fiche est à jour": the card is fresh again, reminders reset."""
    if not _can_edit(actor, card):
        raise PermissionDenied
    now = timezone.now()
    type(card).objects.filter(pk=card.pk).update(
        last_verified_at=now, last_verified_by=actor, stale_reminded_at=None
    )
    card.last_verified_at = now
    card.last_verified_by = actor
    card.stale_reminded_at = None
    _audit("directory.card_verified", actor, card)
    _changed(card)
    return card


@transaction.atomic
def set_portal_intent(
    *, actor: Any, card: Person | Organisation, intent: str
) -> Person | Organisation:
    """Record what the card's owner would like on the public portal; the portal's editorial
    workflow decides what is published."""
    if not _can_edit(actor, card):
        raise PermissionDenied
    if intent not in PortalIntent.values:
        raise ValidationError(_("Choix inconnu pour le portail."))
    if card.portal_intent == intent:
        return card
    now = timezone.now()
    type(card).objects.filter(pk=card.pk).update(portal_intent=intent, portal_intent_at=now)
    previous = card.portal_intent
    card.portal_intent = intent
    card.portal_intent_at = now
    _audit("directory.portal_intent_changed", actor, card, previous=previous, intent=intent)
    _changed(card)
    return card
