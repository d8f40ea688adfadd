"""Synthetic French administrative text for the document and search benchmarks.

Sentences are assembled from templates and word lists of the kind found in the minutes,
deliberations and notes of an intercommunal body (conseil communautaire, voirie, écoles,
assainissement, budget…), with generated place and person names for a long tail of rare words.
Everything is driven by a ``random.Random`` passed in, so a seed gives the same text every run.
No Django import: the corpus can be generated before settings are configured.
"""

from __future__ import annotations

import datetime as dt
import random
import re

# fmt: off
BODIES = [
    "Le conseil communautaire", "Le conseil municipal", "Le bureau communautaire",
    "La commission des finances", "La commission voirie et mobilités", "Le comité syndical",
    "La commission d'appel d'offres", "L'assemblée délibérante", "Le président",
    "Monsieur le maire", "La vice-présidente chargée de l'environnement",
    "Le vice-président délégué aux travaux", "La conférence des maires",
    "La commission enfance-jeunesse", "Le conseil d'exploitation de la régie",
    "La commission urbanisme et habitat", "Le directeur général des services",
]

VERBS = [
    "adopte", "approuve", "autorise le président à signer", "prend acte de", "valide",
    "décide de reporter", "émet un avis favorable sur", "émet un avis défavorable sur",
    "examine", "sollicite une subvention pour", "approuve à l'unanimité",
    "confie à un bureau d'études", "engage la consultation relative à", "arrête",
    "fixe les modalités de", "approuve le plan de financement de", "retire de l'ordre du jour",
    "charge les services d'instruire", "rejette", "modifie",
]

OBJECTS = [
    "le budget primitif de l'exercice {year}", "le compte administratif {year}",
    "la décision modificative n° {small}", "le rapport d'orientation budgétaire {year}",
    "la convention de partenariat avec le département",
    "le programme pluriannuel de travaux de voirie",
    "la réfection de la chaussée de la route départementale {small}",
    "la réhabilitation du réseau d'assainissement collectif",
    "la mise aux normes de la station d'épuration de {commune}",
    "le zonage d'assainissement non collectif", "la construction d'un groupe scolaire",
    "la rénovation énergétique de l'école élémentaire de {commune}",
    "la tarification de la restauration scolaire", "le transport scolaire des collégiens",
    "le plan local d'urbanisme intercommunal", "la révision du schéma de cohérence territoriale",
    "le transfert de la compétence eau potable", "la création d'une aire de covoiturage",
    "l'aménagement d'une piste cyclable entre {commune} et {commune}",
    "la mise à jour du tableau des effectifs", "le régime indemnitaire des agents",
    "l'attribution des subventions aux associations sportives",
    "le marché de collecte des déchets ménagers", "la redevance d'enlèvement des ordures",
    "l'extension de la médiathèque intercommunale", "la zone d'activités économiques du {place}",
    "le contrat de ruralité", "la dotation de solidarité communautaire",
    "le périmètre du syndicat mixte", "le règlement intérieur de la crèche de {commune}",
    "le projet éducatif de territoire", "l'entretien de l'éclairage public",
    "la gestion des milieux aquatiques et la prévention des inondations",
    "la programmation de la saison culturelle", "la vente d'une parcelle communale",
    "l'acquisition d'un terrain au lieu-dit {lieudit}", "le déneigement des voies communales",
    "le renouvellement du parc de véhicules", "la vidéoprotection des bâtiments publics",
    "le schéma directeur des réseaux d'eaux pluviales", "la fibre optique dans les hameaux",
    "le centre communal d'action sociale", "la maison de santé pluridisciplinaire",
    "la cantine de l'école maternelle", "le gymnase intercommunal", "le plan climat-air-énergie",
    "la taxe de séjour", "les tarifs de la piscine communautaire", "l'accueil de loisirs",
]

COMPLEMENTS = [
    "pour un montant de {amount} euros hors taxes", "après avis de la commission compétente",
    "à l'unanimité des membres présents", "par {votes} voix pour et {small} abstentions",
    "sous réserve de l'accord des services de l'État",
    "dans le cadre du contrat de relance et de transition écologique",
    "sur le territoire de la commune de {commune}", "au titre de l'exercice {year}",
    "conformément au code général des collectivités territoriales",
    "selon le calendrier présenté en séance", "en lien avec le syndicat départemental d'énergie",
    "avec le concours financier de la région", "au vu du rapport de présentation",
    "à compter du {date}", "pour une durée de {small} ans",
    "en concertation avec les communes membres",
]

FACTS = [
    "Les crédits nécessaires sont inscrits au chapitre {chapter} du budget {budget}.",
    "Le coût prévisionnel s'élève à {amount} € TTC, financé à {pct} % par {funder}.",
    "Les travaux débuteront en {month} {year} pour une durée de {small} mois.",
    "{person}, rapporteur, présente le dossier et répond aux questions des élus.",
    "{person} demande des précisions sur le calendrier ; il lui est répondu que l'étude "
    "est en cours.",
    "La séance est levée à {hour} h {minute}.",
    "Le quorum étant atteint, la séance est ouverte à {hour} h {minute}.",
    "Il est rappelé que les habitants de {commune} seront consultés avant toute décision.",
    "La commission propose de retenir l'offre de l'entreprise {company}, jugée économiquement "
    "la plus avantageuse.",
    "Le procès-verbal de la séance du {date} est adopté sans observation.",
    "Une réunion publique se tiendra à la salle des fêtes de {commune} le {date}.",
    "Le dossier est consultable au siège de la communauté de communes, {street}.",
    "{person} ne prend pas part au vote.",
    "Les inscriptions à l'école de {commune} sont ouvertes jusqu'au {date}.",
    "Le syndicat rappelle que le curage des fossés de la voie communale n° {small} est prévu "
    "au printemps.",
    "Points divers : {noun}, {noun} et {noun}.",
    "Questions diverses : {person} signale un problème de {noun} rue {surname}.",
    "Le chemin rural du lieu-dit {lieudit} sera remis en état avant l'hiver.",
    "Le hameau de {lieudit} sera raccordé au réseau d'assainissement collectif en {year}.",
    "Un permis de construire a été déposé pour une parcelle située à {lieudit}.",
    "Les riverains de {lieudit} et de {lieudit} signalent des nuisances liées au {noun}.",
    "La parcelle cadastrée section {section} n° {ref}, lieu-dit {lieudit}, est cédée à la commune.",
]

FUNDERS = [
    "l'État au titre de la DETR", "la région", "le département", "l'agence de l'eau",
    "l'Union européenne (FEDER)", "la caisse d'allocations familiales", "l'ADEME",
    "la dotation de soutien à l'investissement local",
]

BUDGETS = [
    "principal", "annexe assainissement", "annexe eau potable", "annexe des ordures ménagères",
    "annexe de la zone d'activités", "annexe des transports",
]

NOUNS = [
    "stationnement", "signalisation", "fossés", "élagage", "trottoirs", "ralentisseurs",
    "éclairage", "cimetière", "columbarium", "presbytère", "lavoir", "chemin rural", "calvaire",
    "abribus", "compteurs", "branchements", "canalisations", "regards", "bassin d'orage",
    "lagunage", "boues", "captage", "forage", "château d'eau", "défibrillateur", "bibliothèque",
    "périscolaire", "garderie", "ludothèque", "jardin partagé", "composteurs", "déchetterie",
    "encombrants", "verre", "biodéchets", "recyclerie", "halle", "marché hebdomadaire",
    "foire", "kermesse", "fleurissement", "illuminations", "tondeuse", "balayeuse",
    "tractopelle", "camion-benne", "logements sociaux", "lotissement", "permis de construire",
    "cadastre", "bornage", "servitude", "enquête publique", "préemption", "friche",
    "vestiaires", "terrain de football", "skatepark", "city-stade", "piscine", "camping",
    "gîte", "office de tourisme", "randonnée", "sentier", "passerelle", "pont", "digue",
    "berges", "ripisylve", "haies", "bocage", "zone humide", "captage d'eau", "nitrates",
    "irrigation", "sécheresse", "inondation", "crue", "tempête", "chenilles processionnaires",
    "frelons asiatiques", "ambroisie", "nuisances sonores", "chiens errants", "fourrière",
    "gendarmerie", "pompiers", "secourisme", "canicule", "plan communal de sauvegarde",
    "registre", "archives", "état civil", "recensement", "élections", "bureau de vote",
    "jumelage", "anciens combattants", "commémoration", "monument aux morts", "salle polyvalente",
    "chaufferie bois", "photovoltaïque", "isolation", "menuiseries", "toiture", "ascenseur",
    "accessibilité", "rampe", "sanitaires", "cantine", "self", "préau", "cour de récréation",
]

FIRST_NAMES = [
    "Jean", "Marie", "Pierre", "Catherine", "Philippe", "Isabelle", "Michel", "Sylvie",
    "Alain", "Nathalie", "Patrick", "Christine", "Nicolas", "Véronique", "Christophe", "Anne",
    "Laurent", "Valérie", "Stéphane", "Sandrine", "Frédéric", "Sophie", "Éric", "Hélène",
    "Olivier", "Françoise", "Thierry", "Brigitte", "Bernard", "Martine", "Didier", "Céline",
    "Gérard", "Élodie", "Hervé", "Aurélie", "Jérôme", "Chantal", "Benoît", "Agnès", "Régis",
    "Josiane", "Yannick", "Odile", "Rémi", "Gisèle", "Gaëtan", "Maëlle", "Loïc", "Noémie",
]

SURNAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau",
    "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu",
    "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier",
    "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Perez", "Marchand",
    "Dufour", "Blanchard", "Marie", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux",
    "Colin", "Fernandez", "Pierre", "Renard", "Arnaud", "Rolland", "Caron", "Aubert",
    "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard", "Gaillard",
    "Philippe", "Leclercq", "Lacroix", "Fabre", "Dupuis", "Olivier", "Rodriguez", "Da Silva",
    "Hubert", "Louis", "Charles", "Guillot", "Rivière", "Le Gall", "Guillaume", "Adam", "Rey",
    "Moulin", "Gonzalez", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier",
    "Julien", "Benoît", "Paris", "Maillard", "Marchal", "Aubry", "Vasseur", "Le Roux",
    "Renault", "Jacquet", "Collet", "Prévost", "Poirier", "Charpentier", "Royer", "Huet",
    "Baron", "Dupuy", "Pons", "Paul", "Laine", "Carré", "Breton", "Rémy", "Schneider",
    "Perrot", "Guyot", "Barre", "Marty", "Cousin", "Tessier", "Chauvin", "Bouvier",
]

_ROOTS = [
    "Martin", "Julien", "Laurent", "Genis", "Priest", "Didier", "Germain", "Étienne",
    "Bonnet", "Cyr", "Romain", "Vérand", "Forgeux", "Clément", "Marcel", "Just", "Bel",
    "Ferréol", "Appolinaire", "Nizier", "Loup", "Barthélemy", "Denis", "Amour",
]
_PLAIN = [
    "Villeneuve", "Fontaines", "Montrottier", "Chambost", "Ternand", "Légny", "Oingt",
    "Bagnols", "Frontenas", "Theizé", "Moiré", "Jarnioux", "Ville-sur-Jarnioux", "Cogny",
    "Lacenas", "Denicé", "Pouilly", "Charnay", "Chessy", "Châtillon", "Bully", "Dareizé",
    "Joux", "Affoux", "Valsonne", "Ronno", "Dième", "Chénelette", "Poule", "Ranchal",
    "Cublize", "Amplepuis", "Thizy", "Bourg-de-Thizy", "Marnand", "Mardore", "Cours",
    "Pont-Trambouze", "Grandris", "Lamure", "Chamelet", "Létra", "Sarcey", "Bessenay",
    "Brussieu", "Courzieu", "Yzeron", "Vaugneray", "Pollionnay", "Grézieu", "Brindas",
    "Messimy", "Thurins", "Rontalon", "Soucieu", "Orliénas", "Taluyers", "Montagny",
    "Mornant", "Chaussan", "Riverie", "Duerne", "Aveize", "Meys", "Coise", "Larajasse",
]
_SUFFIXES = [
    "", "", "", "-sur-Loire", "-en-Bresse", "-le-Haut", "-les-Bains", "-d'Azergues",
    "-sur-Saône", "-en-Beaujolais", "-la-Forêt", "-des-Monts", "-le-Vieux", "-sous-Bois",
]
# fmt: on

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

DOC_TITLES = [
    "Compte rendu du conseil communautaire du {date}",
    "Délibération n° {year}-{ref} — {object}",
    "Note de synthèse — {object}",
    "Procès-verbal de la séance du {date}",
    "Rapport de présentation : {object}",
    "Convocation du bureau communautaire du {date}",
    "Étude préalable — {object}",
    "Relevé de décisions de la commission du {date}",
]


def _communes() -> list[str]:
    names = set(_PLAIN)
    rng = random.Random(20_240_917)
    for root in _ROOTS:
        names.add(f"Saint-{root}")
        for _ in range(6):
            names.add(f"Saint-{root}{rng.choice(_SUFFIXES)}")
    for plain in _PLAIN:
        for _ in range(3):
            names.add(f"{plain}{rng.choice(_SUFFIXES)}")
    return sorted(names)


COMMUNES = _communes()

_TAIL_START = [
    "Bré",
    "Mont",
    "Char",
    "Val",
    "Roche",
    "Fon",
    "Lau",
    "Ber",
    "Gra",
    "Mau",
    "Cha",
    "Vil",
    "Cour",
    "Pey",
    "Sau",
    "Cham",
    "Bel",
    "Bou",
    "Tor",
    "Mar",
    "Ger",
    "Lan",
    "Vau",
    "Ros",
]
_TAIL_MIDDLE = ["", "a", "e", "i", "o", "ou", "an", "en", "on", "el", "ar", "er", "ill"]
_TAIL_END = [
    "ière",
    "ac",
    "at",
    "ay",
    "ieu",
    "ard",
    "eau",
    "ens",
    "ois",
    "oux",
    "ange",
    "elle",
    "ette",
    "ot",
    "as",
    "y",
    "iers",
    "onne",
    "ennes",
    "uel",
]


def _tail_names() -> tuple[list[str], list[float]]:
    """Some 6,000 lieu-dit names and Zipf cumulative weights: the long tail of rare words."""
    names = sorted(
        {
            start + middle + end
            for start in _TAIL_START
            for middle in _TAIL_MIDDLE
            for end in _TAIL_END
        }
    )
    random.Random(7).shuffle(names)
    cumulative, total = [], 0.0
    for rank in range(1, len(names) + 1):
        total += 1 / rank
        cumulative.append(total)
    return names, cumulative


TAIL_NAMES, _TAIL_CUMULATIVE = _tail_names()
_PLACE_WORDS = ("Champ", "Pré", "Bois", "Moulin", "Clos")
_COMPANY_WORDS = ("TP", "et Fils", "Bâtiment", "SAS", "Réseaux")
_SLOT = re.compile(r"\{(\w+)\}")


class FrenchText:
    """Sentences, paragraphs and titles drawn from ``rng``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def date(self) -> dt.date:
        return dt.date(2019, 1, 1) + dt.timedelta(days=self.rng.randrange(6 * 365))

    def date_text(self) -> str:
        day = self.date()
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"

    def person(self) -> str:
        title = self.rng.choice(("Monsieur", "Madame"))
        return f"{title} {self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def _slot(self, name: str) -> str:
        rng = self.rng
        match name:
            case "year":
                return str(rng.randint(2019, 2026))
            case "small":
                return str(rng.randint(1, 12))
            case "section":
                return rng.choice(("A", "AB", "B", "C", "D", "ZA", "ZB", "ZC"))
            case "ref":
                return f"{rng.randint(1, 250):03d}"
            case "votes":
                return str(rng.randint(18, 64))
            case "amount":
                return f"{rng.randint(2, 2_500) * 1_000:,}".replace(",", " ")
            case "pct":
                return str(rng.choice((20, 25, 30, 35, 40, 50, 60, 80)))
            case "chapter":
                return str(rng.choice((11, 12, 20, 21, 23, 65, 66, 204)))
            case "hour":
                return str(rng.randint(18, 22))
            case "minute":
                return f"{rng.randrange(0, 60, 5):02d}"
            case "month":
                return rng.choice(MONTHS)
            case "date":
                return self.date_text()
            case "commune":
                return rng.choice(COMMUNES)
            case "place":
                return f"{rng.choice(_PLACE_WORDS)} {rng.choice(SURNAMES)}"
            case "lieudit":
                return rng.choices(TAIL_NAMES, cum_weights=_TAIL_CUMULATIVE)[0]
            case "person":
                return self.person()
            case "surname":
                return rng.choice(SURNAMES)
            case "company":
                return f"{rng.choice(SURNAMES)} {rng.choice(_COMPANY_WORDS)}"
            case "street":
                return f"{rng.randint(1, 80)} rue {rng.choice(SURNAMES)}, {rng.choice(COMMUNES)}"
            case "budget":
                return rng.choice(BUDGETS)
            case "funder":
                return rng.choice(FUNDERS)
            case "noun":
                return rng.choice(NOUNS)
            case "object":
                return self.fill(rng.choice(OBJECTS))
        raise KeyError(name)

    def fill(self, template: str) -> str:
        return _SLOT.sub(lambda match: self._slot(match.group(1)), template)

    def sentence(self) -> str:
        if self.rng.random() < 0.45:
            return self.fill(self.rng.choice(FACTS))
        parts = [
            self.rng.choice(BODIES),
            self.rng.choice(VERBS),
            self.fill(self.rng.choice(OBJECTS)),
        ]
        if self.rng.random() < 0.7:
            parts.append(self.fill(self.rng.choice(COMPLEMENTS)))
        return " ".join(parts) + "."

    def paragraph(self, sentences: tuple[int, int] = (3, 7)) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(*sentences)))

    def title(self) -> str:
        text = self.fill(self.rng.choice(DOC_TITLES))
        return text[0].upper() + text[1:]


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lowercase words of ``text`` (letters and inner hyphens), in order."""
    return _WORD.findall(text.lower())
