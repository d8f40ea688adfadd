"""Directory benchmark: search and filtered listing over 20,000 people and 5,000 organisations,
SQL queries per page, and the CardDAV sync of a 500-member space address book.

1. Pages (``django.test.Client`` in this process, DEBUG off, a signed-in member): text search
   through the search backend (Whoosh), lists filtered by kind, commune and theme, plain list
   pages, card pages and the vCard download; p50/p95 per query type and SQL queries per page,
   then the query count of the lists across pages and page sizes (it must not move).
2. CardDAV: the time to build the space's book (``directory.carddav.refresh_space_address_book``)
   when it is new, unchanged and after one change; then, through ``/dav/`` served by Daphne with
   an app password, a full sync (PROPFIND + addressbook-multiget, as vdirsyncer does, and
   sync-collection + multiget, as DAVx5 does), an incremental sync after one change, and the
   real vdirsyncer (full, then incremental).

Data are generated with ``bulk_create`` (seeded): the figures are about reading, not writing.
Everything runs in a temporary directory removed at the end; Daphne is a subprocess killed at
exit. Figures are printed, never asserted; the exit status is 1 only when a page or a request
fails.

Run from the repository root: ``.venv/bin/python bench/directory.py [--dir-people N]
[--dir-organisations N] [--dir-book N]`` (or ``bench/run.py --only directory``).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import get_ok, load_average, percentile, query_range, setup_django

HOST = "127.0.0.1"
SEED = 20261129
BOOK_SLUG = "annuaire-banc"
VIEWER_EMAIL = "lectrice@bench-annuaire.example"
DAV_TIMEOUT = (5, 180)
XML = {"Content-Type": "application/xml; charset=utf-8"}
NS = {"d": "DAV:", "cr": "urn:ietf:params:xml:ns:carddav"}

# --- Vocabulary (fictional, French-looking) ---------------------------------------------------

FIRST_NAMES = [
    "Jeanne",
    "Marie",
    "Louise",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Sarah",
    "Emma",
    "Julie",
    "Claire",
    "Anne",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Hélène",
    "Élodie",
    "Aurélie",
    "Margaux",
    "Lucie",
    "Agathe",
    "Rose",
    "Alice",
    "Zoé",
    "Nina",
    "Éva",
    "Jean",
    "Pierre",
    "Louis",
    "Paul",
    "Jacques",
    "Michel",
    "Nicolas",
    "Thomas",
    "Lucas",
    "Hugo",
    "Théo",
    "Julien",
    "Antoine",
    "Mathieu",
    "Olivier",
    "Philippe",
    "Laurent",
    "Éric",
    "Sébastien",
    "Benoît",
    "Rémi",
    "Yves",
    "Gaël",
    "Loïc",
    "Hervé",
    "Denis",
    "Bastien",
    "Maxime",
    "Quentin",
    "Romain",
    "Victor",
    "Gabriel",
    "Arthur",
    "Raphaël",
    "Noé",
    "Jules",
]
_SYLLABLES = [
    "Mar",
    "Ber",
    "Dur",
    "Fon",
    "Lam",
    "Ro",
    "Gau",
    "Pel",
    "Chas",
    "Bou",
    "Gi",
    "Mo",
    "Ri",
    "Lau",
    "Ver",
    "Bro",
    "Cha",
    "Del",
    "Fa",
    "Gar",
    "Mil",
    "Pou",
    "Tes",
    "Va",
    "Bri",
    "Cou",
    "Dau",
    "Her",
    "Jo",
    "Ma",
]
_ENDINGS = [
    "tin",
    "nard",
    "and",
    "taine",
    "bert",
    "teau",
    "thier",
    "let",
    "sagne",
    "chard",
    "rat",
    "geon",
    "vel",
    "guier",
    "lin",
]
LAST_NAMES = tuple(f"{s}{e}" for s in _SYLLABLES for e in _ENDINGS)  # 420 names
_ROOTS = [
    "Brioux",
    "Chef",
    "Melle",
    "Celles",
    "Lezay",
    "Sauzé",
    "Chizé",
    "Aigonnay",
    "Prahecq",
    "Saint-Romans",
    "Pamproux",
    "Rom",
    "Vitré",
    "Exoudun",
    "Bougon",
    "Salles",
    "Chenay",
    "Sepvret",
    "Messé",
    "Vançais",
    "Lorigné",
    "Clussais",
    "Pouffonds",
    "Mairé",
    "Paizay",
    "Sompt",
    "Tillou",
    "Vernoux",
    "Aubigné",
    "Ardilleux",
    "Couture",
    "Fontenille",
    "Hanc",
    "Loubillé",
    "Mazières",
    "Pioussay",
    "Secondigné",
    "Villefollet",
    "Asnières",
    "Juillé",
    "Luché",
    "Marigny",
    "Périgné",
    "Plibou",
    "Limalonges",
    "Montalembert",
    "Chail",
    "Caunay",
    "Maisonnay",
    "Mougon",
    "Thorigné",
    "Verrines",
    "Aiffres",
    "Niort",
]
_SUFFIXES = ("", "", "", "-sur-Boutonne", "-en-Poitou", "-le-Château", "-sur-Béronne")
THEMES = (
    "Tourisme",
    "Numérique",
    "Santé",
    "Culture",
    "Petite enfance",
    "Jeunesse",
    "Sport",
    "Agriculture",
    "Environnement",
    "Eau et assainissement",
    "Voirie",
    "Urbanisme",
    "Mobilité",
    "Habitat",
    "Action sociale",
    "Emploi",
    "Formation",
    "Commerce",
    "Artisanat",
    "Patrimoine",
    "Lecture publique",
    "Musique",
    "Théâtre",
    "Randonnée",
    "Hébergement",
    "Restauration",
    "Finances locales",
    "Marchés publics",
    "Énergie",
    "Déchets",
    "Personnes âgées",
    "Handicap",
    "Prévention",
    "Vie associative",
    "Citoyenneté",
    "Communication",
    "Événementiel",
    "Sécurité",
    "Biodiversité",
    "Forêt",
)
TITLES = (
    "Maire",
    "Adjoint au maire",
    "Secrétaire de mairie",
    "Directrice générale des services",
    "Chargé de mission",
    "Agent d'accueil",
    "Président",
    "Trésorière",
    "Secrétaire",
    "Animatrice",
    "Médecin généraliste",
    "Infirmier",
    "Pharmacienne",
    "Directeur",
    "Responsable de l'accueil",
    "Conseillère numérique",
    "Bibliothécaire",
    "Éducatrice",
    "Gérant",
    "Technicien",
)
WORDS = (
    "du Pays",
    "des Deux Vallées",
    "de la Boutonne",
    "du Mellois",
    "Sud",
    "Nord",
    "des Sources",
    "du Marais",
    "de la Forêt",
    "des Collines",
    "du Bourg",
    "de la Gare",
    "des Tilleuls",
    "Saint-Martin",
    "du Château",
)
AUDIENCES = ("public", "territory", "spaces", "private")


# --- Options -----------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("directory (bench/directory.py)")
    group.add_argument("--dir-people", type=int, default=20_000, help="people (20000)")
    group.add_argument("--dir-organisations", type=int, default=5_000, help="organisations (5000)")
    group.add_argument(
        "--dir-book", type=int, default=500, help="members of the space address book (500)"
    )
    group.add_argument(
        "--dir-iterations", type=int, default=60, help="timed requests per query type (60)"
    )
    group.add_argument(
        "--dir-warmup", type=int, default=5, help="untimed requests per query type first (5)"
    )
    group.add_argument(
        "--dir-sync-reps", type=int, default=5, help="timed CardDAV syncs of each kind (5)"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return parser.parse_args(argv)


# --- Data --------------------------------------------------------------------------------------


@dataclass
class Data:
    viewer: Any
    space: Any
    person_ids: list[int]
    organisation_ids: list[int]
    book_person_ids: list[int]
    kinds: list[str]
    communes: list[str]
    themes: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


def _communes(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    for root in _ROOTS:
        names.append(root)
        for suffix in rng.sample(_SUFFIXES[3:], 2):
            names.append(f"{root}{suffix}")
    rng.shuffle(names)
    return names[:count]


def _pick_audience(rng: random.Random, weights: tuple[int, int, int, int]) -> str:
    return rng.choices(AUDIENCES, weights=weights)[0]


def _bulk(model: Any, objects: list[Any]) -> list[Any]:
    return list(model.objects.bulk_create(objects, batch_size=2000))


def generate(args: argparse.Namespace) -> Data:
    """People, organisations, functions, themes and contact points, with bulk_create; one space
    whose ``--dir-book`` members each have a card; the measuring member among them."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django.utils.text import slugify

    from directory.models import (
        ContactPoint,
        Function,
        Organisation,
        OrganisationKind,
        Person,
        Theme,
    )
    from extranet.models import Membership
    from extranet.roles import Role
    from extranet.services.accounts import create_user
    from extranet.services.memberships import add_member
    from extranet.services.spaces import create_space

    rng = random.Random(SEED)  # noqa: S311 (test data)
    now = timezone.now()
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    kinds = list(OrganisationKind.objects.all())
    themes = _bulk(Theme, [Theme(name=name, slug=slugify(name)) for name in THEMES])
    communes = _communes(rng, 150)
    space = create_space(name="Banc d'essai annuaire", slug=BOOK_SLUG, kind="project")

    def verified() -> Any:
        return now - timedelta(days=rng.randrange(0, 700))

    new_organisations = []
    for n in range(args.dir_organisations):
        kind, commune = rng.choice(kinds), rng.choice(communes)
        new_organisations.append(
            Organisation(
                kind=kind,
                name=f"{kind.name} {rng.choice(WORDS)} {commune} {n % 97}",
                commune=commune,
                postal_code=f"79{rng.randrange(100, 999)}",
                address=f"{rng.randrange(1, 80)} rue {rng.choice(WORDS)}",
                website=f"https://org-{n}.exemple.test/",
                opening_hours="Lundi au vendredi, 9 h – 12 h",
                description=f"{kind.name} au service des habitants de {commune}.",
                audiences={
                    "address": _pick_audience(rng, (6, 2, 1, 1)),
                    "website": _pick_audience(rng, (7, 2, 1, 0)),
                },
                last_verified_at=verified(),
            )
        )
    organisations = _bulk(Organisation, new_organisations)
    for organisation in organisations[200:]:
        if rng.random() < 0.1:
            organisation.parent_id = rng.choice(organisations[:200]).pk
    Organisation.objects.bulk_update(organisations, ["parent"], batch_size=2000)
    _bulk(
        Organisation.themes.through,
        [
            Organisation.themes.through(organisation_id=o.pk, theme_id=t.pk)
            for o in organisations
            for t in rng.sample(themes, rng.randrange(0, 4))
        ],
    )
    _bulk(
        Organisation.spaces.through,
        [
            Organisation.spaces.through(organisation_id=o.pk, space_id=space.pk)
            for o in organisations
            if rng.random() < 0.05
        ],
    )
    contacts = []
    for o in organisations:
        for position in range(rng.randrange(1, 4)):
            kind = rng.choice(("phone", "phone", "email", "website"))
            contacts.append(
                ContactPoint(
                    organisation_id=o.pk,
                    kind=kind,
                    value=_contact_value(kind, rng, f"org{o.pk}"),
                    audience=_pick_audience(rng, (5, 3, 1, 1)),
                    position=position,
                )
            )
    seconds["organisations"] = time.perf_counter() - started

    started = time.perf_counter()
    people = _bulk(
        Person,
        [
            Person(
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                commune=rng.choice(communes),
                languages=rng.choice(("français", "français, anglais", "français, occitan")),
                bio="",
                audiences={"commune": _pick_audience(rng, (2, 6, 1, 1))},
                last_verified_at=verified(),
            )
            for _ in range(args.dir_people)
        ],
    )
    functions = []
    for person in people:
        for organisation in rng.sample(organisations, rng.choice((0, 1, 1, 1, 2))):
            functions.append(
                Function(
                    person_id=person.pk, organisation_id=organisation.pk, title=rng.choice(TITLES)
                )
            )
    _bulk(Function, functions)
    _bulk(
        Person.themes.through,
        [
            Person.themes.through(person_id=p.pk, theme_id=t.pk)
            for p in people
            for t in rng.sample(themes, rng.randrange(0, 3))
        ],
    )
    for person in people:
        for position in range(rng.randrange(1, 4)):
            kind = rng.choice(("phone", "mobile", "email", "email"))
            contacts.append(
                ContactPoint(
                    person_id=person.pk,
                    kind=kind,
                    value=_contact_value(kind, rng, f"p{person.pk}"),
                    audience=_pick_audience(rng, (1, 3, 4, 2)),
                    position=position,
                )
            )
    _bulk(ContactPoint, contacts)
    seconds["people"] = time.perf_counter() - started

    # The address book's members: the measuring member (through the services, so their card is
    # made the way a real member's is), then accounts linked to generated people.
    started = time.perf_counter()
    viewer = create_user(
        email=VIEWER_EMAIL, full_name="Lectrice Banc", password=secrets.token_hex(8), validate=False
    )
    add_member(space=space, user=viewer, role=Role.MEMBER)
    users = _bulk(
        get_user_model(),
        [
            get_user_model()(
                email=f"membre-{n:04d}@bench-annuaire.example",
                full_name=f"{people[n].first_name} {people[n].last_name}",
                password="!",  # unusable
            )
            for n in range(args.dir_book - 1)
        ],
    )
    for person, user in zip(people, users, strict=False):
        person.user_id = user.pk
    Person.objects.bulk_update(people[: len(users)], ["user"], batch_size=2000)
    _bulk(
        Membership,
        [Membership(user_id=user.pk, space_id=space.pk, role=Role.MEMBER) for user in users],
    )
    seconds["book members"] = time.perf_counter() - started
    viewer_card = Person.objects.get(user=viewer)
    return Data(
        viewer=viewer,
        space=space,
        person_ids=[p.pk for p in people],
        organisation_ids=[o.pk for o in organisations],
        book_person_ids=[viewer_card.pk] + [p.pk for p in people[: len(users)]],
        kinds=[k.code for k in kinds],
        communes=communes,
        themes=[t.slug for t in themes],
        seconds=seconds,
    )


def _contact_value(kind: str, rng: random.Random, key: str) -> str:
    if kind == "email":
        return f"{key}@exemple.test"
    if kind == "website":
        return f"https://{key}.exemple.test/"
    prefix = "06" if kind == "mobile" else "05"
    return " ".join([prefix, *(str(rng.randrange(10, 99)) for _ in range(4))])


def index_everything() -> tuple[int, float]:
    """Every card into the search backend, in batches of 1,000 (entries, seconds)."""
    from directory.indexing import iter_all_entries
    from extranet.search import get_backend

    backend = get_backend()
    started = time.perf_counter()
    batch: list[Any] = []
    count = 0
    for entry in iter_all_entries():
        batch.append(entry)
        if len(batch) == 1000:
            backend.index(batch)
            count += len(batch)
            batch = []
    if batch:
        backend.index(batch)
        count += len(batch)
    return count, time.perf_counter() - started


# --- Pages -------------------------------------------------------------------------------------


@dataclass
class QueryType:
    label: str
    urls: list[str]
    timings_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def query_text(self) -> str:
        return query_range(self.queries)


def measure(client: Any, types: list[QueryType], *, warmup: int, iterations: int) -> None:
    """Query counts over the first URLs of each type, then timings in interleaved rounds (one
    request of each type per round, the URL cycling through the type's list)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for query_type in types:
        try:
            for url in query_type.urls[:5]:
                get_ok(client, url)
                with CaptureQueriesContext(connection) as captured:
                    get_ok(client, url)
                query_type.queries.append(len(captured.captured_queries))
        except Exception:
            query_type.error = traceback.format_exc()
    live = [t for t in types if not t.error]
    for round_ in range(warmup + iterations):
        for query_type in live:
            url = query_type.urls[round_ % len(query_type.urls)]
            started = time.perf_counter()
            client.get(url)
            if round_ >= warmup:
                query_type.timings_ms.append((time.perf_counter() - started) * 1000)


def page_types(data: Data, rng: random.Random) -> list[QueryType]:
    from directory.models import Person

    surnames = rng.sample(sorted(set(Person.objects.values_list("last_name", flat=True))), 30)
    commune_words = [c.split("-")[0] for c in rng.sample(data.communes, 30)]
    themes = rng.sample(data.themes, 20)
    kinds = data.kinds
    communes = rng.sample(data.communes, 30)
    people = rng.sample(data.person_ids, 60)
    organisations = rng.sample(data.organisation_ids, 60)
    base = "/annuaire"
    last_people_page = (len(data.person_ids) + 24) // 25
    return [
        QueryType("home", [f"{base}/"]),
        QueryType("search: name", [f"{base}/recherche/?q={name}" for name in surnames]),
        QueryType("search: commune", [f"{base}/recherche/?q={word}" for word in commune_words]),
        QueryType("people: text", [f"{base}/personnes/?q={name}" for name in surnames]),
        QueryType("organisations: kind", [f"{base}/organisations/?type={k}" for k in kinds]),
        QueryType("people: kind", [f"{base}/personnes/?type={k}" for k in kinds]),
        QueryType(
            "organisations: commune", [f"{base}/organisations/?commune={c}" for c in communes]
        ),
        QueryType("people: commune", [f"{base}/personnes/?commune={c}" for c in communes]),
        QueryType("organisations: theme", [f"{base}/organisations/?theme={t}" for t in themes]),
        QueryType("people: theme", [f"{base}/personnes/?theme={t}" for t in themes]),
        QueryType(
            "people: page N",
            [f"{base}/personnes/?page={rng.randrange(1, last_people_page + 1)}" for _ in range(30)],
        ),
        QueryType("person card", [f"{base}/personnes/{pk}/" for pk in people]),
        QueryType("organisation card", [f"{base}/organisations/{pk}/" for pk in organisations]),
        QueryType("person vCard", [f"{base}/personnes/{pk}/vcard/" for pk in people]),
    ]


def query_counts_across_pages(client: Any, data: Data) -> list[tuple[str, list[tuple[str, int]]]]:
    """SQL statements of the list pages at several page numbers, and of the list selectors at
    several page sizes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from directory import selectors
    from directory.visibility import Viewer

    def count(action: Callable[[], Any]) -> int:
        action()  # caches (kinds, choices) warmed like any later request
        with CaptureQueriesContext(connection) as captured:
            action()
        return len(captured.captured_queries)

    people_pages = (len(data.person_ids) + 24) // 25
    organisation_pages = (len(data.organisation_ids) + 24) // 25
    rows: list[tuple[str, list[tuple[str, int]]]] = []
    rows.append(
        (
            "people list page",
            [
                (f"page {n}", count(lambda n=n: get_ok(client, f"/annuaire/personnes/?page={n}")))
                for n in (1, 10, people_pages // 2, people_pages)
            ],
        )
    )
    rows.append(
        (
            "organisations list page",
            [
                (
                    f"page {n}",
                    count(lambda n=n: get_ok(client, f"/annuaire/organisations/?page={n}")),
                )
                for n in (1, 10, organisation_pages)
            ],
        )
    )
    # the most frequent first name: many pages of search results
    from django.db.models import Count

    from directory.models import Person

    common = (
        Person.objects.values("first_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "first_name")
        .first()
    )
    name, matches = (common["first_name"], common["n"]) if common else ("Jeanne", 0)
    last = max(1, (matches + 24) // 25)
    rows.append(
        (
            f"people text search page (q={name})",
            [
                (
                    f"page {n}",
                    count(lambda n=n: get_ok(client, f"/annuaire/personnes/?q={name}&page={n}")),
                )
                for n in sorted({1, 2, max(1, last // 2), last})
            ],
        )
    )
    viewer = Viewer.of(data.viewer)
    filters = selectors.Filters()
    text = selectors.Filters(text="Jeanne")
    for label, call in (
        ("people_page() size", lambda size: selectors.people_page(viewer, filters, 3, size)),
        (
            "organisations_page() size",
            lambda size: selectors.organisations_page(viewer, filters, 3, size),
        ),
        ("people_page(text) size", lambda size: selectors.people_page(viewer, text, 1, size)),
    ):
        rows.append(
            (
                label,
                [
                    (str(size), count(lambda size=size, call=call: call(size)))
                    for size in (10, 25, 100)
                ],
            )
        )
    return rows


# --- CardDAV -----------------------------------------------------------------------------------


def timed_ms(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


PROPFIND_ETAGS = (
    '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>'
    "<d:getetag/><d:resourcetype/></d:prop></d:propfind>"
)


def sync_body(token: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:">'
        f"<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>"
        "<d:prop><d:getetag/></d:prop></d:sync-collection>"
    )


def multiget_body(hrefs: Iterable[str]) -> str:
    items = "".join(f"<d:href>{href}</d:href>" for href in hrefs)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<cr:addressbook-multiget xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">'
        f"<d:prop><d:getetag/><cr:address-data/></d:prop>{items}</cr:addressbook-multiget>"
    )


class DavClient:
    def __init__(self, base: str, book_path: str, auth: tuple[str, str]) -> None:
        from bench.dav import new_session

        self.base = base
        self.book_path = book_path
        self.session = new_session(auth)

    def request(self, method: str, path: str, body: str, headers: dict[str, str]) -> Any:
        response = self.session.request(
            method,
            self.base + path,
            data=body.encode(),
            headers={**XML, **headers},
            timeout=DAV_TIMEOUT,
        )
        if response.status_code != 207:
            raise RuntimeError(
                f"{method} {path} → HTTP {response.status_code}: "
                f"{(response.content or b'')[:300].decode(errors='replace')}"
            )
        return ElementTree.fromstring(response.content)  # noqa: S314 (our own server)

    def etags(self) -> dict[str, str]:
        tree = self.request("PROPFIND", self.book_path, PROPFIND_ETAGS, {"Depth": "1"})
        return {
            href: etag
            for response in tree.findall("d:response", NS)
            if (href := response.findtext("d:href", namespaces=NS) or "").endswith(".vcf")
            and (etag := response.findtext(".//d:getetag", namespaces=NS)) is not None
        }

    def sync(self, token: str) -> tuple[str, list[str]]:
        tree = self.request("REPORT", self.book_path, sync_body(token), {"Depth": "1"})
        hrefs = [
            response.findtext("d:href", namespaces=NS) or ""
            for response in tree.findall("d:response", NS)
        ]
        return tree.findtext("d:sync-token", namespaces=NS) or "", [h for h in hrefs if h]

    def multiget(self, hrefs: list[str]) -> dict[str, str]:
        if not hrefs:
            return {}
        tree = self.request("REPORT", self.book_path, multiget_body(hrefs), {"Depth": "1"})
        return {
            response.findtext("d:href", namespaces=NS) or "": response.findtext(
                ".//cr:address-data", namespaces=NS
            )
            or ""
            for response in tree.findall("d:response", NS)
        }


def start_daphne(var_dir: Path) -> Any:
    from bench.dav import Server, free_port

    port = free_port()
    daphne = Path(sys.executable).parent / "daphne"
    server = Server(
        name="maillage",
        command=[str(daphne), "-b", HOST, "-p", str(port), "extranet.asgi:application"],
        port=port,
        collection_path="/dav/",
        log=var_dir / "daphne.log",
        env=dict(os.environ),
    )
    server.start()
    return server


def change_one_card(person_id: int, n: int) -> None:
    from directory.models import ContactPoint

    ContactPoint.objects.filter(person_id=person_id).delete()
    ContactPoint.objects.create(
        person_id=person_id, kind="phone", value=f"05 49 00 00 {n:02d}", audience="spaces"
    )


def run_vdirsyncer(config: Path, *args: str) -> float:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["HOME"] = str(config.parent)
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (our own command line)
        [str(Path(sys.executable).with_name("vdirsyncer")), "-c", str(config), *args],
        input="y\n" * 5,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"vdirsyncer {' '.join(args)}:\n{result.stdout}{result.stderr}")
    return (time.perf_counter() - started) * 1000


def carddav_part(args: argparse.Namespace, data: Data, var_dir: Path, servers: list[Any]) -> None:
    from calendars.dav.paths import address_book_link_name
    from calendars.services.app_passwords import create_app_password
    from calendars.services.space_calendars import sync_user_links
    from directory import carddav

    space = data.space
    reps = args.dir_sync_reps
    print(f"CardDAV — the address book of a space of {len(data.book_person_ids)} members")
    build_ms, cards = timed_ms(lambda: carddav.space_address_book_cards(space))
    size_kb = sum(len(text.encode()) for text in cards.values()) / 1024
    print(
        f"  vCards built (query + visibility + vCard text): {build_ms:.0f} ms for "
        f"{len(cards)} cards, {size_kb:.0f} KB"
    )
    first_ms, _ = timed_ms(lambda: carddav.refresh_space_address_book(space.pk))
    same = [timed_ms(lambda: carddav.refresh_space_address_book(space.pk))[0] for _ in range(reps)]
    changed = []
    for n in range(reps):
        change_one_card(data.book_person_ids[1], n)
        changed.append(
            timed_ms(lambda: carddav.refresh_address_books_for_people([data.book_person_ids[1]]))[0]
        )
    print(f"  refresh_space_address_book, new book (every card written): {first_ms:.0f} ms")
    print(
        f"  refresh, nothing changed: p50 {percentile(same, 50):.0f} ms; after one card changed "
        f"(refresh_address_books_for_people, as the task does): p50 "
        f"{percentile(changed, 50):.0f} ms (n={reps})"
    )

    _, secret = create_app_password(user=data.viewer, name="bench annuaire")
    sync_user_links(data.viewer)
    server = start_daphne(var_dir)
    servers.append(server)
    book_path = f"/dav/{data.viewer.email}/{address_book_link_name(space.slug)}/"
    client = DavClient(server.base, book_path, (data.viewer.email, secret))
    client.etags()  # warm-up: imports, caches
    client.sync("")

    timings: dict[str, list[float]] = {}

    def add(key: str, ms: float) -> None:
        timings.setdefault(key, []).append(ms)

    count = 0
    for _ in range(reps):
        ms_list, etags = timed_ms(client.etags)
        ms_get, texts = timed_ms(lambda etags=etags: client.multiget(sorted(etags)))
        add("full: PROPFIND depth 1 (ETags)", ms_list)
        add("full: multiget of every card", ms_get)
        add("full sync, PROPFIND + multiget", ms_list + ms_get)
        count = len(texts)
        ms_sync, (token, hrefs) = timed_ms(lambda: client.sync(""))
        ms_get, _ = timed_ms(lambda hrefs=hrefs: client.multiget(sorted(hrefs)))
        add("full: sync-collection (no token)", ms_sync)
        add("full sync, sync-collection + multiget", ms_sync + ms_get)
    if count != len(data.book_person_ids):
        raise RuntimeError(f"the client got {count} cards, not {len(data.book_person_ids)}")
    etags = client.etags()
    _, (token, _) = timed_ms(lambda: client.sync(""))
    changes = set()
    for n in range(reps):
        change_one_card(data.book_person_ids[2], 50 + n)
        carddav.refresh_address_books_for_people([data.book_person_ids[2]])
        ms_sync, (token, hrefs) = timed_ms(lambda token=token: client.sync(token))
        ms_get, _ = timed_ms(lambda hrefs=hrefs: client.multiget(hrefs))
        add("one change: sync-collection (token) + multiget", ms_sync + ms_get)
        changes.add(len(hrefs))
        ms_list, new_etags = timed_ms(client.etags)
        diff = [href for href, etag in new_etags.items() if etags.get(href) != etag]
        ms_get, _ = timed_ms(lambda diff=diff: client.multiget(diff))
        add("one change: PROPFIND + multiget of the changed", ms_list + ms_get)
        changes.add(len(diff))
        etags = new_etags
    print(
        f"  Over HTTP through /dav/ (Daphne, app password), {reps} times each; the client "
        f"received {count} cards per full sync, {sorted(changes)} per incremental one:"
    )
    header = f"  {'request':<48} | {'p50 ms':>7} | {'p95 ms':>7}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for key, values in timings.items():
        print(f"  {key:<48} | {percentile(values, 50):>7.0f} | {percentile(values, 95):>7.0f}")

    # The real client, given only /dav/ and the app password.
    local = var_dir / "contacts"
    local.mkdir()
    config = var_dir / "vdirsyncer.conf"
    config.write_text(
        "\n".join(
            [
                "[general]",
                f'status_path = "{var_dir / "vdirsyncer-status"}"',
                "[pair annuaire]",
                'a = "serveur"',
                'b = "local"',
                'collections = ["from a"]',
                "[storage serveur]",
                'type = "carddav"',
                f'url = "{server.base}/dav/"',
                f'username = "{data.viewer.email}"',
                f'password = "{secret}"',
                "read_only = true",
                "[storage local]",
                'type = "filesystem"',
                f'path = "{local}"',
                'fileext = ".vcf"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    discover_ms = run_vdirsyncer(config, "discover", "annuaire")
    full_ms = run_vdirsyncer(config, "sync", "annuaire")
    files = len(list(local.rglob("*.vcf")))
    idle_ms = run_vdirsyncer(config, "sync", "annuaire")
    change_one_card(data.book_person_ids[3], 99)
    carddav.refresh_address_books_for_people([data.book_person_ids[3]])
    one_ms = run_vdirsyncer(config, "sync", "annuaire")
    print(
        f"  vdirsyncer 0.21 (wall time of the command, Python start-up included, about 0.5 s): "
        f"discover {discover_ms:.0f} ms, first sync {full_ms:.0f} ms ({files} .vcf files), "
        f"sync with nothing changed {idle_ms:.0f} ms, after one change {one_ms:.0f} ms"
    )
    print()


# --- Set-up and main ---------------------------------------------------------------------------


def bootstrap(var_dir: Path) -> None:
    """Django on a throw-away SQLite database, production-like (DEBUG off) for Daphne too."""
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(var_dir / "static"),
        # Nothing runs behind the benchmark's back: it calls the refreshes itself.
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "SEARCH_BACKEND": "whoosh",
        "LOG_LEVEL": "WARNING",
        "RADICALE_LOG_LEVEL": "warning",
    }
    for name in ("CALDAV_URL", "RADICALE_STORAGE_DIR", "REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    setup_django(str(var_dir), env=env, migrate=True)

    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # manifest storage, DEBUG off


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = parse_args(argv)
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="maillage-bench-directory-"))
    servers: list[Any] = []
    status = 0
    try:
        status = run(args, var_dir, servers)
    except Exception:
        traceback.print_exc()
        for server in servers:
            print(f"\n--- last lines of {server.name}'s log ---\n{server.log_tail()}")
        status = 1
    finally:
        for server in servers:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up)
            pass
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"Load average at the end: {load_average()}")
    print(f"Total: {time.perf_counter() - started:.0f} s")
    return status


def run(args: argparse.Namespace, var_dir: Path, servers: list[Any]) -> int:
    import django
    from django.conf import settings
    from django.test import Client

    setup_started = time.perf_counter()
    bootstrap(var_dir)
    (Path(settings.RADICALE_STORAGE_DIR) / "collection-root").mkdir(parents=True, exist_ok=True)
    setup_seconds = time.perf_counter() - setup_started
    data = generate(args)
    indexed, index_seconds = index_everything()

    print("Maillage bench — directory search and lists, SQL per page, a space address book")
    storage = getattr(settings, "RADICALE_STORAGE", "file")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, SQLite, Whoosh, "
        f"Radicale storage {storage!r}, {os.cpu_count()} CPU(s); load average at start: "
        f"{load_average()}"
    )
    print(
        f"Set-up {setup_seconds:.0f} s; data (bulk_create): {len(data.organisation_ids)} "
        f"organisations in {data.seconds['organisations']:.1f} s, {len(data.person_ids)} people "
        f"(functions, themes, contact points) in {data.seconds['people']:.1f} s, "
        f"{len(data.book_person_ids)} book members in {data.seconds['book members']:.1f} s; "
        f"{indexed} search entries indexed in {index_seconds:.1f} s"
    )
    print()

    client = Client()
    client.force_login(data.viewer)
    rng = random.Random(SEED + 1)  # noqa: S311
    types = page_types(data, rng)
    measure(client, types, warmup=args.dir_warmup, iterations=args.dir_iterations)
    print(
        f"Pages, as a signed-in member ({args.dir_warmup} warm-up + {args.dir_iterations} timed "
        "requests per type, interleaved; the URL varies within a type; test client, DEBUG off)"
    )
    header = f"{'query type':<24} | {'URLs':>4} | {'queries':>7} | {'p50 ms':>7} | {'p95 ms':>7}"
    print(header)
    print("-" * len(header))
    failed = [t for t in types if t.error]
    for t in types:
        if t.error:
            print(f"{t.label:<24} | {len(t.urls):>4} | {'FAILED':>7} | {'-':>7} | {'-':>7}")
            continue
        print(
            f"{t.label:<24} | {len(t.urls):>4} | {t.query_text:>7} | "
            f"{percentile(t.timings_ms, 50):>7.1f} | {percentile(t.timings_ms, 95):>7.1f}"
        )
    print()

    print("SQL queries per request across pages and page sizes (must not grow):")
    for label, counts in query_counts_across_pages(client, data):
        spread = max(c for _, c in counts) - min(c for _, c in counts)
        if spread == 0:
            verdict = "flat"
        elif spread <= 2:
            # a prefetch or a lookup with nothing to fetch (no account among the page's people,
            # an empty last page) skips its query
            verdict = f"flat within {spread} (skipped empty lookups)"
        else:
            verdict = "NOT flat"
        series = ", ".join(f"{name}: {c}" for name, c in counts)
        print(f"  {label:<28} {series} -> {verdict}")
    print()

    carddav_part(args, data, var_dir, servers)

    for t in failed:
        print(f"FAILED: {t.label}\n{t.error.rstrip()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
