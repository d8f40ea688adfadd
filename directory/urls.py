from django.urls import include, path

from directory.views import browse, cards, editing

app_name = "directory"

urlpatterns = [
    path("", browse.home, name="home"),
    path("recherche/", browse.search, name="search"),
    path("ma-fiche/", editing.my_card, name="my_card"),
    # People
    path("personnes/", browse.people, name="people"),
    path("personnes/nouvelle/", editing.person_create, name="person_create"),
    path("personnes/<int:pk>/", cards.person, name="person"),
    path("personnes/<int:pk>/imprimer/", cards.person_print, name="person_print"),
    path("personnes/<int:pk>/vcard/", cards.person_vcard, name="person_vcard"),
    path("personnes/<int:pk>/photo/", cards.person_photo, name="person_photo"),
    path("personnes/<int:pk>/modifier/", editing.person_edit, name="person_edit"),
    path("personnes/<int:pk>/photo/envoyer/", editing.person_picture, name="person_picture"),
    path(
        "personnes/<int:pk>/verifier/",
        editing.verify,
        {"kind": "person"},
        name="person_verify",
    ),
    path(
        "personnes/<int:pk>/portail/",
        editing.portal_intent,
        {"kind": "person"},
        name="person_portal",
    ),
    # Organisations
    path("organisations/", browse.organisations, name="organisations"),
    path("organisations/nouvelle/", editing.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", cards.organisation, name="organisation"),
    path(
        "organisations/<int:pk>/imprimer/",
        cards.organisation_print,
        name="organisation_print",
    ),
    path("organisations/<int:pk>/vcard/", cards.organisation_vcard, name="organisation_vcard"),
    path("organisations/<int:pk>/logo/", cards.organisation_logo, name="organisation_logo"),
    path("organisations/<int:pk>/modifier/", editing.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/logo/envoyer/",
        editing.organisation_picture,
        name="organisation_picture",
    ),
    path(
        "organisations/<int:pk>/verifier/",
        editing.verify,
        {"kind": "organisation"},
        name="organisation_verify",
    ),
    path(
        "organisations/<int:pk>/portail/",
        editing.portal_intent,
        {"kind": "organisation"},
        name="organisation_portal",
    ),
    # Engineer C's pages: the CSV import and the editors' list of cards to verify.
    path("import/", include("directory.import_urls")),
    path("a-verifier/", include("directory.freshness_urls")),
]
