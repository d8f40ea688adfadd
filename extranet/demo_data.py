"""The fictional territory loaded by ``manage.py seed_demo``: the Pays des Trois Vallées.

Plain data only; the command turns it into spaces, accounts, memberships, invitations, activity
and a document base through the services (``documents.demo`` generates the files). Every name,
commune, organisation, amount and decision here is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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
    # General administrator of the public portal: reviews what contributors propose.
    is_portal_admin: bool = False

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
    # The portal team: reviews every proposal before it goes public (/publication/).
    DemoPerson(
        "agnes.delorme",
        "Agnès Delorme",
        "Responsable du portail du territoire (administration générale)",
        "Syndicat mixte du Pays des Trois Vallées",
        ((OFFICIALS, R),),
        is_portal_admin=True,
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


# --- Document base -----------------------------------------------------------------------------
#
# Times are hours before the seeding, like UPDATES; each one falls after its author joined the
# space (members join one after the other from the space's creation, see seed_demo). Meeting
# dates are calendar dates: the story runs from December 2025 to December 2026.

TABLE = "{tableau}"
"""In ``DemoFile.blocks``: where the table goes (at the end when absent)."""


@dataclass(frozen=True)
class DemoFile:
    """A file generated at seeding time, in the format of its name's extension (pdf, docx, odt,
    txt or md). ``blocks``: "# " starts a heading, "- " a bullet, TABLE places the table;
    anything else is a paragraph. The first row of ``table`` is its header."""

    name: str
    title: str
    blocks: tuple[str, ...]
    table: tuple[tuple[str, ...], ...] = ()
    letterhead: str = ""
    author: str = ""


@dataclass(frozen=True)
class DemoFolder:
    space_slug: str
    path: tuple[str, ...]  # parents first; a parent comes earlier in DOCUMENT_FOLDERS
    created_by: str  # local part of an editor or admin
    hours_ago: int
    description: str = ""


@dataclass(frozen=True)
class DemoRevision:
    """A later version of a document."""

    file: DemoFile
    uploaded_by: str
    hours_ago: int
    note: str


@dataclass(frozen=True)
class DemoDocument:
    space_slug: str
    title: str  # unique in the demo: comments and shares name their document by it
    kind: str  # a documents.models.DocumentKind value
    file: DemoFile
    uploaded_by: str
    hours_ago: int
    folder: tuple[str, ...] = ()  # a DemoFolder.path of the same space; () for none
    description: str = ""
    meeting_date: date | None = None
    tags: tuple[str, ...] = ()
    revisions: tuple[DemoRevision, ...] = ()


@dataclass(frozen=True)
class DemoComment:
    document: str  # DemoDocument.title
    author: str
    body: str  # Markdown
    hours_ago: int


@dataclass(frozen=True)
class DemoShare:
    """A read-only share; ``shared_by`` must be an editor or admin of the document's space."""

    document: str
    space_slug: str
    shared_by: str
    hours_ago: int


COUNCIL, COMMISSIONS, TEMPLATES = (
    "Conseils communautaires",
    "Commissions",
    "Modèles de délibération",
)
CC = "Communauté de communes des Trois Vallées"

DOCUMENT_FOLDERS: tuple[DemoFolder, ...] = (
    DemoFolder(
        OFFICIALS,
        (COUNCIL,),
        "helene.marchand",
        500,
        "Ordres du jour et comptes rendus des séances du conseil communautaire.",
    ),
    DemoFolder(OFFICIALS, (COUNCIL, "2026"), "helene.marchand", 499, "Séances de l'année 2026."),
    DemoFolder(
        OFFICIALS,
        (COMMISSIONS,),
        "helene.marchand",
        498,
        "Comptes rendus des commissions thématiques : voirie et assainissement, écoles.",
    ),
    DemoFolder(
        OFFICIALS,
        (TEMPLATES,),
        "helene.marchand",
        497,
        "Trames à reprendre dans les conseils municipaux (délibérations concordantes).",
    ),
)


def _october_council(total: str) -> tuple[str, ...]:
    """The minutes of 15 October 2026; the first version got the school contract total wrong."""
    return (
        "Séance publique tenue à 18 h 30 à la salle des fêtes de Montreuil-le-Vieux, sous la "
        "présidence de Mme Hélène Marchand. 30 conseillers présents ou représentés sur 34. "
        "Secrétaire de séance : Mme Odile Ferrand, maire de La Chapelle-aux-Chênes.",
        "# Ordre du jour",
        "- Approbation du compte rendu de la séance du 2 juillet 2026",
        "- Décision modificative n° 2 au budget principal",
        "- École de Montreuil-le-Vieux : avenant n° 1 au lot 4 (chaufferie bois)",
        "- Rapport annuel 2025 sur le prix et la qualité du service d'assainissement",
        "- Voie verte de la vallée de l'Aubance : point d'étape de l'étude de faisabilité",
        "# Délibérations",
        "Délibération n° 2026-061 — Décision modificative n° 2. Virement de 52 000 € de la "
        "section de fonctionnement vers la section d'investissement pour financer les travaux "
        "imprévus de voirie route de la Corniche. Adoptée à l'unanimité.",
        "Délibération n° 2026-062 — École de Montreuil-le-Vieux. Avenant n° 1 au lot 4 "
        "(chaufferie bois) : + 18 400 € HT pour le remplacement du conduit de fumée. Le montant "
        f"total du marché de rénovation de l'école est porté à {total} HT. Les élèves ont fait "
        "leur rentrée dans l'école rénovée le 1er septembre ; la chaufferie sera mise en "
        "service pendant les vacances de la Toussaint. Adoptée à l'unanimité.",
        "Délibération n° 2026-063 — Assainissement. Le conseil prend acte du rapport annuel 2025 "
        "sur le prix et la qualité du service d'assainissement collectif : 4 870 abonnés, 96 % "
        "de conformité des rejets des stations d'épuration, prix moyen de 4,12 € TTC par mètre "
        "cube pour une facture de 120 m³.",
        "# Informations",
        "Voie verte : le bureau d'études a présenté les trois variantes de tracé ; le comité de "
        "pilotage se réunira le 19 novembre. Le prochain conseil communautaire se tiendra le "
        "jeudi 10 décembre 2026 à Saint-Aubin-sur-Loire. La séance est levée à 20 h 15.",
    )


_OCTOBER_TITLE = "Compte rendu du conseil communautaire du 15 octobre 2026"
FIELD = "……………………"

DOCUMENTS: tuple[DemoDocument, ...] = (
    # Élus et agents: the template first (the president prepared the space), then the archive.
    DemoDocument(
        OFFICIALS,
        "Modèle de délibération",
        "template",
        DemoFile(
            "modele-deliberation.docx",
            "Délibération n° [année]-[numéro]",
            (
                "Séance du [date]. L'an deux mille [année], le [jour] [mois], à [heure], le "
                "conseil municipal de la commune de [nom de la commune], dûment convoqué le "
                "[date de convocation], s'est réuni en séance publique sous la présidence de "
                "[nom du maire], maire.",
                "Conseillers en exercice : [ ] — présents : [ ] — votants : [ ]. "
                "Secrétaire de séance : [nom].",
                "# Objet : [intitulé de la délibération]",
                "Vu le code général des collectivités territoriales, notamment son article "
                "L. 2121-29 ;",
                "Vu [les textes et délibérations applicables] ;",
                "Considérant [l'exposé des motifs] ;",
                "Après en avoir délibéré, le conseil municipal, par [ ] voix pour, [ ] voix "
                "contre et [ ] abstentions :",
                "- APPROUVE [la décision] ;",
                "- AUTORISE le maire à signer toute pièce relative à ce dossier ;",
                "- PRÉCISE que les crédits nécessaires sont inscrits au budget de l'exercice.",
                "Fait et délibéré les jour, mois et an susdits. Acte rendu exécutoire après "
                "transmission au contrôle de légalité le [date] et publication le [date].",
                "Le maire, [nom, signature et cachet]",
            ),
            letterhead="Commune de [nom de la commune] — Conseil municipal",
            author="Syndicat mixte du Pays des Trois Vallées",
        ),
        "helene.marchand",
        496,
        folder=(TEMPLATES,),
        description=(
            "Trame conforme au CGCT : remplacez les passages entre crochets. Sert aux "
            "délibérations concordantes des communes (transfert de l'assainissement, fonds de "
            "concours voirie)."
        ),
        tags=("délibération",),
    ),
    DemoDocument(
        OFFICIALS,
        "Compte rendu du conseil communautaire du 11 décembre 2025",
        "minutes",
        DemoFile(
            "cr-conseil-communautaire-2025-12-11.pdf",
            "Compte rendu du conseil communautaire du 11 décembre 2025",
            (
                "Séance publique tenue à 18 h 30 à la salle des fêtes de Vernoux-en-Vallée, sous "
                "la présidence de Mme Hélène Marchand. 31 conseillers présents ou représentés sur "
                "34. Secrétaire de séance : M. Bernard Guillot.",
                "# Ordre du jour",
                "- Approbation du compte rendu de la séance du 6 novembre 2025",
                "- Débat d'orientation budgétaire 2026",
                "- Transfert de la compétence assainissement collectif au 1er janvier 2026",
                "- Programme de voirie communautaire 2026",
                "- Questions diverses",
                "# Délibérations",
                "Délibération n° 2025-087 — Débat d'orientation budgétaire 2026. L'épargne brute "
                "recule à 1,12 M€ (1,31 M€ en 2024) sous l'effet du coût de l'énergie. Priorités "
                "du budget primitif 2026 : la rénovation énergétique de l'école de "
                "Montreuil-le-Vieux, l'entretien de la voirie et la mise aux normes des stations "
                "d'épuration. Le conseil prend acte de la tenue du débat.",
                "Délibération n° 2025-088 — Assainissement collectif. Le conseil approuve la "
                "création au 1er janvier 2026 d'un budget annexe « Assainissement », le transfert "
                "des résultats des douze budgets communaux et la reprise des trois agents "
                "concernés. Adoptée par 29 voix pour et 2 abstentions.",
                "Délibération n° 2025-089 — Voirie. Le conseil fixe l'enveloppe prévisionnelle du "
                "programme de voirie 2026 à 640 000 € TTC et charge la commission voirie de "
                "hiérarchiser les chantiers. Adoptée à l'unanimité.",
                "# Questions diverses",
                "M. Guillot signale l'affaissement de la chaussée route de la Corniche, aux "
                "Essarts-du-Bocage : un diagnostic sera demandé au Département. La séance est "
                "levée à 20 h 40.",
            ),
            letterhead=f"{CC} — Conseil communautaire",
            author=CC,
        ),
        "julien.roussel",
        418,
        folder=(COUNCIL,),
        description="Débat d'orientation budgétaire 2026, transfert de l'assainissement, voirie.",
        meeting_date=date(2025, 12, 11),
        tags=("budget", "assainissement", "voirie"),
    ),
    DemoDocument(
        OFFICIALS,
        "Compte rendu du conseil communautaire du 26 mars 2026",
        "minutes",
        DemoFile(
            "cr-conseil-communautaire-2026-03-26.pdf",
            "Compte rendu du conseil communautaire du 26 mars 2026",
            (
                "Séance publique tenue à 18 h 30 au siège de la communauté de communes, à "
                "Saint-Aubin-sur-Loire, sous la présidence de Mme Hélène Marchand. 32 conseillers "
                "présents ou représentés sur 34. Secrétaire de séance : Mme Nathalie Caron.",
                "# Ordre du jour",
                "- Vote du budget primitif 2026 (budget principal et budget annexe assainissement)",
                "- Vote des taux de fiscalité 2026",
                "- École de Montreuil-le-Vieux : programme et plan de financement des travaux",
                "- Tarifs 2026 de la redevance d'assainissement",
                "# Délibérations",
                "Délibération n° 2026-012 — Budget primitif 2026. Le budget principal s'équilibre "
                "à 9 846 000 € en fonctionnement et 4 212 000 € en investissement ; le budget "
                "annexe assainissement à 1 580 000 € en exploitation et 2 140 000 € en "
                "investissement. Adoptée par 30 voix pour et 2 contre.",
                TABLE,
                "Délibération n° 2026-013 — Taux de fiscalité. Les taux de 2025 sont reconduits. "
                "Adoptée à l'unanimité.",
                "Délibération n° 2026-014 — École de Montreuil-le-Vieux. Le conseil approuve la "
                "rénovation énergétique du groupe scolaire (isolation des combles, menuiseries, "
                "chaufferie bois), estimée à 1 180 000 € HT, et sollicite la DETR et la Région. "
                "Les travaux se dérouleront pendant l'été pour ne pas perturber les classes. "
                "Adoptée à l'unanimité.",
                "Délibération n° 2026-015 — Redevance d'assainissement. Les tarifs des douze "
                "communes convergeront en cinq ans ; pour 2026 : part fixe de 45 € par abonné et "
                "1,85 € par mètre cube. Adoptée par 27 voix pour, 3 contre et 2 abstentions.",
            ),
            table=(
                ("Budget 2026", "Section", "Dépenses et recettes"),
                ("Budget principal", "Fonctionnement", "9 846 000 €"),
                ("Budget principal", "Investissement", "4 212 000 €"),
                ("Assainissement", "Exploitation", "1 580 000 €"),
                ("Assainissement", "Investissement", "2 140 000 €"),
            ),
            letterhead=f"{CC} — Conseil communautaire",
            author=CC,
        ),
        "julien.roussel",
        417,
        folder=(COUNCIL, "2026"),
        description="Vote du budget primitif 2026 ; école de Montreuil-le-Vieux ; assainissement.",
        meeting_date=date(2026, 3, 26),
        tags=("budget", "école", "assainissement"),
    ),
    DemoDocument(
        OFFICIALS,
        "Compte rendu du conseil communautaire du 2 juillet 2026",
        "minutes",
        DemoFile(
            "cr-conseil-communautaire-2026-07-02.docx",
            "Compte rendu du conseil communautaire du 2 juillet 2026",
            (
                "Séance publique tenue à 18 h 30 à la salle polyvalente des Essarts-du-Bocage, "
                "sous la présidence de Mme Hélène Marchand. 28 conseillers présents ou représentés "
                "sur 34. Secrétaire de séance : Mme Odile Ferrand.",
                "# Ordre du jour",
                "- École de Montreuil-le-Vieux : attribution des marchés de travaux",
                "- Programme de voirie 2026 : résultat de la consultation",
                "- Zonage d'assainissement des Essarts-du-Bocage",
                "- Voie verte de la vallée de l'Aubance : lancement de l'étude de faisabilité",
                "# Délibérations",
                "Délibération n° 2026-041 — École de Montreuil-le-Vieux. Les marchés de travaux "
                "sont attribués en sept lots pour un total de 1 163 400 € HT (détail ci-dessous). "
                "Le chantier commence le 6 juillet ; la rentrée se fera dans les classes "
                "rénovées, la chaufferie étant livrée aux vacances de la Toussaint. Adoptée à "
                "l'unanimité.",
                TABLE,
                "Délibération n° 2026-042 — Voirie. L'entreprise Bocage TP est retenue pour "
                "598 300 € TTC : enrobés, curage des fossés et reprise de la route de la "
                "Corniche. Adoptée à l'unanimité.",
                "Délibération n° 2026-043 — Assainissement. Le conseil arrête le projet de zonage "
                "d'assainissement des Essarts-du-Bocage : les 84 habitations du hameau de la "
                "Garenne restent en assainissement non collectif, le bourg sera raccordé à la "
                "nouvelle station d'épuration. Enquête publique en octobre. Adoptée à "
                "l'unanimité.",
                "Délibération n° 2026-044 — Voie verte. La présidente est autorisée à commander "
                "une étude de faisabilité de la voie verte entre Saint-Aubin-sur-Loire et Les "
                "Essarts-du-Bocage (24 km) pour 38 000 € HT, financée à 50 % par la Région. "
                "Adoptée par 26 voix pour et 2 abstentions.",
            ),
            table=(
                ("Lot", "Entreprise", "Montant HT"),
                ("1 — Désamiantage", "Val de Loire Dépollution", "96 200 €"),
                ("2 — Menuiseries extérieures", "Menuiserie Rabault", "212 800 €"),
                ("3 — Isolation", "Isol'Anjou", "187 500 €"),
                ("4 — Chaufferie bois", "Thermi-Bois", "301 900 €"),
                ("5 — Électricité", "Élec 3 Vallées", "142 000 €"),
                ("6 — Peinture", "Atelier Morel", "88 600 €"),
                ("7 — Voirie et réseaux", "Bocage TP", "134 400 €"),
            ),
            letterhead=f"{CC} — Conseil communautaire",
            author=CC,
        ),
        "julien.roussel",
        416,
        folder=(COUNCIL, "2026"),
        description="Marchés de l'école de Montreuil-le-Vieux, voirie, zonage d'assainissement.",
        meeting_date=date(2026, 7, 2),
        tags=("école", "voirie", "assainissement"),
    ),
    DemoDocument(
        OFFICIALS,
        _OCTOBER_TITLE,
        "minutes",
        DemoFile(
            "cr-conseil-communautaire-2026-10-15.pdf",
            _OCTOBER_TITLE,
            _october_council("1 118 800 €"),
            letterhead=f"{CC} — Conseil communautaire",
            author=CC,
        ),
        "julien.roussel",
        415,
        folder=(COUNCIL, "2026"),
        description="Décision modificative n° 2, avenant de l'école, rapport sur l'assainissement.",
        meeting_date=date(2026, 10, 15),
        tags=("budget", "école", "assainissement"),
        revisions=(
            DemoRevision(
                DemoFile(
                    "cr-conseil-communautaire-2026-10-15.pdf",
                    _OCTOBER_TITLE,
                    _october_council("1 181 800 €"),
                    letterhead=f"{CC} — Conseil communautaire",
                    author=CC,
                ),
                "julien.roussel",
                120,
                "Correction du montant",
            ),
        ),
    ),
    DemoDocument(
        OFFICIALS,
        "Formulaire de demande de fonds de concours",
        "form",
        DemoFile(
            "demande-fonds-de-concours.odt",
            "Demande de fonds de concours — voirie et bâtiments scolaires",
            (
                "À renvoyer au syndicat mixte avant le 31 janvier 2027, avec la délibération "
                "concordante du conseil municipal (voir le modèle de délibération).",
                "# Projet de la commune",
                TABLE,
                "# Pièces à joindre",
                "- Délibération du conseil municipal approuvant le projet et son plan de "
                "financement",
                "- Devis ou estimation du maître d'œuvre",
                "- Notifications des autres subventions obtenues",
                "Le fonds de concours ne peut excéder la moitié de la part restant à la charge "
                "de la commune.",
            ),
            table=(
                ("Rubrique", "À compléter"),
                ("Commune", FIELD),
                ("Interlocuteur (nom, fonction, téléphone)", FIELD),
                ("Nature des travaux (voirie, école, assainissement…)", FIELD),
                ("Coût prévisionnel HT", FIELD),
                ("Autres financements (DETR, Région, Département)", FIELD),
                ("Fonds de concours sollicité", FIELD),
                ("Calendrier prévisionnel", FIELD),
            ),
            letterhead="Syndicat mixte du Pays des Trois Vallées",
            author="Syndicat mixte du Pays des Trois Vallées",
        ),
        "julien.roussel",
        395,
        description="À remplir par les communes ; dépôt avant le 31 janvier 2027.",
        tags=("voirie", "école"),
    ),
    DemoDocument(
        OFFICIALS,
        "Compte rendu de la commission enfance, jeunesse et écoles du 12 novembre 2026",
        "minutes",
        DemoFile(
            "cr-commission-ecoles-2026-11-12.txt",
            "Compte rendu de la commission enfance, jeunesse et écoles du 12 novembre 2026",
            (
                "Présents : Mme Nathalie Caron (présidente de la commission), Mme Sophie Lefèvre "
                "(secrétariat), les directrices des écoles de Montreuil-le-Vieux et de "
                "Vernoux-en-Vallée, deux représentants des parents d'élèves.",
                "# Rentrée 2026",
                "412 élèves dans les sept écoles du territoire (9 de moins qu'en 2025). L'école de "
                "Montreuil-le-Vieux accueille 96 élèves en quatre classes ; la fermeture d'une "
                "classe à Vernoux-en-Vallée a été évitée grâce au regroupement pédagogique.",
                "# Travaux de l'école de Montreuil-le-Vieux",
                "Les parents saluent le confort des classes rénovées. La chaufferie bois "
                "fonctionne depuis le 26 octobre ; les radiateurs électriques d'appoint seront "
                "retirés.",
                "# Restauration scolaire",
                "40 % de produits locaux à la cantine dès janvier, avec les producteurs du marché "
                "de Saint-Aubin-sur-Loire. Le prix du repas reste de 3,60 €.",
                "# Suites à donner",
                "- Envoyer aux mairies le calendrier des conseils d'école (Sophie Lefèvre)",
                "- Étudier un accueil périscolaire le mercredi matin à Montreuil-le-Vieux",
                "- Demander au Département un arrêt de car sécurisé devant l'école",
            ),
            letterhead=f"{CC} — Commission enfance, jeunesse et écoles",
            author="Sophie Lefèvre",
        ),
        "sophie.lefevre",
        300,
        folder=(COMMISSIONS,),
        meeting_date=date(2026, 11, 12),
        tags=("école",),
    ),
    DemoDocument(
        OFFICIALS,
        "Compte rendu de la commission voirie et assainissement du 3 novembre 2026",
        "minutes",
        DemoFile(
            "cr-commission-voirie-2026-11-03.odt",
            "Compte rendu de la commission voirie et assainissement du 3 novembre 2026",
            (
                "Présents : M. Bernard Guillot (président de la commission), Mme Odile Ferrand, "
                "M. Yves Bouchard, M. Julien Roussel (directeur). Excusée : Mme Hélène Marchand.",
                "# Bilan du programme de voirie 2026",
                "Quatorze des seize chantiers sont achevés. La route de la Corniche est reprise ; "
                "le curage des fossés de Vernoux-en-Vallée est reporté au printemps à cause des "
                "pluies.",
                TABLE,
                "# Assainissement",
                "Le chantier de la station d'épuration des Essarts-du-Bocage a trois semaines de "
                "retard (livraison des équipements) : mise en service prévue en février 2027. "
                "L'enquête publique sur le zonage d'assainissement s'est tenue du 5 au 23 "
                "octobre : quatre observations, aucune opposition.",
                "# Propositions pour 2027",
                "- Priorité aux voies desservant l'école de Montreuil-le-Vieux et le collège",
                "- Diagnostic des réseaux d'assainissement de La Chapelle-aux-Chênes",
                "- Enveloppe de voirie proposée au budget 2027 : 660 000 € TTC",
            ),
            table=(
                ("Commune", "Chantier", "Montant TTC", "État"),
                ("Les Essarts-du-Bocage", "Route de la Corniche", "118 000 €", "Terminé"),
                ("Montreuil-le-Vieux", "Rue de l'École", "64 500 €", "Terminé"),
                ("Saint-Aubin-sur-Loire", "Quai de Loire", "92 300 €", "Terminé"),
                ("La Chapelle-aux-Chênes", "Chemin des Chênes", "47 800 €", "En cours"),
                ("Vernoux-en-Vallée", "Curage des fossés", "21 000 €", "Reporté"),
            ),
            letterhead=f"{CC} — Commission voirie et assainissement",
            author="Bernard Guillot",
        ),
        "bernard.guillot",
        250,
        folder=(COMMISSIONS,),
        meeting_date=date(2026, 11, 3),
        tags=("voirie", "assainissement"),
    ),
    DemoDocument(
        OFFICIALS,
        "Étude de faisabilité de la voie verte de l'Aubance",
        "study",
        DemoFile(
            "etude-faisabilite-voie-verte-aubance.pdf",
            "Étude de faisabilité de la voie verte de la vallée de l'Aubance — rapport d'étape",
            (
                "# Contexte",
                "La voie verte reliera Saint-Aubin-sur-Loire aux Essarts-du-Bocage, pour "
                "l'essentiel sur l'emprise de l'ancienne voie ferrée, en desservant "
                "Montreuil-le-Vieux, son école et sa maison de santé, ainsi que la gare.",
                "# Variantes de tracé",
                TABLE,
                "# Fréquentation attendue",
                "De 45 000 à 60 000 passages par an, dont 35 % de trajets quotidiens (collégiens, "
                "actifs rejoignant la gare), d'après les comptages de la Loire à vélo.",
                "# Points d'attention",
                "- Franchissement de l'Aubance : reprise du pont métallique de la Garenne",
                "- Traversée de la RD 17 à sécuriser",
                "- Croisement du réseau d'assainissement à Montreuil-le-Vieux, à coordonner avec "
                "les travaux de la station d'épuration",
                "- Zones humides à préserver (inventaire en cours)",
                "# Recommandation",
                "Le bureau d'études recommande la variante A, la moins consommatrice de terres "
                "agricoles après la variante C, et la seule éligible au taux maximal (40 %) de la "
                "subvention régionale des itinéraires cyclables.",
            ),
            table=(
                ("Variante", "Longueur", "Coût estimé HT", "Acquisitions"),
                ("A — Ancienne voie ferrée", "24,1 km", "3 850 000 €", "6,2 ha"),
                ("B — Bords de l'Aubance", "26,8 km", "4 420 000 €", "11,5 ha"),
                ("C — Voies partagées", "23,4 km", "2 960 000 €", "2,8 ha"),
            ),
            letterhead=f"{CC} — Service tourisme et mobilités",
            author="Thomas Perrin",
        ),
        "thomas.perrin",
        170,
        description="Rapport d'étape : trois variantes de tracé, coûts, fréquentation attendue.",
        tags=("voie verte", "mobilités"),
    ),
    DemoDocument(
        OFFICIALS,
        "Ordre du jour du conseil communautaire du 10 décembre 2026",
        "other",
        DemoFile(
            "odj-conseil-communautaire-2026-12-10.md",
            "Ordre du jour du conseil communautaire du 10 décembre 2026",
            (
                "Jeudi 10 décembre 2026 à 18 h 30, salle du conseil, Saint-Aubin-sur-Loire.",
                "- Approbation du compte rendu de la séance du 15 octobre 2026",
                "- Débat d'orientation budgétaire 2027",
                "- Tarifs 2027 de la redevance d'assainissement",
                "- École de Montreuil-le-Vieux : décompte général définitif des travaux",
                "- Voie verte de l'Aubance : choix du tracé et demande de subvention régionale",
                "- Questions diverses",
                "Les rapports seront déposés dans cet espace au plus tard le 3 décembre.",
            ),
            author=CC,
        ),
        "julien.roussel",
        30,
        folder=(COUNCIL, "2026"),
        tags=("budget",),
    ),
    # Tourisme
    DemoDocument(
        TOURISM,
        "Brochure « Escapades en Trois Vallées » 2027",
        "brochure",
        DemoFile(
            "brochure-escapades-trois-vallees-2027.pdf",
            "Escapades en Trois Vallées — saison 2027",
            (
                "Entre Loire et bocage, douze communes à parcourir à pied, à vélo ou en canoë.",
                "# À voir",
                "- Le château de Vernoux-en-Vallée et ses jardins en terrasses",
                "- Les quais de Saint-Aubin-sur-Loire et le marché de producteurs du samedi",
                "- Le festival « Vallées en scène » à Montreuil-le-Vieux, fin juillet",
                "- La chapelle romane de La Chapelle-aux-Chênes",
                "# À vélo",
                "La Loire à vélo traverse Saint-Aubin-sur-Loire ; la future voie verte de "
                "l'Aubance rejoindra Les Essarts-du-Bocage. Location de vélos à l'office de "
                "tourisme.",
                "# Où dormir",
                "Trois campings, dix-huit chambres d'hôtes et gîtes, deux hôtels : la liste "
                "complète est dans le guide des hébergements.",
                "Office de tourisme des Trois Vallées, place de la Mairie, Saint-Aubin-sur-Loire "
                "— accueil@tourisme.trois-vallees.example",
            ),
            letterhead="Office de tourisme des Trois Vallées — épreuve, ne pas diffuser",
            author="Office de tourisme des Trois Vallées",
        ),
        "camille.fontaine",
        400,
        description="Épreuve de la brochure grand public, à relire avant impression.",
        tags=("saison 2027",),
    ),
    DemoDocument(
        TOURISM,
        "Fréquentation touristique 2025",
        "study",
        DemoFile(
            "frequentation-touristique-2025.docx",
            "Fréquentation touristique 2025 des Trois Vallées",
            (
                "# Synthèse",
                "128 400 nuitées marchandes en 2025, 6 % de plus qu'en 2024. La hausse vient "
                "surtout des chambres d'hôtes et des gîtes (+ 11,5 %), portée par la clientèle "
                "à vélo de la Loire à vélo.",
                TABLE,
                "# Clientèle",
                "71 % de visiteurs français, 12 % néerlandais, 8 % allemands, 5 % belges. Séjour "
                "moyen : 3,4 nuits. L'office de tourisme a accueilli 18 450 visiteurs.",
                "# Bords de Loire",
                "Le compteur de Saint-Aubin-sur-Loire a enregistré 212 000 passages de cyclistes "
                "et de piétons, dont 38 % en juillet et août.",
                "# Pistes pour 2026",
                "- Allonger la saison : animations d'automne avec le réseau culturel",
                "- Mieux signaler les hébergements labellisés « Accueil vélo »",
            ),
            table=(
                ("Hébergement", "Nuitées 2024", "Nuitées 2025", "Évolution"),
                ("Campings", "61 200", "64 900", "+ 6,0 %"),
                ("Hôtels", "28 700", "29 300", "+ 2,1 %"),
                ("Chambres d'hôtes et gîtes", "23 400", "26 100", "+ 11,5 %"),
                ("Meublés de tourisme", "7 800", "8 100", "+ 3,8 %"),
                ("Total", "121 100", "128 400", "+ 6,0 %"),
            ),
            letterhead=CC,
            author="Thomas Perrin",
        ),
        "thomas.perrin",
        300,
        description="Nuitées par type d'hébergement, clientèles, fréquentation des bords de Loire.",
        tags=("observatoire",),
    ),
    DemoDocument(
        TOURISM,
        "Sentiers des Trois Vallées — douze randonnées balisées",
        "brochure",
        DemoFile(
            "sentiers-des-trois-vallees.pdf",
            "Sentiers des Trois Vallées — douze randonnées balisées",
            (
                "Douze circuits balisés en jaune, de 5 à 18 km, au départ des bourgs du Pays.",
                "# Circuits faciles",
                "- Le tour des étangs, Les Essarts-du-Bocage — 5,5 km, 1 h 45",
                "- Les quais de Loire, Saint-Aubin-sur-Loire — 7 km, 2 h",
                "# Circuits sportifs",
                "- Les crêtes de l'Aubance, Vernoux-en-Vallée — 14 km, 4 h 30",
                "- La boucle des trois moulins, Montreuil-le-Vieux — 18 km, 5 h 30",
                TABLE,
                "Topoguides et cartes en vente à l'office de tourisme, place de la Mairie, "
                "Saint-Aubin-sur-Loire.",
            ),
            table=(
                ("Circuit", "Départ", "Distance", "Balisage"),
                ("Tour des étangs", "Parking de la salle des fêtes", "5,5 km", "jaune"),
                ("Quais de Loire", "Office de tourisme", "7 km", "jaune"),
                ("Crêtes de l'Aubance", "Église de Vernoux", "14 km", "jaune et rouge"),
                ("Trois moulins", "Moulin de la Roche", "18 km", "jaune"),
            ),
            letterhead="Office de tourisme des Trois Vallées",
            author="Office de tourisme des Trois Vallées",
        ),
        "thomas.perrin",
        150,
        description="Douze circuits balisés de 5 à 18 km, avec les points de départ.",
        tags=("randonnée",),
    ),
    # Culture
    DemoDocument(
        CULTURE,
        "Saison culturelle d'hiver 2026-2027",
        "brochure",
        DemoFile(
            "saison-culturelle-hiver-2026-2027.pdf",
            "Saison culturelle d'hiver 2026-2027 — Réseau culturel des Trois Vallées",
            (
                "Concerts, théâtre, lectures et ateliers dans les médiathèques et les salles des "
                "douze communes, de décembre à mars.",
                "# Temps forts",
                "- Concert de Noël de l'école de musique, église de Vernoux-en-Vallée",
                "- « Contes au coin du feu », lectures pour les enfants dans les médiathèques",
                "- La Compagnie du Bocage joue « Le Moulin d'en haut » à Montreuil-le-Vieux",
                "# Tarifs",
                "Entrée libre pour les lectures et les concerts de l'école de musique ; théâtre : "
                "8 €, gratuit pour les moins de 12 ans.",
            ),
            letterhead="Réseau culturel des Trois Vallées",
            author="Réseau culturel des Trois Vallées",
        ),
        "nathalie.caron",
        90,
        description="Le programme des médiathèques, de l'école de musique et des compagnies.",
        tags=("programmation",),
    ),
    # Santé
    DemoDocument(
        HEALTH,
        "Protocole de garde",
        "form",
        DemoFile(
            "protocole-de-garde.odt",
            "Protocole de garde — permanence des soins ambulatoires",
            (
                "Version validée par le bureau de la CPTS. La fiche est remplie par le "
                "professionnel de garde et renvoyée à la coordination le lundi suivant. Elle ne "
                "contient aucune donnée nominative sur les patients.",
                "# Organisation",
                "Garde de médecine générale le samedi de 12 h à 20 h, le dimanche et les jours "
                "fériés de 8 h à 20 h, à la maison de santé de Montreuil-le-Vieux. Après 20 h, "
                "régulation par le 15. Pharmacie de garde : 3237.",
                "# Fiche de garde",
                TABLE,
                "# Urgence vitale",
                "- Appeler le 15 avant tout transport",
                "- Défibrillateur : à l'accueil de la maison de santé",
                "- Trousse d'urgence vérifiée chaque vendredi par l'infirmière de coordination",
            ),
            table=(
                ("Rubrique", "À compléter"),
                ("Date et horaires de la garde", FIELD),
                ("Professionnel de garde", FIELD),
                ("Nombre de consultations", FIELD),
                ("Dont visites à domicile", FIELD),
                ("Orientations vers les urgences", FIELD),
                ("Incidents, matériel manquant", FIELD),
            ),
            letterhead="CPTS des Trois Vallées — Maison de santé de Montreuil-le-Vieux",
            author="CPTS des Trois Vallées",
        ),
        "manon.giraud",
        240,
        description="Organisation des gardes et fiche à remplir après chaque garde.",
        tags=("gardes",),
    ),
)

DOCUMENT_COMMENTS: tuple[DemoComment, ...] = (
    DemoComment(
        "Modèle de délibération",
        "sophie.lefevre",
        "Modèle utilisé pour la délibération concordante de Montreuil-le-Vieux sur "
        "l'**assainissement** : rien à redire.\n\n"
        "Deux suggestions :\n\n"
        "1. ajouter en pied de page « *Le maire certifie le caractère exécutoire de cet acte* » ;\n"
        "2. prévoir une ligne pour les pouvoirs (procurations).",
        200,
    ),
    DemoComment(
        _OCTOBER_TITLE,
        "bernard.guillot",
        "Merci Julien pour la correction : après l'avenant, le marché de l'école est bien à "
        "**1 181 800 € HT**.\n\n"
        "À inscrire au conseil du 10 décembre :\n\n"
        "- le décompte définitif des travaux de l'école ;\n"
        "- un point sur le retard de la *station d'épuration* des Essarts-du-Bocage.",
        110,
    ),
)

DOCUMENT_SHARES: tuple[DemoShare, ...] = (
    DemoShare(
        "Étude de faisabilité de la voie verte de l'Aubance",
        PROJECT,
        shared_by="julien.roussel",
        hours_ago=60,
    ),
)


@dataclass(frozen=True)
class DemoBrochurePublication:
    """A brochure (DemoDocument title) proposed for the public portal by one of its space's
    editors; approved by the general administrator (with ``edits`` to the public fields), or
    left for them to review."""

    document: str
    proposed_by: str
    approved: bool = True
    edits: tuple[tuple[str, str], ...] = ()
    # After approval, the editor changes the description and proposes again: the pending
    # proposal shows the field-by-field differences with the public version.
    then_proposes_description: str = ""


BROCHURE_PUBLICATIONS: tuple[DemoBrochurePublication, ...] = (
    DemoBrochurePublication(
        "Sentiers des Trois Vallées — douze randonnées balisées",
        "thomas.perrin",
        edits=(("theme", "Randonnée"), ("commune", "Saint-Aubin-sur-Loire")),
        then_proposes_description=(
            "Douze circuits balisés de 5 à 18 km, avec les points de départ et les temps de "
            "marche. Nouveau : la boucle des trois moulins, à Montreuil-le-Vieux."
        ),
    ),
    DemoBrochurePublication(
        "Saison culturelle d'hiver 2026-2027",
        "nathalie.caron",
        edits=(("theme", "Culture"),),
    ),
)
