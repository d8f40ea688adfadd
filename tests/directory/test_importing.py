"""CSV bulk onboarding: the dry-run report, the all-or-nothing import, re-runs, encodings,
permissions and the job page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.models import (
    Audience,
    ContactKind,
    ContactPoint,
    Function,
    ImportJob,
    ImportKind,
    ImportStatus,
    Organisation,
    OrganisationKind,
    Person,
    Theme,
)
from directory.services import importing
from extranet.models import AuditEvent
from tests.conftest import make_user

EDITORS_GROUP = "Rédaction de l'annuaire"


@pytest.fixture
def directory_editor(db):
    user = make_user("redaction@annuaire.test", "Rita Rédaction")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def changed(monkeypatch):
    """What the import hands to ``cards_changed`` (search index, address books)."""
    calls = []
    monkeypatch.setattr(
        importing,
        "cards_changed",
        lambda **kwargs: calls.append({k: sorted(v) for k, v in kwargs.items()}),
    )
    return calls


@pytest.fixture
def run(directory_editor, django_capture_on_commit_callbacks):
    """Upload a file as the directory editor and let the background check run."""

    def upload(text, kind=ImportKind.ORGANISATIONS, *, encoding="utf-8", name="fichier.csv"):
        data = text.encode(encoding) if isinstance(text, str) else text
        with django_capture_on_commit_callbacks(execute=True):
            job = importing.create_import_job(
                actor=directory_editor,
                kind=kind,
                upload=SimpleUploadedFile(name, data, content_type="text/csv"),
                language="fr",
            )
        job.refresh_from_db()
        return job

    return upload


@pytest.fixture
def apply(directory_editor, django_capture_on_commit_callbacks):
    def run_import(job):
        with django_capture_on_commit_callbacks(execute=True):
            importing.request_import(actor=directory_editor, job=job)
        job.refresh_from_db()
        return job

    return run_import


def problems_of(job):
    return {(p["row"], p["column"], p["message"], p["value"]) for p in job.report["problems"]}


def snapshot():
    return (
        list(Organisation.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        Theme.objects.count(),
        Function.objects.count(),
        ContactPoint.objects.count(),
    )


ORGS_HEADER = (
    "type;nom;commune;code_postal;adresse;latitude;longitude;telephones;emails;site_web;"
    "horaires;themes;organisation_parente;visibilite_telephones\n"
)
CLEAN_ORGS = ORGS_HEADER + (
    "Intercommunalité;Communauté de communes du Mellois;Melle;79500;2 place Bujault;"
    "46.2226;-0.1428;05 49 27 09 60;contact@mellois.exemple.fr;www.mellois.exemple.fr;;"
    "Vie locale;;\n"
    "commune;Mairie de Brioux;Brioux-sur-Boutonne;79170;1 place de la Mairie;46,1415;-0,2178;"
    '"0549075002 ; 06 12 34 56 78";mairie@brioux.exemple.fr;;Lundi 9 h–12 h;'
    '"Vie locale ; État civil";Communauté de communes du Mellois;public\n'
    "Office de tourisme;Office de tourisme du Mellois;Melle;;;;;;;;;Tourisme;"
    "communaute de communes du mellois;\n"
)


# --- The dry run ---------------------------------------------------------------------------------


def test_dry_run_reports_each_problem_with_row_column_and_value(run):
    existing = Organisation.objects.create(
        kind=OrganisationKind.objects.get(code="commune"), name="Mairie de Melle", commune="Melle"
    )
    before = snapshot()
    text = ORGS_HEADER + (
        # 2: clean
        "commune;Mairie de Chef-Boutonne;Chef-Boutonne;79110;;;;;;;;;;\n"
        # 3: unknown kind, invalid e-mail
        "Boulangerie;Fournil du Pays;Melle;;;;;;pas-une-adresse;;;;;\n"
        # 4: invalid phone, URL, latitude; unknown audience
        "commune;Mairie de Sauzé;Sauzé-Vaussais;791;;123;-0.1;abc;;htp:/x;;;;tout le monde\n"
        # 5: parent unknown
        "association;Foyer rural;Melle;;;;;;;;;;Comité des fêtes inconnu;\n"
        # 6: parent defined below (row 7)
        "association;Club des aînés;Melle;;;;;;;;;;Amicale laïque;\n"
        # 7: fine
        "association;Amicale laïque;Melle;;;;;;;;;;Mairie de Melle;\n"
        # 8: duplicate of row 2 (case and accents differ)
        "Commune;MAIRIE DE CHEF-BOUTONNE;chef-boutonne;;;;;;;;;;;\n"
        # 9: name too long, missing latitude for the given longitude
        f"commune;{'x' * 201};Melle;;;;-0.2;;;;;;;\n"
        # 10: name missing
        "commune;;Melle;;;;;;;;;;;\n"
    )
    job = run(text)

    assert job.status == ImportStatus.INVALID
    found = problems_of(job)
    kinds = ", ".join(OrganisationKind.objects.values_list("name", flat=True))
    assert (
        3,
        "type",
        f"Type d'organisation inconnu. Types possibles : {kinds}.",
        "Boulangerie",
    ) in found
    by_cell = {(row, column): (message, value) for row, column, message, value in found}
    assert by_cell[(3, "emails")][1] == "pas-une-adresse"
    assert "adresse e-mail valide" in by_cell[(3, "emails")][0]
    assert by_cell[(4, "telephones")][1] == "abc"
    assert by_cell[(4, "site_web")][1] == "htp:/x"
    assert by_cell[(4, "latitude")] == (
        "Nombre entre -90 et 90 attendu (degrés décimaux, ex. 46.1415).",
        "123",
    )
    assert by_cell[(4, "code_postal")] == ("Code postal invalide : 5 chiffres attendus.", "791")
    assert by_cell[(4, "visibilite_telephones")][1] == "tout le monde"
    assert by_cell[(5, "organisation_parente")] == (
        "Organisation parente inconnue : ajoutez-la à l'annuaire ou plus haut dans ce fichier.",
        "Comité des fêtes inconnu",
    )
    assert by_cell[(6, "organisation_parente")][0].startswith(
        "Organisation parente définie plus bas (ligne 7)"
    )
    assert by_cell[(8, "")] == (
        "Ligne en double : même type, nom et commune que la ligne 2.",
        "",
    )
    assert by_cell[(9, "nom")] == ("Trop long : 201 caractères, 200 au plus.", "x" * 200)
    assert by_cell[(9, "latitude")][0] == "Donnez aussi la latitude."
    assert by_cell[(10, "nom")] == ("Valeur obligatoire.", "")
    # Rows 2 and 7 are fine (row 7's parent exists in the directory).
    assert not {row for row, *_rest in found} & {2, 7}
    # Problems come in spreadsheet order, with the column letter.
    rows = [p["row"] for p in job.report["problems"]]
    assert rows == sorted(rows)
    assert {p["letter"] for p in job.report["problems"] if p["column"] == "emails"} == {"I"}
    # Nothing was written, and the file is not kept.
    assert snapshot() == before
    assert existing.children.count() == 0
    assert job.content == ""
    assert job.rows_total == job.rows_done == 9


def test_missing_and_unknown_columns_are_file_errors(run):
    job = run("nom;commune;telefone\nMairie de Melle;Melle;05 49 00 00 00\n")
    assert job.status == ImportStatus.INVALID
    errors = job.report["file_errors"]
    assert any("« type » absente" in e for e in errors)
    assert any("Colonne C « telefone » inconnue" in e for e in errors)
    assert job.report["problems"] == []
    assert not Organisation.objects.exists()


def test_too_many_rows_is_a_file_error(run, settings):
    settings.DIRECTORY_IMPORT_MAX_ROWS = 2
    rows = "".join(f"commune;Mairie {i};Melle\n" for i in range(3))
    job = run("type;nom;commune\n" + rows)
    assert job.status == ImportStatus.INVALID
    assert job.report["file_errors"] == [
        "Le fichier compte 3 lignes ; la limite est de 2 : découpez-le."
    ]


def test_too_big_and_unreadable_files_are_refused_at_once(run, settings):
    settings.DIRECTORY_IMPORT_MAX_MB = 1
    with pytest.raises(importing.ImportFileError, match="dépasse 1 Mo"):
        run("type;nom\n" + "commune;Mairie\n" * 80_000)
    with pytest.raises(importing.ImportFileError, match="classeur"):
        run(b"PK\x03\x04 an xlsx file")
    assert not ImportJob.objects.exists()


# --- Importing -----------------------------------------------------------------------------------


def test_nothing_changes_until_a_clean_file_is_imported(run, apply, changed, directory_editor):
    job = run(CLEAN_ORGS)

    assert job.status == ImportStatus.READY, job.report["problems"]
    assert job.report["summary"] == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert job.report["new_themes"] == ["État civil", "Tourisme", "Vie locale"]
    assert not Organisation.objects.exists()
    assert not Theme.objects.exists()

    job = apply(job)

    assert job.status == ImportStatus.DONE, job.report
    assert job.report["result"] == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert job.content == ""
    cc = Organisation.objects.get(name="Communauté de communes du Mellois")
    mairie = Organisation.objects.get(name="Mairie de Brioux")
    office = Organisation.objects.get(name="Office de tourisme du Mellois")
    assert mairie.parent == cc and office.parent == cc  # parent defined earlier in the file
    assert mairie.kind.code == "commune" and office.kind.code == "office-tourisme"
    assert (mairie.latitude, mairie.longitude) == (Decimal("46.141500"), Decimal("-0.217800"))
    assert cc.website == "https://www.mellois.exemple.fr"
    assert mairie.opening_hours == "Lundi 9 h–12 h"
    assert sorted(t.name for t in mairie.themes.all()) == ["Vie locale", "État civil"]
    phones = {(c.kind, c.value, c.audience) for c in mairie.contacts.all()}
    assert phones == {
        (ContactKind.PHONE, "05 49 07 50 02", Audience.PUBLIC),
        (ContactKind.PHONE, "06 12 34 56 78", Audience.PUBLIC),
        (ContactKind.EMAIL, "mairie@brioux.exemple.fr", Audience.TERRITORY),
    }
    assert mairie.last_verified_by == directory_editor
    audit = AuditEvent.objects.get(action="directory.csv_imported")
    assert audit.actor == directory_editor
    assert audit.details == {
        "job": job.pk,
        "kind": "organisations",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    assert changed == [
        {"organisation_ids": sorted([cc.pk, mairie.pk, office.pk]), "person_ids": []}
    ]


def test_running_a_file_again_creates_nothing_twice(run, apply, changed):
    apply(run(CLEAN_ORGS))
    before = snapshot()
    contacts = sorted(
        ContactPoint.objects.values_list("organisation_id", "kind", "value", "audience")
    )

    again = run(CLEAN_ORGS.replace("Mairie de Brioux", "MAIRIE DE BRIOUX"))
    assert again.report["summary"] == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    again = apply(again)

    assert again.report["result"]["unchanged"] == 3
    assert snapshot() == before
    assert (
        sorted(ContactPoint.objects.values_list("organisation_id", "kind", "value", "audience"))
        == contacts
    )
    assert changed[-1] == {"organisation_ids": [], "person_ids": []}


def test_a_row_completes_the_card_it_matches(run, apply):
    apply(run(CLEAN_ORGS))
    mairie = Organisation.objects.get(name="Mairie de Brioux")
    text = (
        "type;nom;commune;telephones;emails;horaires;visibilite_emails\n"
        "Commune;mairie de brioux;BRIOUX-SUR-BOUTONNE;05 49 07 50 02;"
        "secretariat@brioux.exemple.fr;Mardi 14 h–17 h;prive\n"
    )
    job = run(text)
    assert job.report["summary"] == {"rows": 1, "created": 0, "updated": 1, "unchanged": 0}
    apply(job)

    mairie.refresh_from_db()
    assert Organisation.objects.count() == 3
    assert mairie.opening_hours == "Mardi 14 h–17 h"
    assert mairie.address == "1 place de la Mairie"  # an absent column changes nothing
    emails = {c.value: c.audience for c in mairie.contacts.filter(kind=ContactKind.EMAIL)}
    assert emails == {
        "mairie@brioux.exemple.fr": Audience.TERRITORY,
        "secretariat@brioux.exemple.fr": Audience.PRIVATE,
    }
    assert mairie.contacts.filter(kind=ContactKind.PHONE).count() == 2


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [
        ("utf-8", ";", False),
        ("utf-8", ";", True),
        ("utf-8", ",", False),
        ("cp1252", ";", False),
        ("cp1252", "\t", False),
        ("utf-16", "\t", False),
    ],
    ids=["utf8", "utf8-bom", "utf8-comma", "windows-1252", "windows-1252-tab", "utf16-tab"],
)
def test_encodings_delimiters_and_header_spelling(run, apply, encoding, delimiter, bom):
    rows = [
        ["Type", "Nom", "Commune", "Code Postal", "Téléphone(s)", "E-mail", "Thèmes"],
        [
            "Crèche",
            "Crèche « Les Câlins »",
            "Saint-Léger-de-la-Martinière",
            "79500",
            "05 49 29 15 10",
            "calins@creche.exemple.fr",
            "Petite enfance; Santé",
        ],
        ["ESPACE PUBLIC NUMERIQUE", "Espace numérique, médiathèque", "Melle", "79500", "", "", ""],
    ]
    lines = []
    for cells in rows:
        quoted = [f'"{c}"' if delimiter in c or "," in c else c for c in cells]
        lines.append(delimiter.join(quoted))
    text = "\r\n".join(lines) + "\r\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)

    job = run(data)

    assert job.status == ImportStatus.READY, job.report["problems"]
    assert job.report["delimiter"] == delimiter
    apply(job)
    creche = Organisation.objects.get(commune="Saint-Léger-de-la-Martinière")
    assert creche.name == "Crèche « Les Câlins »"
    assert creche.kind.code == "creche"
    assert creche.contacts.get(kind=ContactKind.PHONE).value == "05 49 29 15 10"
    assert sorted(t.name for t in creche.themes.all()) == ["Petite enfance", "Santé"]
    assert Organisation.objects.get(commune="Melle").kind.code == "espace-numerique"


def test_an_error_while_writing_rolls_everything_back(run, apply, changed, monkeypatch):
    job = run(CLEAN_ORGS)
    assert job.status == ImportStatus.READY
    real = importing._write_organisation

    def failing(row, org, context, outcome):
        if row.row == 4:
            raise RuntimeError("disk full")
        return real(row, org, context, outcome)

    monkeypatch.setattr(importing, "_write_organisation", failing)
    monkeypatch.setattr(importing, "CHUNK", 1)  # rows 2 and 3 are written before row 4 fails
    job = apply(job)

    assert job.status == ImportStatus.FAILED
    assert job.report["error"] == (
        "Erreur inattendue à la ligne 4 (RuntimeError) : rien n'a été importé."
    )
    assert not Organisation.objects.exists()  # rows 2 and 3 were written, then rolled back
    assert not Theme.objects.exists()
    assert not AuditEvent.objects.filter(action="directory.csv_imported").exists()
    assert changed == []


def test_a_job_is_imported_once_and_only_when_clean(run, apply, directory_editor):
    bad = run("type;nom\nInconnu;Quelque chose\n")
    with pytest.raises(importing.ImportNotReady):
        importing.request_import(actor=directory_editor, job=bad)
    done = apply(run(CLEAN_ORGS))
    with pytest.raises(importing.ImportNotReady):
        importing.request_import(actor=directory_editor, job=done)
    assert Organisation.objects.count() == 3


def test_the_directory_changing_after_the_check_blocks_the_import(run, apply):
    apply(run(CLEAN_ORGS))
    job = run(
        "type;nom;commune;organisation_parente\n"
        "association;Foyer rural;Melle;Office de tourisme du Mellois\n"
    )
    assert job.status == ImportStatus.READY
    Organisation.objects.filter(name="Office de tourisme du Mellois").delete()

    job = apply(job)

    assert job.status == ImportStatus.INVALID
    assert job.report["changed_since_check"] is True
    assert job.report["problems"][0]["column"] == "organisation_parente"
    assert not Organisation.objects.filter(name="Foyer rural").exists()


def test_an_existing_card_gets_a_parent_created_above_it(run, apply):
    kind = OrganisationKind.objects.get(code="association")
    foyer = Organisation.objects.create(kind=kind, name="Foyer rural", commune="Melle")
    job = run(
        "type;nom;commune;organisation_parente\n"
        "association;Comité des fêtes;Melle;\n"
        "association;Foyer rural;Melle;Comité des fêtes\n"
    )
    assert job.report["summary"] == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0}
    apply(job)
    foyer.refresh_from_db()
    assert foyer.parent.name == "Comité des fêtes"


def test_parents_by_name_commune_and_without_cycles(run):
    kind = OrganisationKind.objects.get(code="commune")
    melle = Organisation.objects.create(kind=kind, name="Mairie", commune="Melle")
    Organisation.objects.create(kind=kind, name="Mairie", commune="Brioux")
    school = Organisation.objects.create(
        kind=OrganisationKind.objects.get(code="ecole"), name="École", commune="Melle", parent=melle
    )
    job = run(
        "type;nom;commune;organisation_parente\n"
        "association;Foyer;Melle;Mairie\n"
        "association;Amicale;Melle;Mairie (melle)\n"
        "commune;Mairie;Melle;École (Melle)\n"
    )
    found = {(r, c): m for r, c, m, _v in problems_of(job)}
    assert found == {
        (2, "organisation_parente"): (
            "Plusieurs organisations portent ce nom : précisez la commune, « Nom (Commune) »."
        ),
        (4, "organisation_parente"): (
            "Une organisation ne peut pas dépendre d'elle-même, même indirectement."
        ),
    }
    assert school.parent == melle


# --- People ------------------------------------------------------------------------------------

PEOPLE_HEADER = "prenom;nom;email_compte;fonctions;telephone;portable;email;langues;themes\n"


@pytest.fixture
def organisations(run, apply):
    apply(run(CLEAN_ORGS))


def test_people_rows_are_checked_against_organisations_and_accounts(run, organisations):
    text = PEOPLE_HEADER + (
        "Jeanne;Martin;;Secrétaire de mairie @ Mairie de Brioux;;;;;\n"
        "Paul;Durand;;Président @ Mairie inconnue;;;;;\n"
        "Léa;Petit;;Animatrice;;;;;\n"
        "Jeanne;MARTIN;;Adjointe @ mairie de brioux;;;;;\n"
        ";Sans-Prénom;;;;;;;\n"
        "Karim;Benali;pas-un-email;;;06 00;;;\n"
        "Nina;Roux;nina.roux@ailleurs.test;;;;;;\n"
    )
    job = run(text, ImportKind.PEOPLE)

    assert job.status == ImportStatus.INVALID
    found = {(r, c): (m, v) for r, c, m, v in problems_of(job)}
    assert found[(3, "fonctions")] == (
        "Organisation inconnue « Mairie inconnue » : importez d'abord les organisations "
        "(ou corrigez le nom).",
        "Président @ Mairie inconnue",
    )
    assert found[(4, "fonctions")][0].startswith("Format attendu : « Titre @ Organisation »")
    assert found[(5, "")] == (
        "Ligne en double : même nom et même organisation que la ligne 2.",
        "",
    )
    assert found[(6, "prenom")] == ("Valeur obligatoire.", "")
    assert found[(7, "email_compte")] == ("Adresse e-mail invalide.", "pas-un-email")
    assert found[(7, "portable")][1] == "06 00"
    # An unknown account is not an error: the card is created without one.
    assert job.report["notes"] == [
        {
            "row": 8,
            "column": "email_compte",
            "letter": "C",
            "message": "Aucun compte n'a cette adresse : la fiche sera créée sans compte.",
            "value": "nina.roux@ailleurs.test",
        }
    ]
    assert not Person.objects.filter(last_name="Roux").exists()


def test_people_import_links_accounts_and_does_not_duplicate(
    run, apply, organisations, changed, member
):
    own_card = Person.objects.get(user=member)  # created with the member's first membership
    text = PEOPLE_HEADER + (
        'Jeanne;Martin;;"Secrétaire de mairie @ Mairie de Brioux ; '
        'Chargée de mission @ Communauté de communes du Mellois";05 49 07 50 02;;'
        "jeanne.martin@brioux.exemple.fr;français, occitan;État civil\n"
        f"Marie;Membre;{member.email.upper()};Conseillère @ Office de tourisme du Mellois;;"
        "06 11 22 33 44;;;Tourisme\n"
    )
    job = run(text, ImportKind.PEOPLE)
    assert job.report["summary"] == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0}
    apply(job)

    jeanne = Person.objects.get(last_name="Martin")
    assert jeanne.user is None
    assert [(f.title, f.organisation.name) for f in jeanne.functions.all()] == [
        ("Secrétaire de mairie", "Mairie de Brioux"),
        ("Chargée de mission", "Communauté de communes du Mellois"),
    ]
    assert jeanne.languages == "français, occitan"
    assert {(c.kind, c.value, c.audience) for c in jeanne.contacts.all()} == {
        (ContactKind.PHONE, "05 49 07 50 02", Audience.SPACES),
        (ContactKind.EMAIL, "jeanne.martin@brioux.exemple.fr", Audience.SPACES),
    }
    own_card.refresh_from_db()
    assert Person.objects.filter(user=member).count() == 1
    assert own_card.functions.get().title == "Conseillère"
    mobile = own_card.contacts.get(kind=ContactKind.MOBILE)
    assert (mobile.value, mobile.audience) == ("06 11 22 33 44", Audience.PRIVATE)
    assert sorted(changed[-1]["person_ids"]) == sorted([jeanne.pk, own_card.pk])

    count = Person.objects.count()
    # Same people again, found by name + organisation (Jeanne) and by account (Marie).
    again = run(text.replace("Jeanne;Martin", "JEANNE;martin"), ImportKind.PEOPLE)
    assert again.report["summary"] == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2}
    apply(again)
    assert Person.objects.count() == count
    assert Function.objects.filter(person=jeanne).count() == 2


def test_a_person_card_is_found_by_name_and_organisation(run, apply, organisations):
    apply(run(PEOPLE_HEADER + "Jeanne;Martin;;Maire @ Mairie de Brioux;;;;;\n", ImportKind.PEOPLE))
    jeanne = Person.objects.get(last_name="Martin")
    account = make_user("jeanne.martin@brioux.test", "Jeanne Martin")  # no card yet
    text = PEOPLE_HEADER + (
        # Same names, same organisation: Jeanne's card, now linked to her account.
        f"Jeanne;Martin;{account.email};Adjointe @ Mairie de Brioux;;;;;\n"
        # Same names in another organisation only: a namesake, hence a new card.
        "Jeanne;Martin;;Présidente @ Office de tourisme du Mellois;;;;;\n"
    )
    job = run(text, ImportKind.PEOPLE)
    assert job.report["summary"] == {"rows": 2, "created": 1, "updated": 1, "unchanged": 0}
    apply(job)

    jeanne.refresh_from_db()
    assert jeanne.user == account
    assert sorted(jeanne.functions.values_list("title", flat=True)) == ["Adjointe", "Maire"]
    namesake = Person.objects.exclude(pk=jeanne.pk).get(last_name="Martin")
    assert namesake.user is None
    assert namesake.functions.get().organisation.name == "Office de tourisme du Mellois"


# --- Pages and permissions ---------------------------------------------------------------------


def _urls(job):
    return [
        ("get", reverse("directory:import"), {}),
        ("post", reverse("directory:import"), {"kind": "organisations"}),
        ("get", reverse("directory:import_template", args=["organisations"]), {}),
        ("get", reverse("directory:import_template", args=["people"]), {}),
        ("get", reverse("directory:import_job", args=[job.pk]), {}),
        ("post", reverse("directory:import_apply", args=[job.pk]), {}),
        ("get", reverse("directory:stale_cards"), {}),
    ]


@pytest.mark.parametrize("who", ["member", "space_admin", "outsider", "staff"])
def test_import_and_freshness_pages_are_404_for_everyone_but_directory_editors(
    client, run, who, request
):
    job = run(CLEAN_ORGS)
    user = request.getfixturevalue(who)
    client.force_login(user)
    for method, url, data in _urls(job):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, f"{method} {url}"
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert ImportJob.objects.count() == 1


def test_anonymous_visitors_are_sent_to_the_login_page(client, run):
    job = run(CLEAN_ORGS)
    for method, url, data in _urls(job):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_templates_document_and_download(client, directory_editor):
    client.force_login(directory_editor)
    page = client.get(reverse("directory:import")).content.decode()
    for column in ("organisation_parente", "visibilite_telephones", "email_compte", "fonctions"):
        assert f"<code>{column}</code>" in page
    assert "Office de tourisme (<code>office-tourisme</code>)" in page

    response = client.get(reverse("directory:import_template", args=["people"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="modele-people.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffprenom;nom;email_compte;fonctions;")
    assert "Secrétaire de mairie @ Mairie de Brioux-sur-Boutonne" in text


@pytest.mark.parametrize("kind", [ImportKind.ORGANISATIONS, ImportKind.PEOPLE])
def test_the_templates_pass_their_own_check(run, apply, kind):
    if kind == ImportKind.PEOPLE:
        apply(run(importing.template_csv(ImportKind.ORGANISATIONS)))
    job = run(importing.template_csv(kind), kind)
    assert job.status == ImportStatus.READY, job.report["problems"]
    assert job.report["summary"]["created"] == 2


def test_upload_check_and_import_through_the_pages(
    client, directory_editor, django_capture_on_commit_callbacks
):
    client.force_login(directory_editor)
    upload = SimpleUploadedFile("annuaire.csv", CLEAN_ORGS.encode("cp1252"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("directory:import"), {"kind": "organisations", "file": upload}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()

    page = client.get(job.get_absolute_url()).content.decode()
    assert "Vérification terminée : aucun problème" in page
    assert "3 fiches seront créées" in page
    assert "windows-1252" in page and "point-virgule" in page
    assert 'http-equiv="refresh"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("directory:import_apply", args=[job.pk]))
    assert response.status_code == 302
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Import terminé" in page and "3 fiches créées" in page
    assert Organisation.objects.count() == 3


def test_a_bad_file_is_reported_on_the_page(client, directory_editor, run):
    job = run("type;nom;emails\ncommune;Mairie de Melle;mairie@melle\n")
    client.force_login(directory_editor)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "1 problème à corriger" in page
    assert '<th scope="row">2</th>' in page
    assert "C (emails)" in page
    assert "<code>mairie@melle</code>" in page
    assert "Importer maintenant" not in page
    assert client.post(reverse("directory:import_apply", args=[job.pk])).status_code == 302
    assert not Organisation.objects.exists()


def test_an_unreadable_upload_shows_a_form_error(client, directory_editor):
    client.force_login(directory_editor)
    upload = SimpleUploadedFile("classeur.xlsx", b"PK\x03\x04...")
    response = client.post(reverse("directory:import"), {"kind": "people", "file": upload})
    assert response.status_code == 400
    assert "enregistrez-le au format CSV" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_job_page_shows_progress_and_refreshes_itself_while_running(client, directory_editor):
    job = ImportJob.objects.create(
        kind=ImportKind.PEOPLE,
        filename="agents.csv",
        status=ImportStatus.CHECKING,
        rows_total=1200,
        rows_done=300,
        created_by=directory_editor,
    )
    client.force_login(directory_editor)
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "300 lignes sur 1200" in page
    assert (
        '<progress max="1200" value="300" aria-labelledby="progress-label">25 %</progress>' in page
    )

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, rows_done=1200)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Étape 2 sur 2, écriture dans l'annuaire (en une seule fois) :" in page
    assert "en cours</p>" in page
    assert 'http-equiv="refresh"' in page
    # With a cache shared with the worker (Redis), the rows written so far are shown.
    cache.set(f"directory:import:{job.pk}:written", 600)
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress max="1200" value="600" aria-labelledby="progress-label">' in page

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, report={})
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "<progress" not in page
