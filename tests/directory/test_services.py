"""Writing directory cards: who may, what is stored, what is refused (in French), what is
audited, and that a refused write changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from directory.models import (
    Audience,
    ContactKind,
    ContactPoint,
    Function,
    Organisation,
    OrganisationKind,
    Person,
    PortalIntent,
)
from directory.services import cards as services
from directory.services.cards import ContactInput, FunctionInput, InvalidImage
from extranet.models import AuditEvent
from extranet.roles import Role
from extranet.services.memberships import add_member
from tests.conftest import make_user
from tests.directory.sample_cards import build, directory_editor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.DIRECTORY_MEDIA_DIR = tmp_path / "directory"


@pytest.fixture
def sample(member):
    return build(member)


def update_args(person: Person, **overrides):
    args = {
        "person": person,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "commune": person.commune,
        "languages": person.languages,
        "bio": person.bio,
        "themes": list(person.themes.all()),
        "audiences": {},
        "contacts": [
            ContactInput(c.kind, c.value, c.audience, c.label) for c in person.contacts.all()
        ],
        "functions": [FunctionInput(f.organisation_id, f.title) for f in person.functions.all()],
    }
    args.update(overrides)
    return args


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


# --- A user's own card -------------------------------------------------------------------------


def test_first_membership_gives_a_card_with_the_account_email_for_space_members(space):
    user = make_user("ines.petit@brioux.test", "Inès Petit")
    assert not Person.objects.filter(user=user).exists()
    add_member(space=space, user=user, role=Role.MEMBER)
    person = Person.objects.get(user=user)
    assert (person.first_name, person.last_name) == ("Inès", "Petit")
    (contact,) = person.contacts.all()
    assert (contact.kind, contact.value, contact.audience) == (
        ContactKind.EMAIL,
        "ines.petit@brioux.test",
        Audience.SPACES,
    )


def test_ensure_person_for_user_is_idempotent(member):
    first = services.ensure_person_for_user(user=member)
    second = services.ensure_person_for_user(user=member)
    assert first.pk == second.pk
    assert Person.objects.filter(user=member).count() == 1


def test_owner_updates_their_card_and_it_counts_as_verified(sample, member):
    long_ago = timezone.now() - timezone.timedelta(days=500)
    Person.objects.filter(pk=sample.jeanne.pk).update(
        last_verified_at=long_ago, stale_reminded_at=long_ago
    )
    person = Person.objects.get(pk=sample.jeanne.pk)
    services.update_person(
        actor=member,
        **update_args(
            person,
            bio="Nouvelle présentation",
            audiences={"commune": Audience.PRIVATE},
            contacts=[ContactInput(ContactKind.PHONE, "0549078000", Audience.TERRITORY)],
        ),
    )
    person.refresh_from_db()
    assert person.bio == "Nouvelle présentation"
    assert person.audience_of("commune") == Audience.PRIVATE
    assert [c.value for c in person.contacts.all()] == ["05 49 07 80 00"]
    assert person.last_verified_at > long_ago
    assert person.last_verified_by == member
    assert person.stale_reminded_at is None
    assert audit_actions()[-1] == "directory.person_updated"


@pytest.mark.parametrize("who", ["outsider", "space_admin", "staff"])
def test_others_cannot_update_a_card(sample, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.update_person(actor=actor, **update_args(sample.jeanne, bio="Piraté"))
    assert Person.objects.get(pk=sample.jeanne.pk).bio != "Piraté"


def test_directory_editor_updates_any_card(sample):
    services.update_person(actor=sample.editor, **update_args(sample.jeanne, bio="Relue"))
    assert Person.objects.get(pk=sample.jeanne.pk).bio == "Relue"


def test_a_bad_contact_changes_nothing(sample, member):
    before = list(sample.jeanne.contacts.values_list("value", flat=True))
    with pytest.raises(ValidationError) as raised:
        services.update_person(
            actor=member,
            **update_args(
                sample.jeanne,
                last_name="Changé",
                contacts=[
                    ContactInput(ContactKind.PHONE, "05 49 00 00 01", Audience.SPACES),
                    ContactInput(ContactKind.EMAIL, "pas-une-adresse", Audience.SPACES),
                ],
            ),
        )
    assert "adresse e-mail valide" in str(raised.value)
    person = Person.objects.get(pk=sample.jeanne.pk)
    assert person.last_name == "Martin"
    assert list(person.contacts.values_list("value", flat=True)) == before


def test_functions_are_replaced_and_deduplicated(sample, member):
    services.update_person(
        actor=member,
        **update_args(
            sample.jeanne,
            functions=[
                FunctionInput(sample.ot.pk, "Bénévole"),
                FunctionInput(sample.ot.pk, "  Bénévole "),
                FunctionInput(sample.mairie.pk, "Secrétaire de mairie"),
            ],
        ),
    )
    assert list(
        Function.objects.filter(person=sample.jeanne).values_list("organisation_id", "title")
    ) == [(sample.ot.pk, "Bénévole"), (sample.mairie.pk, "Secrétaire de mairie")]


def test_unknown_audience_is_refused(sample, member):
    with pytest.raises(ValidationError):
        services.update_person(
            actor=member, **update_args(sample.jeanne, audiences={"commune": "everyone"})
        )


# --- Contact values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0549123456", "05 49 12 34 56"),
        ("05.49.12.34.56", "05 49 12 34 56"),
        ("+33 5 49 12 34 56", "+33 5 49 12 34 56"),
        ("+33549123456", "+33 5 49 12 34 56"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_phone_numbers_are_written_the_french_way(typed, stored):
    assert services.normalise_phone(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("05 49 12 34", "Ce numéro a 8 chiffres"),
        ("appelez-moi", "numéro de téléphone valide"),
        ("05 49 12 34 56 78", "Ce numéro a 12 chiffres"),
    ],
)
def test_bad_phone_numbers_are_explained(typed, message):
    with pytest.raises(ValidationError) as raised:
        services.normalise_phone(typed)
    assert message in raised.value.messages[0]


def test_websites_get_a_scheme_and_only_web_ones_pass():
    assert services.normalise_website("www.brioux.fr") == "https://www.brioux.fr"
    with pytest.raises(ValidationError):
        services.normalise_website("javascript:alert(1)")


# --- New cards (directory editors) -------------------------------------------------------------


def test_editor_creates_a_person_linked_to_an_account(sample):
    account = make_user("lucie.fabre@brioux.test", "Lucie Fabre")
    person = services.create_person(
        actor=sample.editor,
        first_name="Lucie",
        last_name="Fabre",
        account=account,
        functions=[FunctionInput(sample.mairie.pk, "Adjointe au maire")],
    )
    assert person.user == account
    assert person.functions.get().organisation == sample.mairie
    assert audit_actions()[-1] == "directory.person_created"


def test_an_account_has_one_card(sample, member):
    with pytest.raises(ValidationError):
        services.create_person(
            actor=sample.editor, first_name="Autre", last_name="Fiche", account=member
        )


@pytest.mark.parametrize("who", ["member", "staff"])
def test_only_directory_editors_create_cards(sample, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.create_person(actor=actor, first_name="X", last_name="Y")
    with pytest.raises(PermissionDenied):
        services.create_organisation(
            actor=actor, kind=OrganisationKind.objects.first(), name="Mairie pirate"
        )


# --- Organisations -----------------------------------------------------------------------------


def org_args(organisation: Organisation, **overrides):
    args = {
        "organisation": organisation,
        "kind": organisation.kind,
        "name": organisation.name,
        "parent": organisation.parent,
        "commune": organisation.commune,
        "postal_code": organisation.postal_code,
        "address": organisation.address,
        "latitude": organisation.latitude,
        "longitude": organisation.longitude,
        "website": organisation.website,
        "opening_hours": organisation.opening_hours,
        "description": organisation.description,
        "themes": list(organisation.themes.all()),
        "audiences": {},
        "contacts": [],
    }
    args.update(overrides)
    return args


def test_managers_edit_their_organisation_but_not_who_manages_it(sample, outsider):
    sample.mairie.managers.add(outsider)
    services.update_organisation(
        actor=outsider, **org_args(sample.mairie, opening_hours="Fermé le lundi")
    )
    assert Organisation.objects.get(pk=sample.mairie.pk).opening_hours == "Fermé le lundi"
    with pytest.raises(PermissionDenied):
        services.update_organisation(actor=outsider, **org_args(sample.mairie), managers=[])
    with pytest.raises(PermissionDenied):
        services.update_organisation(actor=outsider, **org_args(sample.mairie), spaces=[])


def test_non_managers_cannot_edit_an_organisation(sample, member, staff):
    for actor in (member, staff):
        with pytest.raises(PermissionDenied):
            services.update_organisation(actor=actor, **org_args(sample.mairie, name="Piraté"))


def test_editor_sets_managers_and_network_spaces(sample, outsider, space):
    services.update_organisation(
        actor=sample.editor, **org_args(sample.mairie), managers=[outsider], spaces=[space]
    )
    assert list(sample.mairie.managers.all()) == [outsider]
    assert list(sample.mairie.spaces.all()) == [space]
    assert audit_actions()[-1] == "directory.organisation_updated"


def test_an_organisation_cannot_depend_on_itself(sample):
    services.update_organisation(actor=sample.editor, **org_args(sample.ot, parent=sample.mairie))
    with pytest.raises(ValidationError):
        services.update_organisation(
            actor=sample.editor, **org_args(sample.mairie, parent=sample.ot)
        )


def test_latitude_without_longitude_is_refused(sample):
    with pytest.raises(ValidationError):
        services.update_organisation(
            actor=sample.editor, **org_args(sample.mairie, latitude="46.1", longitude=None)
        )


# --- Verification and the portal wish ----------------------------------------------------------


def test_verifying_a_card_makes_it_fresh(sample, member):
    long_ago = timezone.now() - timezone.timedelta(days=800)
    Person.objects.filter(pk=sample.jeanne.pk).update(
        last_verified_at=long_ago, stale_reminded_at=long_ago
    )
    services.verify_card(actor=member, card=Person.objects.get(pk=sample.jeanne.pk))
    person = Person.objects.get(pk=sample.jeanne.pk)
    assert person.last_verified_at > long_ago
    assert person.stale_reminded_at is None
    assert audit_actions()[-1] == "directory.card_verified"


def test_only_owners_and_editors_verify(sample, outsider):
    with pytest.raises(PermissionDenied):
        services.verify_card(actor=outsider, card=sample.jeanne)
    with pytest.raises(PermissionDenied):
        services.verify_card(actor=outsider, card=sample.mairie)
    services.verify_card(actor=sample.editor, card=sample.mairie)


def test_portal_intent_is_stored_and_audited(sample, member):
    services.set_portal_intent(actor=member, card=sample.jeanne, intent=PortalIntent.REDUCED)
    person = Person.objects.get(pk=sample.jeanne.pk)
    assert person.portal_intent == PortalIntent.REDUCED
    assert person.portal_intent_at is not None
    event = AuditEvent.objects.filter(action="directory.portal_intent_changed").get()
    assert event.details["intent"] == PortalIntent.REDUCED
    with pytest.raises(ValidationError):
        services.set_portal_intent(actor=member, card=sample.jeanne, intent="everything")
    with pytest.raises(PermissionDenied):
        services.set_portal_intent(
            actor=make_user("x@y.test"), card=sample.jeanne, intent=PortalIntent.FULL
        )


# --- Pictures ----------------------------------------------------------------------------------


def image_bytes(fmt: str = "PNG", size=(40, 30), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, "#0b5e4a")
    if exif is not None:
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TelephoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (46.0, 8.0, 30.0)}  # GPS IFD
    return exif.tobytes()


def test_photo_is_stored_reencoded_without_metadata(sample, member):
    upload = ContentFile(image_bytes("JPEG", exif=gps_exif()), name="moi.jpg")
    person = services.set_person_photo(
        actor=member, person=sample.jeanne, upload=upload, audience=Audience.SPACES
    )
    assert person.photo.name.startswith("person/")
    assert "moi" not in person.photo.name
    with person.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
    assert person.audience_of("photo") == Audience.SPACES
    assert audit_actions()[-1] == "directory.person_photo_changed"


def test_big_pictures_are_made_smaller(sample, member):
    upload = ContentFile(image_bytes("PNG", size=(3000, 2000)), name="grand.png")
    person = services.set_person_photo(actor=member, person=sample.jeanne, upload=upload)
    with person.photo.open("rb") as stored, Image.open(stored) as image:
        assert max(image.size) == services.MAX_IMAGE_SIDE


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (b"GIF89a<script>alert(1)</script>", "photo.gif"),
        (b"%PDF-1.7 not a picture", "photo.jpg"),
    ],
)
def test_things_that_are_not_pictures_are_refused(sample, member, content, name):
    with pytest.raises(InvalidImage):
        services.set_person_photo(
            actor=member, person=sample.jeanne, upload=ContentFile(content, name=name)
        )
    assert not Person.objects.get(pk=sample.jeanne.pk).photo


def test_pictures_over_the_size_limit_are_refused(sample, member, settings):
    settings.DIRECTORY_MAX_IMAGE_MB = 1
    big = image_bytes("PNG") + b"\0" * (1024 * 1024)
    with pytest.raises(InvalidImage) as raised:
        services.set_person_photo(
            actor=member, person=sample.jeanne, upload=ContentFile(big, name="x.png")
        )
    assert "1 Mo" in str(raised.value)


def test_removing_a_photo_deletes_the_file_after_commit(
    sample, member, django_capture_on_commit_callbacks
):
    upload = ContentFile(image_bytes(), name="a.png")
    person = services.set_person_photo(actor=member, person=sample.jeanne, upload=upload)
    name, storage = person.photo.name, person.photo.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.set_person_photo(actor=member, person=person, upload=None)
    assert not Person.objects.get(pk=person.pk).photo
    assert not storage.exists(name)


def test_others_cannot_change_a_photo(sample, outsider):
    with pytest.raises(PermissionDenied):
        services.set_person_photo(
            actor=outsider, person=sample.jeanne, upload=ContentFile(image_bytes(), name="a.png")
        )


def test_manager_changes_the_logo(sample, outsider):
    sample.mairie.managers.add(outsider)
    organisation = services.set_organisation_logo(
        actor=outsider, organisation=sample.mairie, upload=ContentFile(image_bytes(), name="l.png")
    )
    assert organisation.logo
    assert audit_actions()[-1] == "directory.organisation_logo_changed"


def test_contact_points_are_owned_by_their_card(sample):
    assert ContactPoint.objects.filter(person=sample.jeanne, organisation__isnull=True).count() == 4
    assert directory_editor("autre@maillage.test").has_perm("directory.edit_directory")
