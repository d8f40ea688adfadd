"""The directory's pages: who sees what on each of them, who may change what, forms that keep
what was typed and explain errors in French, pictures and vCards, constant query counts, any
card within three clicks of the directory home, a print view without navigation."""

from __future__ import annotations

import io
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from directory.models import Audience, ContactKind, Organisation, Person, PortalIntent
from directory.services import cards as services
from directory.services.cards import ContactInput, FunctionInput
from extranet.models import AuditEvent
from tests.conftest import make_user
from tests.directory.sample_cards import (
    ORG_SPACES_EMAIL,
    PRIVATE_EMAIL,
    PRIVATE_MOBILE,
    PUBLIC_PHONE,
    SPACES_PHONE,
    TERRITORY_EMAIL,
    build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.DIRECTORY_MEDIA_DIR = tmp_path / "directory"


@pytest.fixture
def sample(member, django_capture_on_commit_callbacks):
    # Commit callbacks run: the search index holds the cards, as after a real commit.
    with django_capture_on_commit_callbacks(execute=True):
        return build(member)


@pytest.fixture
def loner(db):
    """Signed in, in no space at all."""
    return make_user("seul@brioux.test", "Sébastien Seul")


# --- Who sees what -----------------------------------------------------------------------------

TERRITORY_ONLY = {TERRITORY_EMAIL}
WITH_SPACES = {TERRITORY_EMAIL, SPACES_PHONE}
EVERYTHING = {TERRITORY_EMAIL, SPACES_PHONE, PRIVATE_MOBILE, PRIVATE_EMAIL}
SECRETS = {SPACES_PHONE, PRIVATE_MOBILE, PRIVATE_EMAIL}

# viewer → what it sees of Jeanne's card (Jeanne is `member` of the space "elus")
MATRIX = {
    "loner": TERRITORY_ONLY,  # signed in, no space
    "outsider": TERRITORY_ONLY,  # in another space only
    "reader": WITH_SPACES,  # shares the space "elus" with Jeanne
    "member": EVERYTHING,  # Jeanne herself
    "directory_editor": EVERYTHING,
    "staff": TERRITORY_ONLY,  # site staff without the directory permission
}


def login_as(client, request, sample, who):
    user = sample.editor if who == "directory_editor" else request.getfixturevalue(who)
    client.force_login(user)
    return user


def shown(html: str) -> set[str]:
    return {value for value in EVERYTHING if value in html}


@pytest.mark.parametrize("who", list(MATRIX))
def test_person_card_page_shows_what_the_viewer_may_see(client, request, sample, who):
    login_as(client, request, sample, who)
    html = client.get(sample.jeanne.get_absolute_url()).content.decode()
    assert shown(html) == MATRIX[who]
    assert "Secrétaire de mairie" in html


@pytest.mark.parametrize("who", list(MATRIX))
def test_print_view_shows_the_same(client, request, sample, who):
    login_as(client, request, sample, who)
    html = client.get(reverse("directory:person_print", args=[sample.jeanne.pk])).content.decode()
    assert shown(html) == MATRIX[who]


@pytest.mark.parametrize("who", list(MATRIX))
def test_lists_and_organisation_pages_never_show_more(client, request, sample, who):
    login_as(client, request, sample, who)
    hidden = SECRETS - MATRIX[who]
    for url in (
        reverse("directory:people"),
        reverse("directory:people") + "?q=Martin",
        reverse("directory:search") + "?q=Martin",
        sample.mairie.get_absolute_url(),
        reverse("directory:organisation_print", args=[sample.mairie.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Jeanne Martin" in html, url
        assert not hidden & shown(html), url


def test_anonymous_visitors_are_sent_to_log_in(client, sample):
    urls = [
        reverse("directory:home"),
        reverse("directory:people"),
        reverse("directory:organisations"),
        reverse("directory:search") + "?q=Martin",
        reverse("directory:my_card"),
        sample.jeanne.get_absolute_url(),
        sample.mairie.get_absolute_url(),
        reverse("directory:person_print", args=[sample.jeanne.pk]),
        reverse("directory:person_vcard", args=[sample.jeanne.pk]),
        reverse("directory:person_photo", args=[sample.jeanne.pk]),
        reverse("directory:organisation_logo", args=[sample.mairie.pk]),
        reverse("directory:person_edit", args=[sample.jeanne.pk]),
        reverse("directory:organisation_edit", args=[sample.mairie.pk]),
        reverse("directory:person_portal", args=[sample.jeanne.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    response = client.post(reverse("directory:person_verify", args=[sample.jeanne.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_organisation_spaces_fields_follow_its_network(client, sample, reader, space):
    client.force_login(reader)
    url = sample.mairie.get_absolute_url()
    html = client.get(url).content.decode()
    assert PUBLIC_PHONE in html
    assert ORG_SPACES_EMAIL not in html
    sample.mairie.spaces.add(space)
    assert ORG_SPACES_EMAIL in client.get(url).content.decode()


def test_owner_sees_who_sees_each_contact(client, sample, member, outsider):
    client.force_login(member)
    assert "visible par : Moi et les rédacteurs de l&#x27;annuaire" in (
        client.get(sample.jeanne.get_absolute_url()).content.decode()
    )
    client.force_login(outsider)
    assert "visible par" not in client.get(sample.jeanne.get_absolute_url()).content.decode()


def test_missing_cards_answer_404(client, outsider, sample):
    client.force_login(outsider)
    assert client.get(reverse("directory:person", args=[999_999])).status_code == 404
    assert client.get(reverse("directory:organisation", args=[999_999])).status_code == 404


# --- Who may change what -----------------------------------------------------------------------


EDIT_MATRIX = {
    "member": 200,  # her own card
    "directory_editor": 200,
    "outsider": 403,
    "space_admin": 403,
    "staff": 403,
}


@pytest.mark.parametrize(("who", "status"), list(EDIT_MATRIX.items()))
def test_person_edit_page(client, request, sample, who, status):
    login_as(client, request, sample, who)
    assert client.get(reverse("directory:person_edit", args=[sample.jeanne.pk])).status_code == (
        status
    )
    response = client.post(reverse("directory:person_verify", args=[sample.jeanne.pk]))
    assert response.status_code == (302 if status == 200 else 403)


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("directory_editor", 200), ("member", 403), ("staff", 403)],
)
def test_organisation_edit_page(client, request, sample, outsider, who, status):
    sample.mairie.managers.add(outsider)
    if who == "manager":
        client.force_login(outsider)
    else:
        login_as(client, request, sample, who)
    url = reverse("directory:organisation_edit", args=[sample.mairie.pk])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [("directory_editor", 200), ("member", 403), ("staff", 403)]
)
def test_creating_cards_is_for_directory_editors(client, request, sample, who, status):
    login_as(client, request, sample, who)
    assert client.get(reverse("directory:person_create")).status_code == status
    assert client.get(reverse("directory:organisation_create")).status_code == status
    home = client.get(reverse("directory:home")).content.decode()
    assert (reverse("directory:person_create") in home) == (status == 200)


def test_staff_with_the_permission_is_an_editor(client, sample, staff):
    staff.user_permissions.add(Permission.objects.get(codename="edit_directory"))
    client.force_login(staff)
    assert client.get(reverse("directory:person_create")).status_code == 200
    html = client.get(sample.jeanne.get_absolute_url()).content.decode()
    assert PRIVATE_EMAIL in html


def person_post(person: Person, **overrides) -> dict[str, str]:
    """The edit form as a browser would send it, with the card's current values."""
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "commune": person.commune,
        "commune_audience": person.audience_of("commune"),
        "languages": person.languages,
        "languages_audience": person.audience_of("languages"),
        "bio": person.bio,
        "bio_audience": person.audience_of("bio"),
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "functions-TOTAL_FORMS": "0",
        "functions-INITIAL_FORMS": "0",
    }
    for index, contact in enumerate(person.contacts.all()):
        data.update(
            {
                f"contacts-{index}-kind": contact.kind,
                f"contacts-{index}-label": contact.label,
                f"contacts-{index}-value": contact.value,
                f"contacts-{index}-audience": contact.audience,
            }
        )
        data["contacts-TOTAL_FORMS"] = str(index + 1)
    for index, function in enumerate(person.functions.all()):
        data.update(
            {
                f"functions-{index}-organisation": str(function.organisation_id),
                f"functions-{index}-title": function.title,
            }
        )
        data["functions-TOTAL_FORMS"] = str(index + 1)
    data.update(overrides)
    return data


def test_owner_saves_their_card(client, sample, member):
    client.force_login(member)
    url = reverse("directory:person_edit", args=[sample.jeanne.pk])
    data = person_post(
        sample.jeanne,
        bio="Joignable le matin.",
        **{
            "contacts-TOTAL_FORMS": "5",
            "contacts-4-kind": ContactKind.MOBILE,
            "contacts-4-value": "0612345678",
            "contacts-4-audience": Audience.SPACES,
            "contacts-0-DELETE": "on",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == sample.jeanne.get_absolute_url()
    person = Person.objects.get(pk=sample.jeanne.pk)
    assert person.bio == "Joignable le matin."
    values = list(person.contacts.values_list("value", flat=True))
    assert SPACES_PHONE not in values  # row 0 deleted
    assert values[-1] == "06 12 34 56 78"
    assert AuditEvent.objects.filter(action="directory.person_updated").exists()


def test_errors_are_explained_in_french_and_nothing_typed_is_lost(client, sample, member):
    client.force_login(member)
    url = reverse("directory:person_edit", args=[sample.jeanne.pk])
    data = person_post(
        sample.jeanne,
        last_name="",
        bio="Un texte que je ne veux pas retaper.",
        **{
            "contacts-0-value": "05 49 12",
            "contacts-1-kind": ContactKind.EMAIL,
            "contacts-1-value": "jeanne-at-brioux",
            "functions-TOTAL_FORMS": "2",
            "functions-1-title": "Trésorière",
            "functions-1-organisation": "",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Le formulaire n'est pas enregistré : 4 points à corriger" in html
    assert "Indiquez le nom de famille." in html
    assert "Ce numéro a 6 chiffres" in html
    assert "Saisissez une adresse e-mail valide" in html
    assert "Choisissez l'organisation où s'exerce la fonction." in html
    # what was typed is still there, errors included
    assert "Un texte que je ne veux pas retaper." in html
    assert 'value="05 49 12"' in html
    assert 'value="jeanne-at-brioux"' in html
    assert 'value="Trésorière"' in html
    # the summary links to the fields
    assert 'href="#id_last_name"' in html
    assert 'href="#id_contacts-0-value"' in html
    person = Person.objects.get(pk=sample.jeanne.pk)
    assert person.last_name == "Martin"
    assert person.bio == "Secrétaire de mairie depuis 2015."


def test_audiences_are_chosen_in_labelled_groups(client, sample, member):
    client.force_login(member)
    html = client.get(reverse("directory:person_edit", args=[sample.jeanne.pk])).content.decode()
    # one fieldset per contact point, one per audience choice, each with its legend
    assert len(re.findall(r"<legend>Coordonnée \d", html)) == 4 + 2  # 4 contacts, 2 empty rows
    assert html.count("<legend>Visible par") == 6
    assert '<label for="id_contacts-0-audience_0">Public (portail, après validation)</label>' in (
        html
    )


def test_editor_creates_an_organisation_then_a_person_in_it(client, sample):
    client.force_login(sample.editor)
    response = client.post(
        reverse("directory:organisation_create"),
        {
            "kind": str(sample.mairie.kind_id),
            "name": "Mairie de Chef-Boutonne",
            "commune": "Chef-Boutonne",
            "postal_code": "79110",
            "latitude": "46,108",
            "longitude": "-0,07",
            "website": "chef-boutonne.fr",
            **{
                f"{f}_audience": Audience.PUBLIC
                for f in ("address", "coordinates", "website", "opening_hours", "description")
            },
            "managers": "membre@elus.test",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-kind": ContactKind.PHONE,
            "contacts-0-value": "05 49 29 80 04",
            "contacts-0-audience": Audience.PUBLIC,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get(name="Mairie de Chef-Boutonne")
    assert organisation.website == "https://chef-boutonne.fr"
    assert str(organisation.latitude) == "46.108000"
    assert [m.email for m in organisation.managers.all()] == ["membre@elus.test"]
    response = client.post(
        reverse("directory:person_create"),
        {
            "first_name": "Gaston",
            "last_name": "Texier",
            "commune_audience": Audience.TERRITORY,
            "languages_audience": Audience.TERRITORY,
            "bio_audience": Audience.TERRITORY,
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "functions-TOTAL_FORMS": "1",
            "functions-INITIAL_FORMS": "0",
            "functions-0-organisation": str(organisation.pk),
            "functions-0-title": "Maire",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(last_name="Texier")
    assert person.user is None
    assert person.functions.get().organisation == organisation


def test_unknown_manager_email_is_explained(client, sample):
    client.force_login(sample.editor)
    url = reverse("directory:organisation_edit", args=[sample.mairie.pk])
    response = client.get(url)
    form = response.context["form"]
    data = {
        name: form[name].value() or "" for name in form.fields if name not in ("themes", "spaces")
    }
    data.update(
        {
            "kind": str(sample.mairie.kind_id),
            "managers": "inconnu@nulle-part.test",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Aucun compte actif pour : inconnu@nulle-part.test." in response.content.decode()


def test_my_card_creates_one_for_a_newcomer(client, loner):
    client.force_login(loner)
    page = client.get(reverse("directory:my_card"))
    assert page.status_code == 200
    assert "Créer ma fiche" in page.content.decode()
    response = client.post(reverse("directory:my_card"))
    person = Person.objects.get(user=loner)
    assert response["Location"] == reverse("directory:person_edit", args=[person.pk])
    assert client.get(reverse("directory:my_card"))["Location"] == person.get_absolute_url()


def test_verify_button_freshens_the_card(client, sample, member):
    long_ago = timezone.now() - timezone.timedelta(days=500)
    Person.objects.filter(pk=sample.jeanne.pk).update(last_verified_at=long_ago)
    client.force_login(member)
    html = client.get(sample.jeanne.get_absolute_url()).content.decode()
    assert "pas été vérifiée depuis le" in html
    assert "Je confirme que ma fiche est à jour" in html
    client.post(reverse("directory:person_verify", args=[sample.jeanne.pk]))
    assert Person.objects.get(pk=sample.jeanne.pk).last_verified_at > long_ago
    assert client.get(reverse("directory:person_verify", args=[sample.jeanne.pk])).status_code == (
        405
    )


def test_portal_intent_page(client, sample, member, outsider):
    url = reverse("directory:person_portal", args=[sample.jeanne.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(member)
    assert client.post(url, {"intent": "partout"}).status_code == 400
    assert client.post(url, {"intent": PortalIntent.REDUCED}).status_code == 302
    assert Person.objects.get(pk=sample.jeanne.pk).portal_intent == PortalIntent.REDUCED
    assert "Version réduite" in client.get(sample.jeanne.get_absolute_url()).content.decode()


# --- Pictures and vCards -----------------------------------------------------------------------


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 30), "#a4161a").save(out, format="PNG")
    return out.getvalue()


def test_photo_upload_and_serving_follow_its_audience(client, sample, member, reader, outsider):
    client.force_login(member)
    photo_url = reverse("directory:person_photo", args=[sample.jeanne.pk])
    assert client.get(photo_url).status_code == 404  # no photo yet
    upload = ContentFile(png(), name="portrait.png")
    response = client.post(
        reverse("directory:person_picture", args=[sample.jeanne.pk]),
        {"picture": upload, "audience": Audience.SPACES},
    )
    assert response.status_code == 302
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    client.force_login(reader)
    assert client.get(photo_url).status_code == 200
    assert photo_url in client.get(sample.jeanne.get_absolute_url()).content.decode()
    client.force_login(outsider)
    assert client.get(photo_url).status_code == 404
    assert photo_url not in client.get(sample.jeanne.get_absolute_url()).content.decode()


def test_a_fake_picture_is_refused_with_an_explanation(client, sample, member):
    client.force_login(member)
    response = client.post(
        reverse("directory:person_picture", args=[sample.jeanne.pk]),
        {"picture": ContentFile(b"<svg onload=alert(1)>", name="x.png"), "audience": "territory"},
    )
    assert response.status_code == 400
    assert "n&#x27;est pas une image JPEG, PNG, WebP ou GIF" in response.content.decode()
    assert not Person.objects.get(pk=sample.jeanne.pk).photo


def test_an_editor_sends_then_removes_a_logo(client, sample, member):
    logo_url = reverse("directory:organisation_logo", args=[sample.mairie.pk])
    picture_url = reverse("directory:organisation_picture", args=[sample.mairie.pk])
    edit_url = reverse("directory:organisation_edit", args=[sample.mairie.pk])

    client.force_login(member)  # not a manager of the mairie: nothing changes
    upload = ContentFile(png(), name="logo.png")
    assert client.post(picture_url, {"picture": upload, "audience": "public"}).status_code == 403
    assert not Organisation.objects.get(pk=sample.mairie.pk).logo

    client.force_login(sample.editor)
    upload = ContentFile(png(), name="logo.png")
    response = client.post(picture_url, {"picture": upload, "audience": "public"})
    assert response.status_code == 302 and response["Location"] == edit_url
    assert client.get(logo_url).status_code == 200
    response = client.post(picture_url, {"remove": "1"})
    assert response.status_code == 302 and response["Location"] == edit_url
    assert not Organisation.objects.get(pk=sample.mairie.pk).logo
    assert client.get(logo_url).status_code == 404


def test_vcard_download_holds_what_the_viewer_sees(client, sample, outsider, member):
    url = reverse("directory:person_vcard", args=[sample.jeanne.pk])
    client.force_login(outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    assert 'filename="jeanne-martin.vcf"' in response["Content-Disposition"]
    text = response.content.decode()
    assert "BEGIN:VCARD" in text
    assert TERRITORY_EMAIL in text
    assert PRIVATE_EMAIL not in text and "06 71 83 29 54" not in text
    client.force_login(member)
    assert PRIVATE_EMAIL in client.get(url).content.decode()
    response = client.get(reverse("directory:organisation_vcard", args=[sample.mairie.pk]))
    assert "Mairie de Brioux" in response.content.decode()


# --- Print view --------------------------------------------------------------------------------


def test_print_view_has_the_card_and_no_navigation(client, sample, reader):
    client.force_login(reader)
    for url in (
        reverse("directory:person_print", args=[sample.jeanne.pk]),
        reverse("directory:organisation_print", args=[sample.mairie.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<nav" not in html
        assert "site-header" not in html
        assert "Mes espaces" not in html
        assert "<form" not in html
        assert "print.css" in html
    html = client.get(reverse("directory:person_print", args=[sample.jeanne.pk])).content.decode()
    assert "<h1>Jeanne Martin</h1>" in html


def test_card_pages_have_a_print_stylesheet(client, sample, reader):
    client.force_login(reader)
    html = client.get(sample.jeanne.get_absolute_url()).content.decode()
    assert "directory/css/directory.css" in html
    assert reverse("directory:person_print", args=[sample.jeanne.pk]) in html


# --- Query counts ------------------------------------------------------------------------------


def add_people(sample, count: int) -> None:
    for index in range(count):
        services.create_person(
            actor=sample.editor,
            first_name=f"Agent{index}",
            last_name=f"Numéro{index:02d}",
            commune="Melle",
            contacts=[
                ContactInput(ContactKind.PHONE, f"05 49 00 00 {index:02d}", Audience.TERRITORY),
                ContactInput(ContactKind.EMAIL, f"agent{index}@melle.test", Audience.SPACES),
            ],
            functions=[
                FunctionInput(sample.ot.pk, "Agent d'accueil"),
                FunctionInput(sample.mairie.pk, "Agent technique"),
            ],
        )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


LIST_PAGES = [
    "directory:home",
    "directory:people",
    "directory:organisations",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_run_a_constant_number_of_queries(
    client, sample, reader, name, django_assert_max_num_queries
):
    client.force_login(reader)
    url = reverse(name)
    add_people(sample, 2)
    few = queries_for(client, url)
    add_people(sample, 20)
    with django_assert_max_num_queries(few):
        client.get(url)
    with django_assert_max_num_queries(25):
        client.get(url)


def test_card_pages_run_a_constant_number_of_queries(
    client, sample, reader, django_assert_max_num_queries
):
    client.force_login(reader)
    add_people(sample, 2)
    organisation = sample.mairie.get_absolute_url()
    person = sample.jeanne.get_absolute_url()
    few = queries_for(client, organisation)
    add_people(sample, 20)
    with django_assert_max_num_queries(few):
        client.get(organisation)
    with django_assert_max_num_queries(25):
        client.get(organisation)
    with django_assert_max_num_queries(15):
        client.get(person)


def test_filtered_lists_run_a_constant_number_of_queries(
    client, sample, reader, django_assert_max_num_queries
):
    client.force_login(reader)
    add_people(sample, 25)
    with django_assert_max_num_queries(25):
        html = client.get(reverse("directory:people") + "?commune=Melle&type=commune").content
    assert html.decode().count("<h3>") == 25  # one full page
    with django_assert_max_num_queries(25):
        client.get(reverse("directory:people") + "?q=accueil&page=2")


# --- Finding any card in three clicks ----------------------------------------------------------

SKIP = re.compile(
    r"/(modifier|imprimer|vcard|photo|logo|portail|verifier|nouvelle|import|a-verifier)/"
)


def links(html: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"#]+)"', html):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.path.startswith("/annuaire/") and not SKIP.search(parts.path):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def test_every_card_is_within_three_clicks_of_the_directory_home(client, sample, outsider):
    add_people(sample, 6)
    client.force_login(outsider)
    start = reverse("directory:home")
    depth = {start: 0}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if depth[url] == 3:
            continue
        html = client.get(url).content.decode()
        for target in links(html, url):
            if target not in depth:
                depth[target] = depth[url] + 1
                queue.append(target)
    cards = [p.get_absolute_url() for p in Person.objects.all()]
    cards += [o.get_absolute_url() for o in Organisation.objects.all()]
    assert [card for card in cards if card not in depth] == []


# --- Site administration -----------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    user = make_user("root@maillage.test", "Rémi Racine")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_staff_extend_the_kinds_of_organisation(client, superuser, sample):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:directory_organisationkind_add"),
        {"code": "tiers-lieu", "name": "Tiers-lieu", "name_en": "Third place", "position": 5},
    )
    assert response.status_code == 302
    client.force_login(sample.editor)
    html = client.get(reverse("directory:organisation_create")).content.decode()
    assert "Tiers-lieu" in html


def test_admin_lists_of_cards_show_no_contact_detail(client, superuser, sample):
    client.force_login(superuser)
    for url in (
        reverse("admin:directory_person_changelist"),
        reverse("admin:directory_person_change", args=[sample.jeanne.pk]),
        reverse("admin:directory_organisation_change", args=[sample.mairie.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in (SPACES_PHONE, PRIVATE_MOBILE, PRIVATE_EMAIL, ORG_SPACES_EMAIL):
            assert secret not in html, url
    assert client.get(reverse("admin:directory_person_add")).status_code == 403


def test_pages_speak_english_too(client, sample, reader, settings):
    client.force_login(reader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("directory:home")).content.decode()
    assert "Territory directory" in html
    assert "By kind of organisation" in html
    html = client.get(sample.jeanne.get_absolute_url()).content.decode()
    assert "Contact details" in html
    assert "Download the card (vCard)" in html
