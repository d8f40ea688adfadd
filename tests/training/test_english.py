"""The training pages in English: someone who picks English in the language menu reads the
catalogue, a course and the registration messages in English, with no French label left over
(the course's own content stays as its authors wrote it)."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

import training
from tests.conftest import make_user
from training.models import Registration, RegistrationStatus

CATALOGUE = "/formations/"
TRAINING_PO = Path(training.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"

# Labels a participant meets on these pages, as the French interface writes them.
FRENCH_LABELS = [
    "Catalogue des formations",
    "Ajouter le catalogue à mon agenda",
    "Mes inscriptions",
    "Version imprimable",
    "Par thème",
    "Par public",
    "Mots recherchés",
    "Filtrer",
    "Sessions à partir du",
    "Démarches en ligne",
    "places restantes",
    "S'inscrire",
    "Rejoindre la liste d'attente",
    "Prochaines sessions",
    "En bref",
    "Objectifs",
    "Prérequis",
    "Durée",
    "Proposée par",
    "Formateur",
    "Tous publics",
    "En présentiel",
    "Débutant",
]


@pytest.fixture
def english(client, member):
    """``member`` signed in, having chosen English in the language menu."""
    client.force_login(member)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.fixture
def open_and_full(course, make_session):
    """An open session with two free places and a full one (one place, taken)."""
    free = make_session(days=7, capacity=2)
    full = make_session(days=14, capacity=1)
    taker = make_user("assidue@elus.test", "Agathe Assidue")
    Registration.objects.create(
        session=full,
        user=taker,
        full_name=taker.full_name,
        email=taker.email,
        status=RegistrationStatus.CONFIRMED,
    )
    return free, full


def course_url(course) -> str:
    return reverse("training:course", args=[course.space.slug, course.slug])


def page_texts(response) -> set[str]:
    """The page's text nodes and labelling attributes, one string each, unescaped."""
    page = re.sub(r"(?s)<script.*?</script>|<style.*?</style>", "", response.text)
    attributes = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', page)
    nodes = re.sub(r"<[^>]+>", "\n", page).split("\n")
    return {html.unescape(t).strip() for t in [*nodes, *attributes]} - {""}


def training_msgids_translated_differently() -> set[str]:
    """Every French string of the training catalogue whose English differs from it (or is
    missing): any of them seen whole on an English page is a label left in French."""
    msgids: set[str] = set()
    entries = TRAINING_PO.read_text(encoding="utf-8").split("\n\n")
    for entry in entries:
        fields: dict[str, str] = {}
        key = ""
        for line in entry.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        msgid = fields.get("msgid", "")
        english = fields.get("msgstr", fields.get("msgstr[0]", ""))
        if msgid and english != msgid:
            msgids.add(msgid)
    return msgids


def test_english_catalogue(english, open_and_full):
    response = english.get(CATALOGUE)
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    texts = page_texts(response)
    for label in [
        "Training",
        "Training catalogue",
        "Add the catalogue to my calendar",
        "My registrations",
        "By theme",
        "Online public services",
        "Filter",
        "1 course",
    ]:
        assert label in texts, label
    assert "— 2 places left" in texts
    page = html.unescape(response.text)
    assert not [label for label in FRENCH_LABELS if label in page]


def test_english_course_page(english, course, open_and_full):
    response = english.get(course_url(course))
    assert response.status_code == 200
    texts = page_texts(response)
    for label in [
        "Next sessions",
        "Register",
        "Join the waiting list",
        "At a glance",
        "Objectives",
        "Duration",
        "Offered by",
        "Trainer",
        "In person",
    ]:
        assert label in texts, label
    page = html.unescape(response.text)
    assert not [label for label in FRENCH_LABELS if label in page]
    # What the course's authors wrote is not translated.
    assert "Réussir ses démarches en ligne" in texts


@pytest.mark.parametrize("page", ["catalogue", "course", "session"])
def test_no_training_string_left_in_french(english, course, open_and_full, page):
    free, _ = open_and_full
    url = {
        "catalogue": CATALOGUE,
        "course": course_url(course),
        "session": reverse("training:session", args=[free.pk]),
    }[page]
    left_in_french = page_texts(english.get(url)) & training_msgids_translated_differently()
    assert not left_in_french


def test_registering_in_english(english, open_and_full):
    free, full = open_and_full
    response = english.post(reverse("training:register", args=[free.pk]), follow=True)
    messages = " ".join(str(m) for m in response.context["messages"])
    assert messages.startswith("Registration confirmed for “Réussir ses démarches en ligne”.")
    assert "You are registered for this session." in page_texts(response)

    response = english.post(reverse("training:register", args=[full.pk]), follow=True)
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "is full: Marie Membre is on the waiting list (position 1)" in messages
    assert "You are on the waiting list for this session." in page_texts(response)
