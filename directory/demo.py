"""The demo directory of the Pays des Trois Vallées, written through the directory services.

Every demo account gets a card (the first membership creates it; the newcomer's is created
here) completed with functions and contact details; about twenty people without an account
(mayors, town-hall secretaries, doctors, digital-inclusion workers…) are added by the
directory's editor. Audiences vary on purpose: signing in as different demo accounts shows the
visibility rules at work (Hélène Marchand's mobile is hers alone; the health professionals'
direct lines are for the health space; the town halls' switchboards are public). A few cards
are stale, so the freshness list and the reminders have something to show.

Every name, number and address here is invented (numbers in 05 49 / 06 ranges, e-mails at
example domains).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from directory.models import (
    Audience,
    ContactKind,
    Organisation,
    OrganisationKind,
    Person,
    PortalIntent,
    Theme,
)
from directory.services.cards import (
    ContactInput,
    FunctionInput,
    create_organisation,
    create_person,
    ensure_person_for_user,
    set_person_photo,
    set_portal_intent,
    update_person,
)
from extranet.demo import DemoContext
from extranet.demo_data import CULTURE as CULTURE_SPACE
from extranet.demo_data import HEALTH as HEALTH_SPACE
from extranet.demo_data import OFFICIALS, PEOPLE, TOURISM
from extranet.demo_data import TRAINING as TRAINING_SPACE

EDITORS_GROUP = "Rédaction de l'annuaire"
# The syndicate's director keeps the directory: sign in as him to see editors' pages.
DIRECTORY_EDITORS = ("julien.roussel",)

PUB, TER, SPA, PRI = Audience.PUBLIC, Audience.TERRITORY, Audience.SPACES, Audience.PRIVATE
PHONE, MOBILE, EMAIL, WEB = (
    ContactKind.PHONE,
    ContactKind.MOBILE,
    ContactKind.EMAIL,
    ContactKind.WEBSITE,
)

THEMES = {
    "tourisme": "Tourisme",
    "culture": "Culture",
    "sante": "Santé",
    "numerique": "Numérique",
    "petite-enfance": "Petite enfance",
    "patrimoine": "Patrimoine",
    "mobilites": "Mobilités",
    "urbanisme": "Urbanisme",
    "action-sociale": "Action sociale",
    "formation": "Formation",
    "musique": "Musique",
    "etat-civil": "État civil",
}

# (kind, label, value, audience)
Contact = tuple[str, str, str, str]


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    commune: str
    postal_code: str
    address: str = ""
    parent: str = ""
    contacts: tuple[Contact, ...] = ()
    website: str = ""
    opening_hours: str = ""
    description: str = ""
    themes: tuple[str, ...] = ()
    spaces: tuple[str, ...] = ()
    managers: tuple[str, ...] = ()
    coordinates: tuple[str, str] | None = None
    audiences: dict[str, str] = field(default_factory=dict)
    portal: str = PortalIntent.NONE
    stale_days: int = 0


@dataclass(frozen=True)
class DemoCard:
    """A card: of a demo account (``account`` = local part) or of someone without one."""

    first_name: str
    last_name: str
    functions: tuple[tuple[str, str], ...]  # (organisation key, title)
    contacts: tuple[Contact, ...] = ()
    commune: str = ""
    languages: str = ""
    bio: str = ""
    themes: tuple[str, ...] = ()
    account: str = ""
    audiences: dict[str, str] = field(default_factory=dict)
    photo: str = ""  # background colour of a generated portrait; its audience in audiences
    stale_days: int = 0
    portal: str = PortalIntent.NONE


SA, MV, ES, CH, VE, SM = (
    "Saint-Aubin-sur-Loire",
    "Montreuil-le-Vieux",
    "Les Essarts-du-Bocage",
    "La Chapelle-aux-Chênes",
    "Vernoux-en-Vallée",
    "Saint-Martin-des-Prés",
)

OPENING_MAIRIE = "Lundi, mardi, jeudi : 9 h – 12 h et 14 h – 17 h\nSamedi : 9 h – 12 h"

ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        "syndicat",
        "Syndicat mixte du Pays des Trois Vallées",
        "intercommunalite",
        SA,
        "79170",
        "4 rue des Tanneurs",
        contacts=(
            (PHONE, "Accueil", "05 49 07 20 00", PUB),
            (EMAIL, "Accueil", "contact@pays-trois-vallees.example", PUB),
        ),
        website="https://www.pays-trois-vallees.example",
        opening_hours="Du lundi au vendredi, 8 h 30 – 12 h 30 et 13 h 30 – 17 h",
        description=(
            "Le syndicat mixte porte le projet de territoire du Pays : contrat de ruralité, "
            "programme LEADER, voie verte, animation des réseaux d'acteurs."
        ),
        themes=("mobilites", "urbanisme"),
        spaces=(OFFICIALS,),
        coordinates=("46.151200", "-0.212400"),
        portal=PortalIntent.FULL,
    ),
    DemoOrganisation(
        "cc",
        "Communauté de communes des Trois Vallées",
        "intercommunalite",
        SA,
        "79170",
        "4 rue des Tanneurs",
        contacts=(
            (PHONE, "Standard", "05 49 07 20 10", PUB),
            (EMAIL, "", "accueil@cc-trois-vallees.example", PUB),
            (PHONE, "Services techniques (astreinte)", "06 80 41 22 17", SPA),
        ),
        website="https://www.cc-trois-vallees.example",
        opening_hours="Du lundi au vendredi, 9 h – 12 h et 14 h – 17 h",
        description="Douze communes, 14 800 habitants. Compétences : petite enfance, "
        "tourisme, lecture publique, voirie, déchets, France services.",
        themes=("petite-enfance", "tourisme", "action-sociale"),
        spaces=(OFFICIALS, TRAINING_SPACE),
        coordinates=("46.151300", "-0.212600"),
        portal=PortalIntent.FULL,
    ),
    DemoOrganisation(
        "mairie-sa",
        "Mairie de Saint-Aubin-sur-Loire",
        "commune",
        SA,
        "79170",
        "Place de la République",
        parent="cc",
        contacts=(
            (PHONE, "Accueil", "05 49 07 31 50", PUB),
            (EMAIL, "", "mairie@saint-aubin-sur-loire.example", PUB),
            (PHONE, "Ligne des élus", "05 49 07 31 59", SPA),
        ),
        website="https://www.saint-aubin-sur-loire.example",
        opening_hours=OPENING_MAIRIE,
        themes=("etat-civil", "urbanisme"),
        spaces=(OFFICIALS,),
        managers=("helene.marchand",),
        coordinates=("46.150800", "-0.213900"),
        portal=PortalIntent.FULL,
    ),
    DemoOrganisation(
        "mairie-mv",
        "Mairie de Montreuil-le-Vieux",
        "commune",
        MV,
        "79190",
        "1 place de l'Église",
        parent="cc",
        contacts=(
            (PHONE, "Accueil", "05 49 29 60 12", PUB),
            (EMAIL, "", "mairie@montreuil-le-vieux.example", PUB),
        ),
        opening_hours="Mardi et vendredi, 14 h – 18 h\nJeudi : 9 h – 12 h",
        themes=("etat-civil",),
        spaces=(OFFICIALS,),
        managers=("sophie.lefevre",),
        portal=PortalIntent.REDUCED,
    ),
    DemoOrganisation(
        "mairie-es",
        "Mairie des Essarts-du-Bocage",
        "commune",
        ES,
        "79120",
        "2 rue de la Mairie",
        parent="cc",
        contacts=(
            (PHONE, "Accueil", "05 49 76 02 33", PUB),
            (EMAIL, "", "mairie@essarts-du-bocage.example", TER),
        ),
        opening_hours="Lundi et jeudi, 14 h – 17 h 30",
        spaces=(OFFICIALS,),
    ),
    DemoOrganisation(
        "mairie-ch",
        "Mairie de La Chapelle-aux-Chênes",
        "commune",
        CH,
        "79120",
        "Le Bourg",
        parent="cc",
        contacts=((PHONE, "Accueil", "05 49 76 14 08", PUB),),
        opening_hours="Mercredi, 9 h – 12 h\nSamedi, 10 h – 12 h",
        spaces=(OFFICIALS,),
        stale_days=520,
    ),
    DemoOrganisation(
        "mairie-ve",
        "Mairie de Vernoux-en-Vallée",
        "commune",
        VE,
        "79190",
        "3 place du Marché",
        parent="cc",
        contacts=(
            (PHONE, "Accueil", "05 49 29 71 45", PUB),
            (EMAIL, "", "accueil@vernoux-en-vallee.example", PUB),
        ),
        opening_hours=OPENING_MAIRIE,
        spaces=(OFFICIALS,),
    ),
    DemoOrganisation(
        "mairie-sm",
        "Mairie de Saint-Martin-des-Prés",
        "commune",
        SM,
        "79170",
        "1 rue du Lavoir",
        parent="cc",
        contacts=((PHONE, "Accueil", "05 49 07 44 90", PUB),),
        opening_hours="Mardi, 16 h – 19 h",
        spaces=(OFFICIALS,),
    ),
    DemoOrganisation(
        "ot",
        "Office de tourisme des Trois Vallées",
        "office-tourisme",
        SA,
        "79170",
        "12 quai de Loire",
        parent="cc",
        contacts=(
            (PHONE, "Accueil", "05 49 07 55 30", PUB),
            (EMAIL, "", "bonjour@tourisme-trois-vallees.example", PUB),
            (PHONE, "Ligne des partenaires", "05 49 07 55 39", SPA),
        ),
        website="https://www.tourisme-trois-vallees.example",
        opening_hours="Avril à septembre : tous les jours, 9 h 30 – 18 h 30\n"
        "Octobre à mars : du mardi au samedi, 10 h – 12 h 30 et 14 h – 17 h",
        description="Accueil des visiteurs, billetterie, guide des hébergements et "
        "accompagnement des prestataires touristiques.",
        themes=("tourisme", "patrimoine"),
        spaces=(TOURISM,),
        managers=("camille.fontaine",),
        coordinates=("46.149900", "-0.215100"),
        portal=PortalIntent.FULL,
    ),
    DemoOrganisation(
        "bit-ve",
        "Bureau d'information touristique de Vernoux-en-Vallée",
        "office-tourisme",
        VE,
        "79190",
        "Maison du Patrimoine, rue Haute",
        parent="ot",
        contacts=((PHONE, "", "05 49 29 73 02", PUB),),
        opening_hours="Juillet et août : du mercredi au dimanche, 10 h – 13 h et 15 h – 18 h",
        themes=("tourisme",),
        spaces=(TOURISM,),
        managers=("camille.fontaine",),
        portal=PortalIntent.REDUCED,
    ),
    DemoOrganisation(
        "camping",
        "Camping Les Rives de Loire",
        "entreprise",
        SA,
        "79170",
        "Chemin du Halage",
        contacts=(
            (PHONE, "Réception", "05 49 07 68 20", PUB),
            (MOBILE, "Gérance", "06 12 48 90 33", SPA),
        ),
        website="https://www.camping-rives-de-loire.example",
        opening_hours="D'avril à octobre",
        themes=("tourisme",),
        spaces=(TOURISM,),
        managers=("isabelle.dumont",),
    ),
    DemoOrganisation(
        "clos",
        "Le Clos des Chênes",
        "entreprise",
        CH,
        "79120",
        "La Grande Métairie",
        contacts=((MOBILE, "Réservations", "06 33 71 08 52", PUB),),
        description="Chambres d'hôtes (5 chambres) et table d'hôtes dans une longère du XVIIIe.",
        themes=("tourisme",),
        spaces=(TOURISM,),
        managers=("pierre-yves.lemoine",),
    ),
    DemoOrganisation(
        "musee",
        "Musée de la Vigne",
        "lieu-culturel",
        SA,
        "79170",
        "Domaine de la Brosse",
        contacts=((PHONE, "", "05 49 07 81 14", PUB),),
        opening_hours="Été : du mardi au dimanche, 10 h – 18 h 30",
        themes=("patrimoine", "tourisme"),
        spaces=(TOURISM, CULTURE_SPACE),
    ),
    DemoOrganisation(
        "mediatheque",
        "Médiathèque intercommunale des Trois Vallées",
        "lieu-culturel",
        MV,
        "79190",
        "5 rue des Écoles",
        parent="cc",
        contacts=(
            (PHONE, "Accueil", "05 49 29 64 70", PUB),
            (EMAIL, "", "mediatheque@cc-trois-vallees.example", PUB),
            (
                EMAIL,
                "Équipe (réservé au réseau)",
                "equipe.mediatheque@cc-trois-vallees.example",
                SPA,
            ),
        ),
        opening_hours="Mardi 15 h – 18 h 30, mercredi 10 h – 18 h, samedi 10 h – 16 h",
        description="Réseau de lecture publique : une médiathèque tête de réseau et quatre "
        "points lecture, portage à domicile, ateliers numériques.",
        themes=("culture", "numerique"),
        spaces=(CULTURE_SPACE,),
        managers=("elodie.bertin",),
        portal=PortalIntent.FULL,
    ),
    DemoOrganisation(
        "compagnie",
        "Compagnie du Bocage",
        "association",
        ES,
        "79120",
        "Salle des fêtes, rue du Stade",
        contacts=((EMAIL, "", "compagnie.du.bocage@asso.example", TER),),
        themes=("culture",),
        spaces=(CULTURE_SPACE,),
    ),
    DemoOrganisation(
        "ecole-musique",
        "École de musique des Trois Vallées",
        "ecole",
        MV,
        "79190",
        "7 rue des Écoles",
        parent="cc",
        contacts=((PHONE, "Secrétariat", "05 49 29 64 75", PUB),),
        themes=("musique", "culture"),
        spaces=(CULTURE_SPACE,),
    ),
    DemoOrganisation(
        "patrimoine",
        "Association Patrimoine de Vernoux-en-Vallée",
        "association",
        VE,
        "79190",
        "Maison du Patrimoine, rue Haute",
        contacts=((EMAIL, "", "patrimoine.vernoux@asso.example", TER),),
        themes=("patrimoine",),
        spaces=(CULTURE_SPACE, TOURISM),
        stale_days=430,
    ),
    DemoOrganisation(
        "msp",
        "Maison de santé de Montreuil-le-Vieux",
        "etablissement-sante",
        MV,
        "79190",
        "Allée des Tilleuls",
        contacts=(
            (PHONE, "Secrétariat", "05 49 29 66 00", PUB),
            (PHONE, "Ligne des professionnels", "05 49 29 66 09", SPA),
        ),
        opening_hours="Du lundi au vendredi, 8 h – 20 h\nSamedi, 8 h – 12 h",
        description="Maison de santé pluriprofessionnelle : 4 médecins généralistes, "
        "infirmières, kinésithérapeutes, orthophoniste, sage-femme.",
        themes=("sante",),
        spaces=(HEALTH_SPACE,),
        managers=("claire.morin",),
        portal=PortalIntent.FULL,
    ),
    DemoOrganisation(
        "cpts",
        "CPTS des Trois Vallées",
        "association",
        MV,
        "79190",
        "Maison de santé, allée des Tilleuls",
        contacts=((EMAIL, "", "coordination@cpts-trois-vallees.example", SPA),),
        themes=("sante",),
        spaces=(HEALTH_SPACE,),
        managers=("manon.giraud",),
    ),
    DemoOrganisation(
        "pharmacie",
        "Pharmacie du Centre",
        "entreprise",
        SA,
        "79170",
        "18 Grande Rue",
        contacts=((PHONE, "", "05 49 07 33 21", PUB), (PHONE, "Ligne pro", "05 49 07 33 29", SPA)),
        opening_hours="Du lundi au samedi, 9 h – 12 h 30 et 14 h – 19 h 30",
        themes=("sante",),
        spaces=(HEALTH_SPACE,),
    ),
    DemoOrganisation(
        "infirmier",
        "Cabinet infirmier des Essarts-du-Bocage",
        "cabinet",
        ES,
        "79120",
        "6 place de l'Église",
        contacts=((PHONE, "", "05 49 76 09 81", PUB),),
        themes=("sante",),
        spaces=(HEALTH_SPACE,),
    ),
    DemoOrganisation(
        "kine",
        "Cabinet de kinésithérapie de Vernoux-en-Vallée",
        "cabinet",
        VE,
        "79190",
        "2 rue du Moulin",
        contacts=((PHONE, "", "05 49 29 70 40", PUB),),
        themes=("sante",),
        spaces=(HEALTH_SPACE,),
    ),
    DemoOrganisation(
        "ehpad",
        "EHPAD Les Tilleuls",
        "etablissement-sante",
        VE,
        "79190",
        "21 route de Melle",
        contacts=(
            (PHONE, "Accueil", "05 49 29 75 00", PUB),
            (PHONE, "Infirmerie", "05 49 29 75 12", SPA),
        ),
        description="Établissement d'hébergement pour personnes âgées dépendantes : "
        "62 places dont une unité protégée de 14 places, accueil de jour.",
        themes=("sante", "action-sociale"),
        spaces=(HEALTH_SPACE,),
    ),
    DemoOrganisation(
        "creche",
        "Crèche Les P'tits Loups",
        "creche",
        SA,
        "79170",
        "9 rue des Écoles",
        parent="cc",
        contacts=((PHONE, "", "05 49 07 42 18", PUB),),
        opening_hours="Du lundi au vendredi, 7 h 30 – 18 h 45",
        description="Multi-accueil intercommunal de 24 places.",
        themes=("petite-enfance",),
        spaces=(OFFICIALS,),
    ),
    DemoOrganisation(
        "epn",
        "Espace public numérique des Trois Vallées",
        "espace-numerique",
        MV,
        "79190",
        "Médiathèque, 5 rue des Écoles",
        parent="cc",
        contacts=(
            (PHONE, "", "05 49 29 64 78", PUB),
            (EMAIL, "", "epn@cc-trois-vallees.example", PUB),
        ),
        opening_hours="Mercredi et samedi, 10 h – 12 h 30\nAteliers sur inscription",
        description="Accès libre aux ordinateurs, ateliers d'initiation, aide aux démarches "
        "en ligne avec les conseillers numériques.",
        themes=("numerique", "formation"),
        spaces=(TRAINING_SPACE, CULTURE_SPACE),
        portal=PortalIntent.FULL,
    ),
    DemoOrganisation(
        "france-services",
        "France services des Trois Vallées",
        "service-public",
        ES,
        "79120",
        "Place du Champ de Foire",
        parent="cc",
        contacts=((PHONE, "", "05 49 76 20 30", PUB),),
        opening_hours="Lundi, mercredi, vendredi : 9 h – 12 h 30 et 13 h 30 – 17 h",
        themes=("action-sociale", "numerique"),
        spaces=(OFFICIALS, TRAINING_SPACE),
    ),
    DemoOrganisation(
        "ecole-ch",
        "École primaire Jules-Ferry",
        "ecole",
        CH,
        "79120",
        "Rue de l'École",
        contacts=((PHONE, "", "05 49 76 15 60", TER),),
    ),
)

# Organisation named by a demo account's profile (extranet.demo_data.PEOPLE) → key above.
ACCOUNT_ORGANISATIONS = {
    "Mairie de Saint-Aubin-sur-Loire": "mairie-sa",
    "Syndicat mixte du Pays des Trois Vallées": "syndicat",
    "Mairie de Montreuil-le-Vieux": "mairie-mv",
    "Mairie des Essarts-du-Bocage": "mairie-es",
    "Communauté de communes des Trois Vallées": "cc",
    "Office de tourisme des Trois Vallées": "ot",
    "Camping Les Rives de Loire, Saint-Aubin-sur-Loire": "camping",
    "Le Clos des Chênes, La Chapelle-aux-Chênes": "clos",
    "Médiathèque intercommunale des Trois Vallées": "mediatheque",
    "Compagnie du Bocage": "compagnie",
    "École de musique des Trois Vallées": "ecole-musique",
    "Association Patrimoine de Vernoux-en-Vallée": "patrimoine",
    "Maison de santé de Montreuil-le-Vieux": "msp",
    "CPTS des Trois Vallées": "cpts",
    "Pharmacie du Centre, Saint-Aubin-sur-Loire": "pharmacie",
    "Cabinet infirmier des Essarts-du-Bocage": "infirmier",
    "Cabinet de kinésithérapie de Vernoux-en-Vallée": "kine",
    "Mairie de La Chapelle-aux-Chênes": "mairie-ch",
    "Mairie de Vernoux-en-Vallée": "mairie-ve",
}

# Accounts whose profile function (extranet.demo_data) is told more precisely on their card.
OWN_FUNCTIONS = {"helene.marchand"}

# What demo accounts add to their card (the function of their profile comes on top).
ACCOUNT_CARDS: dict[str, DemoCard] = {
    "helene.marchand": DemoCard(
        "Hélène",
        "Marchand",
        (
            ("mairie-sa", "Maire"),
            ("syndicat", "Présidente"),
            ("cc", "Vice-présidente chargée du tourisme"),
        ),
        contacts=(
            (PHONE, "Mairie", "05 49 07 31 51", TER),
            (MOBILE, "", "06 45 12 78 90", PRI),
        ),
        commune=SA,
        bio="Maire depuis 2020, présidente du Pays. Pour un rendez-vous, passez par le "
        "secrétariat de la mairie.",
        themes=("tourisme", "urbanisme"),
        photo="#0b5e4a",
        audiences={"photo": TER},
    ),
    "julien.roussel": DemoCard(
        "Julien",
        "Roussel",
        (("cc", "Référent annuaire et outils numériques"),),
        contacts=(
            (PHONE, "Ligne directe", "05 49 07 20 02", SPA),
            (MOBILE, "", "06 21 44 87 10", SPA),
        ),
        commune=SA,
        languages="français, anglais, espagnol",
        themes=("mobilites", "numerique"),
        photo="#5b3a8c",
        audiences={"photo": TER},
    ),
    "sophie.lefevre": DemoCard(
        "Sophie",
        "Lefèvre",
        (),
        contacts=((PHONE, "Mairie", "05 49 29 60 13", TER),),
        commune=MV,
        themes=("etat-civil",),
        stale_days=400,
    ),
    "bernard.guillot": DemoCard(
        "Bernard",
        "Guillot",
        (("cc", "Vice-président chargé de la voirie"),),
        contacts=((MOBILE, "", "06 08 55 31 72", SPA),),
        commune=ES,
    ),
    "nathalie.caron": DemoCard(
        "Nathalie",
        "Caron",
        (),
        contacts=((EMAIL, "Mairie", "n.caron@montreuil-le-vieux.example", TER),),
        commune=MV,
        themes=("culture",),
    ),
    "thomas.perrin": DemoCard(
        "Thomas",
        "Perrin",
        (),
        contacts=(
            (PHONE, "Bureau", "05 49 07 20 14", TER),
            (MOBILE, "", "06 77 02 41 95", SPA),
        ),
        themes=("tourisme", "mobilites"),
        photo="#8a5a00",
        audiences={"photo": SPA},
    ),
    "camille.fontaine": DemoCard(
        "Camille",
        "Fontaine",
        (),
        contacts=(
            (PHONE, "Bureau", "05 49 07 55 31", TER),
            (EMAIL, "Pro", "c.fontaine@tourisme-trois-vallees.example", PUB),
        ),
        languages="français, anglais, allemand",
        themes=("tourisme",),
        portal=PortalIntent.REDUCED,
    ),
    "lucas.meunier": DemoCard(
        "Lucas",
        "Meunier",
        (),
        contacts=((PHONE, "Accueil", "05 49 07 55 30", TER),),
        languages="français, anglais, néerlandais",
        themes=("tourisme", "patrimoine"),
    ),
    "isabelle.dumont": DemoCard(
        "Isabelle",
        "Dumont",
        (),
        contacts=((MOBILE, "", "06 12 48 90 33", SPA),),
        commune=SA,
        themes=("tourisme",),
    ),
    "pierre-yves.lemoine": DemoCard(
        "Pierre-Yves",
        "Lemoine",
        (),
        contacts=((MOBILE, "", "06 33 71 08 52", TER),),
        commune=CH,
        stale_days=600,
    ),
    "elodie.bertin": DemoCard(
        "Élodie",
        "Bertin",
        (("epn", "Responsable"),),
        contacts=((PHONE, "Bureau", "05 49 29 64 71", TER),),
        commune=MV,
        themes=("culture", "numerique"),
        photo="#a4161a",
        audiences={"photo": TER},
    ),
    "antoine.vasseur": DemoCard(
        "Antoine",
        "Vasseur",
        (),
        contacts=((MOBILE, "", "06 50 19 83 27", SPA),),
        themes=("culture",),
    ),
    "margaux.chevalier": DemoCard(
        "Margaux",
        "Chevalier",
        (),
        contacts=((PHONE, "Secrétariat", "05 49 29 64 75", TER),),
        themes=("musique",),
    ),
    "gerard.tessier": DemoCard(
        "Gérard",
        "Tessier",
        (),
        contacts=((PHONE, "Domicile", "05 49 29 72 66", PRI),),
        commune=VE,
        themes=("patrimoine",),
        audiences={"commune": PRI},
    ),
    "claire.morin": DemoCard(
        "Claire",
        "Morin",
        (),
        contacts=(
            (PHONE, "Ligne directe (confrères)", "05 49 29 66 05", SPA),
            (MOBILE, "Garde", "06 86 23 54 19", SPA),
        ),
        commune=MV,
        themes=("sante",),
        bio="Médecin généraliste, maître de stage, coordinatrice de la maison de santé.",
        photo="#1f4e79",
        audiences={"photo": SPA, "bio": SPA},
    ),
    "manon.giraud": DemoCard(
        "Manon",
        "Giraud",
        (),
        contacts=((MOBILE, "", "06 59 80 14 63", SPA),),
        themes=("sante",),
    ),
    "karim.benali": DemoCard(
        "Karim",
        "Benali",
        (),
        contacts=((PHONE, "Officine", "05 49 07 33 29", SPA),),
        languages="français, arabe",
        themes=("sante",),
    ),
    "aurelie.pasquier": DemoCard(
        "Aurélie",
        "Pasquier",
        (),
        contacts=((MOBILE, "Tournées", "06 24 91 75 38", SPA),),
        themes=("sante",),
    ),
    "jean-marc.riviere": DemoCard(
        "Jean-Marc",
        "Rivière",
        (),
        contacts=((PHONE, "Cabinet", "05 49 29 70 41", SPA),),
        themes=("sante",),
    ),
    "valerie.roche": DemoCard(
        "Valérie",
        "Roche",
        (),
        contacts=((PHONE, "Bureau", "05 49 07 20 12", TER),),
        themes=("formation",),
    ),
    "paul.girard": DemoCard(
        "Paul",
        "Girard",
        (),
        contacts=((MOBILE, "Astreinte", "06 42 17 66 03", SPA),),
        commune=CH,
    ),
    "mathilde.garnier": DemoCard(
        "Mathilde",
        "Garnier",
        (),
        contacts=((PHONE, "Bureau", "05 49 07 20 05", TER),),
        themes=("numerique",),
    ),
    "francoise.lambert": DemoCard("Françoise", "Lambert", (), commune=VE),
}

# People without an account: their cards are kept by the directory's editor. Without spaces,
# their "spaces" fields would reach editors only, so most of their numbers are territory-wide.
OTHER_CARDS: tuple[DemoCard, ...] = (
    DemoCard(
        "Jacques",
        "Delorme",
        (("mairie-mv", "Maire"), ("cc", "Vice-président chargé de la culture")),
        contacts=((PHONE, "Mairie", "05 49 29 60 12", TER),),
        commune=MV,
    ),
    DemoCard(
        "Monique",
        "Favreau",
        (("mairie-ch", "Maire"),),
        contacts=((PHONE, "Mairie", "05 49 76 14 08", TER), (MOBILE, "", "06 03 58 22 41", PRI)),
        commune=CH,
        stale_days=540,
    ),
    DemoCard(
        "Alain",
        "Chauvet",
        (("mairie-ve", "Maire"),),
        contacts=((PHONE, "Mairie", "05 49 29 71 45", TER),),
        commune=VE,
    ),
    DemoCard(
        "Gilles",
        "Poirier",
        (("mairie-sm", "Maire"),),
        contacts=((MOBILE, "", "06 74 30 18 85", TER),),
        commune=SM,
    ),
    DemoCard(
        "Corinne",
        "Baudry",
        (("mairie-sa", "Secrétaire générale de mairie"),),
        contacts=(
            (PHONE, "Ligne directe", "05 49 07 31 52", TER),
            (EMAIL, "", "c.baudry@saint-aubin-sur-loire.example", TER),
        ),
        themes=("etat-civil", "urbanisme"),
    ),
    DemoCard(
        "Nadia",
        "Ferrand",
        (("mairie-es", "Secrétaire de mairie"),),
        contacts=((PHONE, "Mairie", "05 49 76 02 33", TER),),
        themes=("etat-civil",),
    ),
    DemoCard(
        "Sandrine",
        "Cotte",
        (("mairie-ch", "Secrétaire de mairie"), ("mairie-sm", "Secrétaire de mairie")),
        contacts=((PHONE, "Mairie de La Chapelle", "05 49 76 14 08", TER),),
        bio="Présente à La Chapelle le mercredi et le samedi, à Saint-Martin le mardi.",
        themes=("etat-civil",),
    ),
    DemoCard(
        "Émilie",
        "Renard",
        (("mairie-ve", "Secrétaire de mairie"),),
        contacts=((EMAIL, "", "e.renard@vernoux-en-vallee.example", TER),),
    ),
    DemoCard(
        "Philippe",
        "Garnaud",
        (("msp", "Médecin généraliste"),),
        contacts=((PHONE, "Secrétariat", "05 49 29 66 00", PUB),),
        themes=("sante",),
        languages="français, anglais",
    ),
    DemoCard(
        "Fatima",
        "Ouali",
        (("msp", "Médecin généraliste"),),
        contacts=((PHONE, "Secrétariat", "05 49 29 66 00", PUB),),
        themes=("sante",),
        languages="français, arabe, anglais",
    ),
    DemoCard(
        "Hugo",
        "Lemaître",
        (("msp", "Médecin généraliste remplaçant"),),
        contacts=((MOBILE, "", "06 95 41 20 76", PRI),),
        themes=("sante",),
    ),
    DemoCard(
        "Brigitte",
        "Lemaire",
        (("ehpad", "Directrice"),),
        contacts=((PHONE, "Direction", "05 49 29 75 01", TER),),
        themes=("sante", "action-sociale"),
    ),
    DemoCard(
        "Anne",
        "Rousseau",
        (("ehpad", "Infirmière coordinatrice"),),
        contacts=((PHONE, "Infirmerie", "05 49 29 75 12", TER),),
        themes=("sante",),
    ),
    DemoCard(
        "Kévin",
        "Moreau",
        (("epn", "Animateur numérique"), ("france-services", "Conseiller numérique")),
        contacts=(
            (PHONE, "EPN", "05 49 29 64 78", PUB),
            (EMAIL, "", "k.moreau@cc-trois-vallees.example", TER),
        ),
        themes=("numerique", "formation"),
        bio="Ateliers smartphone, démarches en ligne, initiation à l'ordinateur. "
        "Permanences à France services le lundi.",
        portal=PortalIntent.FULL,
    ),
    DemoCard(
        "Léa",
        "Dupuis",
        (("france-services", "Conseillère numérique"),),
        contacts=((PHONE, "France services", "05 49 76 20 30", PUB),),
        themes=("numerique", "action-sociale"),
    ),
    DemoCard(
        "Céline",
        "Marais",
        (("creche", "Directrice"),),
        contacts=((PHONE, "Crèche", "05 49 07 42 18", TER),),
        themes=("petite-enfance",),
    ),
    DemoCard(
        "Chloé",
        "Martineau",
        (("bit-ve", "Conseillère en séjour (saison)"),),
        contacts=((PHONE, "", "05 49 29 73 02", TER),),
        languages="français, anglais, italien",
        themes=("tourisme",),
    ),
    DemoCard(
        "Michel",
        "Bonnet",
        (("patrimoine", "Trésorier"),),
        contacts=((PHONE, "Domicile", "05 49 29 72 13", PRI),),
        stale_days=700,
    ),
    DemoCard(
        "Yasmine",
        "Haddad",
        (("mediatheque", "Assistante de conservation"), ("epn", "Animatrice")),
        contacts=((PHONE, "Médiathèque", "05 49 29 64 70", TER),),
        themes=("culture", "numerique"),
    ),
    DemoCard(
        "Denis",
        "Charrier",
        (("ecole-ch", "Directeur"),),
        contacts=((PHONE, "École", "05 49 76 15 60", TER),),
    ),
    DemoCard(
        "Odile",
        "Barreau",
        (("cc", "Responsable du service petite enfance"),),
        contacts=((PHONE, "", "05 49 07 20 18", TER),),
        themes=("petite-enfance", "action-sociale"),
    ),
)


def _contacts(contacts: tuple[Contact, ...]) -> list[ContactInput]:
    return [ContactInput(kind, value, audience, label) for kind, label, value, audience in contacts]


def _portrait(colour: str, initials: str) -> ContentFile[bytes]:
    """A plain portrait (initials on a colour), standing in for a photo."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (320, 320), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=140)
    draw.text((160, 160), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name="portrait.png")


def _age(
    model: type[Person] | type[Organisation], pk: int, context: DemoContext, days: int
) -> None:
    if days:
        model.objects.filter(pk=pk).update(last_verified_at=context.now - timedelta(days=days))


def seed(context: DemoContext) -> dict[str, int]:
    """Create the organisations and cards; returns counts for the summary."""
    users = context.users
    group = Group.objects.get(name=EDITORS_GROUP)
    for local_part in DIRECTORY_EDITORS:
        group.user_set.add(users[local_part])
    editor = users[DIRECTORY_EDITORS[0]]
    themes = {
        slug: Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in THEMES.items()
    }
    kinds = {kind.code: kind for kind in OrganisationKind.objects.all()}
    organisations: dict[str, Organisation] = {}
    for demo in ORGANISATIONS:
        organisation = create_organisation(
            actor=editor,
            kind=kinds[demo.kind],
            name=demo.name,
            parent=organisations[demo.parent] if demo.parent else None,
            commune=demo.commune,
            postal_code=demo.postal_code,
            address=demo.address,
            latitude=demo.coordinates[0] if demo.coordinates else None,
            longitude=demo.coordinates[1] if demo.coordinates else None,
            website=demo.website,
            opening_hours=demo.opening_hours,
            description=demo.description,
            themes=[themes[slug] for slug in demo.themes],
            audiences=demo.audiences,
            contacts=_contacts(demo.contacts),
            managers=[users[m] for m in demo.managers],
            spaces=[context.spaces[slug] for slug in demo.spaces if slug in context.spaces],
        )
        if demo.portal != PortalIntent.NONE:
            set_portal_intent(actor=editor, card=organisation, intent=demo.portal)
        organisations[demo.key] = organisation

    people = 0
    for profile in PEOPLE:
        user = users[profile.local_part]
        demo_card = ACCOUNT_CARDS.get(profile.local_part)
        person = ensure_person_for_user(user=user)
        if demo_card is None:
            continue
        own_function = ACCOUNT_ORGANISATIONS.get(profile.organisation)
        functions = []
        if own_function and profile.local_part not in OWN_FUNCTIONS:
            functions.append((own_function, profile.function))
        functions += [f for f in demo_card.functions if f not in functions]
        email = ContactInput(EMAIL, user.email, SPA, "")
        update_person(
            actor=user,
            person=person,
            first_name=demo_card.first_name,
            last_name=demo_card.last_name,
            commune=demo_card.commune,
            languages=demo_card.languages or "français",
            bio=demo_card.bio,
            themes=[themes[slug] for slug in demo_card.themes],
            audiences={k: v for k, v in demo_card.audiences.items() if k != "photo"},
            contacts=[*_contacts(demo_card.contacts), email],
            functions=[FunctionInput(organisations[key].pk, title) for key, title in functions],
        )
        if demo_card.photo:
            initials = demo_card.first_name[0] + demo_card.last_name[0]
            set_person_photo(
                actor=user,
                person=person,
                upload=_portrait(demo_card.photo, initials),
                audience=demo_card.audiences.get("photo", TER),
            )
        if demo_card.portal != PortalIntent.NONE:
            set_portal_intent(actor=user, card=person, intent=demo_card.portal)
        _age(Person, person.pk, context, demo_card.stale_days)
        people += 1

    for demo_card in OTHER_CARDS:
        person = create_person(
            actor=editor,
            first_name=demo_card.first_name,
            last_name=demo_card.last_name,
            commune=demo_card.commune,
            languages=demo_card.languages,
            bio=demo_card.bio,
            themes=[themes[slug] for slug in demo_card.themes],
            audiences=demo_card.audiences,
            contacts=_contacts(demo_card.contacts),
            functions=[
                FunctionInput(organisations[key].pk, title) for key, title in demo_card.functions
            ],
        )
        if demo_card.portal != PortalIntent.NONE:
            set_portal_intent(actor=editor, card=person, intent=demo_card.portal)
        _age(Person, person.pk, context, demo_card.stale_days)
        people += 1

    for demo in ORGANISATIONS:
        _age(Organisation, organisations[demo.key].pk, context, demo.stale_days)
    public, pending = _propose_to_portal(editor, organisations, users)
    return {
        "organisations": len(organisations),
        "people": Person.objects.count(),
        "public": public,
        "pending": pending,
    }


# On the public portal: these organisations' cards are proposed by the directory editor and
# approved by the general administrator; these people propose their own card, left pending.
PORTAL_APPROVED = ("ot", "mediatheque", "epn", "mairie-sa")
PORTAL_PENDING_PEOPLE = ("camille.fontaine",)


def _propose_to_portal(
    editor: Any, organisations: dict[str, Organisation], users: Mapping[str, Any]
) -> tuple[int, int]:
    """Through the workflow's services, as on the card's "Proposer au portail" page."""
    from directory.services.publication import propose_card_for_portal
    from extranet.portal.demo import demo_reviewer
    from extranet.portal.services import approve_publication

    reviewer = demo_reviewer()
    public = pending = 0
    for key in PORTAL_APPROVED:
        organisation = organisations[key]
        proposal = propose_card_for_portal(
            actor=editor, card=organisation, intent=organisation.portal_intent
        )
        if proposal is not None:
            approve_publication(reviewer=reviewer, request=proposal)
            public += 1
    for local_part in PORTAL_PENDING_PEOPLE:
        person = Person.objects.get(user=users[local_part])
        if propose_card_for_portal(
            actor=users[local_part], card=person, intent=person.portal_intent
        ):
            pending += 1
    return public, pending


def finish(seeded: dict[str, int]) -> str:
    """Index the directory now, so search works before the background worker has run."""
    from directory import indexing

    indexing.index_cards(
        person_ids=Person.objects.values_list("pk", flat=True),
        organisation_ids=Organisation.objects.values_list("pk", flat=True),
    )
    editors = ", ".join(DIRECTORY_EDITORS)
    return (
        f"Directory: {seeded['organisations']} organisations, {seeded['people']} cards "
        f"(« Annuaire »; directory editor: {editors}; compare Hélène Marchand's card signed "
        "in as herself, as Sophie Lefèvre and as Camille Fontaine).\n"
        f"Portal directory: {seeded.get('public', 0)} organisation cards public at "
        f"/portal/directory/, {seeded.get('pending', 0)} person card proposal(s) awaiting the "
        "general administrator at /publication/"
    )
