"""The fictional territory loaded by ``manage.py seed_demo``: the Pays des Trois Vallées.

Plain data only; the command turns it into spaces, accounts, memberships, invitations and
activity through the services. Every name, commune and organisation here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from extranet.models.spaces import SpaceKind, Visibility
from extranet.roles import Role

DOMAIN = "trois-vallees.example"

# Shared by the health-space members who "already" have MFA, so a demo can sign in as them
# with any authenticator app. Public on purpose: the demo never runs with DEBUG off.
DEMO_TOTP_KEY = "MAILLAGEDEMOTROISVALLEES234567AB"


@dataclass(frozen=True)
class DemoSpace:
    slug: str
    name: str
    kind: SpaceKind
    visibility: Visibility
    description: str
    created_days_ago: int


@dataclass(frozen=True)
class DemoPerson:
    local_part: str
    full_name: str
    function: str
    organisation: str
    memberships: tuple[tuple[str, Role], ...] = ()
    is_staff: bool = False
    has_mfa: bool = False

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DOMAIN}"


@dataclass(frozen=True)
class DemoInvitation:
    space_slug: str
    local_part: str
    role: Role
    invited_by: str  # local part of a space admin
    message: str = ""

    @property
    def email(self) -> str:
        return f"{self.local_part}@{DOMAIN}"


@dataclass(frozen=True)
class DemoUpdate:
    """A "space.updated" entry so home pages show something recent."""

    space_slug: str
    actor: str  # local part
    hours_ago: int


SPACES: tuple[DemoSpace, ...] = (
    DemoSpace(
        slug="elus-et-agents",
        name="Élus et agents du Pays",
        kind=SpaceKind.OFFICIALS,
        visibility=Visibility.PRIVATE,
        description=(
            "L'espace de travail des élus et des secrétaires de mairie des douze communes du "
            "Pays des Trois Vallées : ordres du jour et comptes rendus du comité syndical, "
            "délibérations types, calendrier des conseils communautaires."
        ),
        created_days_ago=21,
    ),
    DemoSpace(
        slug="tourisme-trois-vallees",
        name="Tourisme en Trois Vallées",
        kind=SpaceKind.TOURISM,
        visibility=Visibility.LISTED,
        description=(
            "Office de tourisme, hébergeurs et prestataires de loisirs : préparation de la "
            "saison, guide des hébergements, agenda des animations estivales et suivi de la "
            "fréquentation des bords de Loire."
        ),
        created_days_ago=18,
    ),
    DemoSpace(
        slug="reseau-culture",
        name="Réseau culturel des Trois Vallées",
        kind=SpaceKind.CULTURE,
        visibility=Visibility.LISTED,
        description=(
            "Médiathèques, compagnies, écoles de musique et associations du patrimoine : "
            "programmation partagée, prêt de matériel scénique et festival « Vallées en "
            "scène » à Montreuil-le-Vieux."
        ),
        created_days_ago=16,
    ),
    DemoSpace(
        slug="sante-trois-vallees",
        name="Professionnels de santé des Trois Vallées",
        kind=SpaceKind.HEALTH,
        visibility=Visibility.PRIVATE,
        description=(
            "Coordination des professionnels de santé du territoire autour de la maison de "
            "santé de Montreuil-le-Vieux : gardes, protocoles pluriprofessionnels, accueil "
            "des internes. Double authentification obligatoire."
        ),
        created_days_ago=14,
    ),
    DemoSpace(
        slug="formation-agents",
        name="Formation des agents territoriaux",
        kind=SpaceKind.TRAINING,
        visibility=Visibility.LISTED,
        description=(
            "Plan de formation mutualisé des communes : inscriptions aux sessions, supports "
            "des formations (marchés publics, état civil, sécurité des aires de jeux) et "
            "covoiturage vers Saint-Aubin-sur-Loire."
        ),
        created_days_ago=12,
    ),
    DemoSpace(
        slug="projet-voie-verte",
        name="Projet : voie verte de la vallée de l'Aubance",
        kind=SpaceKind.PROJECT,
        visibility=Visibility.PRIVATE,
        description=(
            "Groupe projet de la voie verte entre Saint-Aubin-sur-Loire et Les "
            "Essarts-du-Bocage : tracé, acquisitions foncières, dossier de subvention "
            "régionale et concertation avec les riverains."
        ),
        created_days_ago=7,
    ),
)

OFFICIALS, TOURISM, CULTURE, HEALTH, TRAINING, PROJECT = (space.slug for space in SPACES)

A, E, M, R = Role.ADMIN, Role.EDITOR, Role.MEMBER, Role.READER

PEOPLE: tuple[DemoPerson, ...] = (
    # Élus et agents
    DemoPerson(
        "helene.marchand",
        "Hélène Marchand",
        "Présidente du Pays, maire de Saint-Aubin-sur-Loire",
        "Mairie de Saint-Aubin-sur-Loire",
        ((OFFICIALS, A), (PROJECT, R)),
    ),
    DemoPerson(
        "julien.roussel",
        "Julien Roussel",
        "Directeur du syndicat mixte",
        "Syndicat mixte du Pays des Trois Vallées",
        ((OFFICIALS, A), (PROJECT, A), (TRAINING, E)),
    ),
    DemoPerson(
        "sophie.lefevre",
        "Sophie Lefèvre",
        "Secrétaire de mairie",
        "Mairie de Montreuil-le-Vieux",
        ((OFFICIALS, M), (TRAINING, M)),
    ),
    DemoPerson(
        "bernard.guillot",
        "Bernard Guillot",
        "Maire des Essarts-du-Bocage",
        "Mairie des Essarts-du-Bocage",
        ((OFFICIALS, M), (PROJECT, M)),
    ),
    DemoPerson(
        "nathalie.caron",
        "Nathalie Caron",
        "Adjointe à la culture",
        "Mairie de Montreuil-le-Vieux",
        ((OFFICIALS, R), (CULTURE, E)),
    ),
    DemoPerson(
        "thomas.perrin",
        "Thomas Perrin",
        "Chargé de mission tourisme et mobilités",
        "Communauté de communes des Trois Vallées",
        ((TOURISM, E), (PROJECT, E), (OFFICIALS, M)),
    ),
    # Tourisme
    DemoPerson(
        "camille.fontaine",
        "Camille Fontaine",
        "Directrice de l'office de tourisme",
        "Office de tourisme des Trois Vallées",
        ((TOURISM, A),),
    ),
    DemoPerson(
        "lucas.meunier",
        "Lucas Meunier",
        "Conseiller en séjour",
        "Office de tourisme des Trois Vallées",
        ((TOURISM, M),),
    ),
    DemoPerson(
        "isabelle.dumont",
        "Isabelle Dumont",
        "Gérante de camping",
        "Camping Les Rives de Loire, Saint-Aubin-sur-Loire",
        ((TOURISM, M),),
    ),
    DemoPerson(
        "pierre-yves.lemoine",
        "Pierre-Yves Lemoine",
        "Propriétaire de chambres d'hôtes",
        "Le Clos des Chênes, La Chapelle-aux-Chênes",
        ((TOURISM, R),),
    ),
    # Culture
    DemoPerson(
        "elodie.bertin",
        "Élodie Bertin",
        "Responsable de la médiathèque intercommunale",
        "Médiathèque intercommunale des Trois Vallées",
        ((CULTURE, A), (TRAINING, M)),
    ),
    DemoPerson(
        "antoine.vasseur",
        "Antoine Vasseur",
        "Metteur en scène",
        "Compagnie du Bocage",
        ((CULTURE, M),),
    ),
    DemoPerson(
        "margaux.chevalier",
        "Margaux Chevalier",
        "Directrice de l'école de musique",
        "École de musique des Trois Vallées",
        ((CULTURE, M),),
    ),
    DemoPerson(
        "gerard.tessier",
        "Gérard Tessier",
        "Président d'association",
        "Association Patrimoine de Vernoux-en-Vallée",
        ((CULTURE, R), (TOURISM, R)),
    ),
    # Santé
    DemoPerson(
        "claire.morin",
        "Dr Claire Morin",
        "Médecin généraliste, coordinatrice de la maison de santé",
        "Maison de santé de Montreuil-le-Vieux",
        ((HEALTH, A),),
        has_mfa=True,
    ),
    DemoPerson(
        "manon.giraud",
        "Manon Giraud",
        "Coordinatrice de la CPTS",
        "CPTS des Trois Vallées",
        ((HEALTH, E),),
        has_mfa=True,
    ),
    DemoPerson(
        "karim.benali",
        "Karim Benali",
        "Pharmacien",
        "Pharmacie du Centre, Saint-Aubin-sur-Loire",
        ((HEALTH, M),),
        has_mfa=True,
    ),
    DemoPerson(
        # Deliberately without MFA: signing in as her shows the health space's enforcement.
        "aurelie.pasquier",
        "Aurélie Pasquier",
        "Infirmière libérale",
        "Cabinet infirmier des Essarts-du-Bocage",
        ((HEALTH, M),),
    ),
    DemoPerson(
        "jean-marc.riviere",
        "Jean-Marc Rivière",
        "Masseur-kinésithérapeute",
        "Cabinet de kinésithérapie de Vernoux-en-Vallée",
        ((HEALTH, R),),
        has_mfa=True,
    ),
    # Formation
    DemoPerson(
        "valerie.roche",
        "Valérie Roche",
        "Responsable des ressources humaines",
        "Communauté de communes des Trois Vallées",
        ((TRAINING, A),),
    ),
    DemoPerson(
        "paul.girard",
        "Paul Girard",
        "Agent des services techniques",
        "Mairie de La Chapelle-aux-Chênes",
        ((TRAINING, R),),
    ),
    # Site staff: administers the site, and sees no private space for all that.
    DemoPerson(
        "mathilde.garnier",
        "Mathilde Garnier",
        "Chargée de mission numérique (équipe du site)",
        "Syndicat mixte du Pays des Trois Vallées",
        ((TRAINING, A),),
        is_staff=True,
    ),
    # An account with no space yet: what a newcomer sees.
    DemoPerson(
        "francoise.lambert",
        "Françoise Lambert",
        "Conseillère municipale nouvellement élue",
        "Mairie de Vernoux-en-Vallée",
    ),
)

# Who creates the spaces (must be site staff).
SPACE_CREATOR = "mathilde.garnier"

INVITATIONS: tuple[DemoInvitation, ...] = (
    DemoInvitation(
        OFFICIALS,
        "denis.aubry",
        Role.MEMBER,
        invited_by="helene.marchand",
        message="Bienvenue au comité syndical ! Les comptes rendus sont dans l'espace.",
    ),
    DemoInvitation(
        HEALTH,
        "sylvie.renaud",
        Role.MEMBER,
        invited_by="claire.morin",
        message="Pour le planning des gardes de l'été.",
    ),
    DemoInvitation(CULTURE, "yann.leroux", Role.READER, invited_by="elodie.bertin"),
)

UPDATES: tuple[DemoUpdate, ...] = (
    DemoUpdate(PROJECT, "julien.roussel", hours_ago=40),
    DemoUpdate(HEALTH, "claire.morin", hours_ago=26),
    DemoUpdate(CULTURE, "elodie.bertin", hours_ago=9),
    DemoUpdate(TOURISM, "camille.fontaine", hours_ago=3),
)
