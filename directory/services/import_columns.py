"""The columns of the directory's CSV files, and how header names and values are compared.

Header names are compared by ``header_key`` (case, accents, spaces and punctuation ignored), names
of kinds, organisations and people by ``fold``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from directory.models import (
    DEFAULT_CONTACT_AUDIENCE,
    ORGANISATION_FIELD_AUDIENCES,
    PERSON_FIELD_AUDIENCES,
    Audience,
    ContactKind,
    ImportKind,
)

# An organisation's phones and e-mails are the institution's: every signed-in user sees them
# unless the file says otherwise (a person's follow DEFAULT_CONTACT_AUDIENCE).
ORGANISATION_CONTACT_AUDIENCE: dict[str, str] = {
    ContactKind.PHONE: Audience.TERRITORY,
    ContactKind.EMAIL: Audience.TERRITORY,
}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, without accents, single spaces: how names, kinds and headers compare."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def header_key(text: str) -> str:
    """``"Code postal"``, ``"code-postal"`` and ``"CODE_POSTAL"`` all give ``code_postal``."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def column_letter(index: int) -> str:
    """The spreadsheet name of a column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- Columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    help: Any
    examples: tuple[str, str] = ("", "")
    required: bool = False
    aliases: tuple[str, ...] = ()


AUDIENCE_CHOICES_TEXT = "public, territoire, espaces ou privé"


def _audience_column(key: str, what: Any, default: str, examples: tuple[str, str]) -> Column:
    return Column(
        key,
        format_lazy(
            gettext_lazy("Qui voit {what} : {words} (par défaut : {default})."),
            what=what,
            words=AUDIENCE_CHOICES_TEXT,
            default=_AUDIENCE_NAMES[default],
        ),
        examples,
    )


_AUDIENCE_NAMES: dict[str, str] = {
    Audience.PUBLIC: "public",
    Audience.TERRITORY: "territoire",
    Audience.SPACES: "espaces",
    Audience.PRIVATE: "privé",
}
AUDIENCE_WORDS: dict[str, str] = {
    "public": Audience.PUBLIC,
    "publique": Audience.PUBLIC,
    "territoire": Audience.TERRITORY,
    "territory": Audience.TERRITORY,
    "espaces": Audience.SPACES,
    "espace": Audience.SPACES,
    "spaces": Audience.SPACES,
    "membres": Audience.SPACES,
    "prive": Audience.PRIVATE,
    "privee": Audience.PRIVATE,
    "private": Audience.PRIVATE,
}

ORGANISATION_COLUMNS: tuple[Column, ...] = (
    Column(
        "type",
        gettext_lazy("Type d'organisation, par son nom ou son code (voir la liste ci-dessous)."),
        ("Commune", "Office de tourisme"),
        required=True,
        aliases=("type_d_organisation", "kind"),
    ),
    Column(
        "nom",
        gettext_lazy("Nom de l'organisation."),
        ("Mairie de Brioux-sur-Boutonne", "Office de tourisme du Mellois"),
        required=True,
        aliases=("name",),
    ),
    Column("commune", gettext_lazy("Commune."), ("Brioux-sur-Boutonne", "Melle")),
    Column("code_postal", gettext_lazy("Code postal (5 chiffres)."), ("79170", "79500")),
    Column("adresse", gettext_lazy("Adresse postale."), ("1 place de la Mairie", "")),
    Column(
        "latitude",
        gettext_lazy("Latitude en degrés décimaux (avec la longitude)."),
        ("46.1415", ""),
    ),
    Column("longitude", gettext_lazy("Longitude en degrés décimaux."), ("-0.2178", "")),
    Column(
        "telephones",
        gettext_lazy("Numéros de téléphone, séparés par « ; »."),
        ("05 49 07 50 02", "05 49 29 15 10 ; 06 12 34 56 78"),
        aliases=("telephone", "telephone_s", "tel"),
    ),
    Column(
        "emails",
        gettext_lazy("Adresses e-mail, séparées par « ; »."),
        ("mairie@brioux.exemple.fr", "accueil@tourisme-mellois.exemple.fr"),
        aliases=("email", "email_s", "e_mail", "e_mails", "courriel", "courriels"),
    ),
    Column(
        "site_web",
        gettext_lazy("Site web."),
        ("https://www.brioux.exemple.fr", "www.tourisme-mellois.exemple.fr"),
        aliases=("site", "site_internet", "url"),
    ),
    Column("horaires", gettext_lazy("Horaires d'ouverture."), ("Lundi au vendredi 9 h–12 h", "")),
    Column("description", gettext_lazy("Description."), ("", "Accueil et billetterie.")),
    Column(
        "themes",
        gettext_lazy("Thèmes, séparés par « ; » (les thèmes inconnus sont créés)."),
        ("Vie locale", "Tourisme ; Culture"),
        aliases=("theme",),
    ),
    Column(
        "organisation_parente",
        gettext_lazy(
            "Nom d'une organisation existante ou placée plus haut dans le fichier ; "
            "« Nom (Commune) » si plusieurs portent ce nom."
        ),
        ("", ""),
        aliases=("parente", "parent"),
    ),
    Column(
        "gestionnaires",
        gettext_lazy(
            "Adresses e-mail des comptes qui gèrent la fiche, séparées par « ; » "
            "(ils reçoivent les rappels de vérification)."
        ),
        ("", ""),
        aliases=("gestionnaire",),
    ),
    _audience_column(
        "visibilite_adresse",
        gettext_lazy("l'adresse"),
        ORGANISATION_FIELD_AUDIENCES["address"],
        ("", ""),
    ),
    _audience_column(
        "visibilite_coordonnees",
        gettext_lazy("la position (latitude, longitude)"),
        ORGANISATION_FIELD_AUDIENCES["coordinates"],
        ("", ""),
    ),
    _audience_column(
        "visibilite_telephones",
        gettext_lazy("les téléphones"),
        ORGANISATION_CONTACT_AUDIENCE[ContactKind.PHONE],
        ("", "public"),
    ),
    _audience_column(
        "visibilite_emails",
        gettext_lazy("les e-mails"),
        ORGANISATION_CONTACT_AUDIENCE[ContactKind.EMAIL],
        ("", ""),
    ),
    _audience_column(
        "visibilite_site_web",
        gettext_lazy("le site web"),
        ORGANISATION_FIELD_AUDIENCES["website"],
        ("", ""),
    ),
    _audience_column(
        "visibilite_horaires",
        gettext_lazy("les horaires"),
        ORGANISATION_FIELD_AUDIENCES["opening_hours"],
        ("", ""),
    ),
    _audience_column(
        "visibilite_description",
        gettext_lazy("la description"),
        ORGANISATION_FIELD_AUDIENCES["description"],
        ("", ""),
    ),
)

PEOPLE_COLUMNS: tuple[Column, ...] = (
    Column("prenom", gettext_lazy("Prénom."), ("Jeanne", "Karim"), required=True),
    Column(
        "nom",
        gettext_lazy("Nom de famille."),
        ("Martin", "Benali"),
        required=True,
        aliases=("nom_de_famille",),
    ),
    Column(
        "email_compte",
        gettext_lazy(
            "Adresse e-mail du compte Maillage de la personne, si elle en a un : la fiche y est "
            "rattachée (la personne la modifie et reçoit les rappels)."
        ),
        ("jeanne.martin@brioux.exemple.fr", ""),
        aliases=("compte", "e_mail_compte", "courriel_compte"),
    ),
    Column(
        "fonctions",
        gettext_lazy(
            "Fonctions sous la forme « Titre @ Organisation », séparées par « ; » ; "
            "l'organisation doit déjà être dans l'annuaire (« Nom (Commune) » si plusieurs "
            "portent ce nom)."
        ),
        (
            "Secrétaire de mairie @ Mairie de Brioux-sur-Boutonne",
            "Conseiller en séjour @ Office de tourisme du Mellois",
        ),
        aliases=("fonction",),
    ),
    Column(
        "telephones",
        gettext_lazy("Téléphones fixes, séparés par « ; »."),
        ("05 49 07 50 02", ""),
        aliases=("telephone", "telephone_s", "tel"),
    ),
    Column(
        "portables",
        gettext_lazy("Téléphones portables, séparés par « ; »."),
        ("", "06 12 34 56 78"),
        aliases=("portable", "mobile", "mobiles"),
    ),
    Column(
        "emails",
        gettext_lazy("Adresses e-mail de contact, séparées par « ; »."),
        ("jeanne.martin@brioux.exemple.fr", "karim.benali@tourisme-mellois.exemple.fr"),
        aliases=("email", "email_s", "e_mail", "e_mails", "courriel", "courriels"),
    ),
    Column(
        "site_web",
        gettext_lazy("Site web personnel ou professionnel."),
        ("", ""),
        aliases=("site", "site_internet", "url"),
    ),
    Column("commune", gettext_lazy("Commune."), ("Brioux-sur-Boutonne", "Melle")),
    Column(
        "langues",
        gettext_lazy("Langues parlées, séparées par des virgules."),
        ("français, occitan", "français, arabe, anglais"),
    ),
    Column(
        "presentation",
        gettext_lazy("Courte présentation."),
        ("", ""),
        aliases=("bio", "description"),
    ),
    Column(
        "themes",
        gettext_lazy("Thèmes et compétences, séparés par « ; » (les thèmes inconnus sont créés)."),
        ("État civil ; Urbanisme", "Tourisme"),
        aliases=("theme", "competences"),
    ),
    _audience_column(
        "visibilite_telephones",
        gettext_lazy("les téléphones fixes"),
        DEFAULT_CONTACT_AUDIENCE[ContactKind.PHONE],
        ("", ""),
    ),
    _audience_column(
        "visibilite_portables",
        gettext_lazy("les portables"),
        DEFAULT_CONTACT_AUDIENCE[ContactKind.MOBILE],
        ("", "espaces"),
    ),
    _audience_column(
        "visibilite_emails",
        gettext_lazy("les e-mails"),
        DEFAULT_CONTACT_AUDIENCE[ContactKind.EMAIL],
        ("territoire", ""),
    ),
    _audience_column(
        "visibilite_site_web",
        gettext_lazy("le site web"),
        DEFAULT_CONTACT_AUDIENCE[ContactKind.WEBSITE],
        ("", ""),
    ),
    _audience_column(
        "visibilite_commune",
        gettext_lazy("la commune"),
        PERSON_FIELD_AUDIENCES["commune"],
        ("", ""),
    ),
    _audience_column(
        "visibilite_langues",
        gettext_lazy("les langues"),
        PERSON_FIELD_AUDIENCES["languages"],
        ("", ""),
    ),
    _audience_column(
        "visibilite_presentation",
        gettext_lazy("la présentation"),
        PERSON_FIELD_AUDIENCES["bio"],
        ("", ""),
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.ORGANISATIONS: ORGANISATION_COLUMNS,
    ImportKind.PEOPLE: PEOPLE_COLUMNS,
}


def template_rows(kind: str) -> list[list[str]]:
    """The header and two example rows of the template file of ``kind``."""
    columns = COLUMNS[kind]
    return [
        [c.key for c in columns],
        [c.examples[0] for c in columns],
        [c.examples[1] for c in columns],
    ]
