"""The moderation pages (/publication/…) through the real URL conf: only general
administrators see them; preview, differences, edit-then-approve, reject, unpublish; editors'
"Mes propositions" and the brochure page's proposal button."""

# ruff: noqa: F811  (fixtures imported from workflow_fixtures / tests.calendars.conftest)

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.models import Document
from extranet.models import PublicationRequest, PublicationState, PublicSnapshot
from extranet.portal.selectors import payload_fingerprint
from extranet.portal.services import approve_publication, reject_publication
from tests.conftest import make_user
from tests.extranet.portal.workflow_fixtures import (  # noqa: F401  (fixtures)
    brochure,
    edit_description,
    general_admin,
    propose,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(brochure, editor) -> PublicationRequest:
    return propose(editor, brochure)


@pytest.fixture
def published(brochure, editor, general_admin) -> PublicSnapshot:
    return approve_publication(reviewer=general_admin, request=propose(editor, brochure))


def _routes(request: PublicationRequest, snapshot: PublicSnapshot):
    return [
        ("get", reverse("portal_review:queue")),
        ("get", reverse("portal_review:review", args=[request.pk])),
        ("post", reverse("portal_review:approve", args=[request.pk])),
        ("post", reverse("portal_review:reject", args=[request.pk])),
        ("get", reverse("portal_review:public")),
        ("post", reverse("portal_review:unpublish", args=[snapshot.pk])),
    ]


@pytest.mark.parametrize(
    "who", ["editor", "space_admin", "member", "reader", "outsider", "staff", "superuser"]
)
def test_the_moderation_pages_do_not_exist_for_anyone_else(
    request, client, brochure, editor, general_admin, who
):
    snapshot = approve_publication(reviewer=general_admin, request=propose(editor, brochure))
    edit_description(brochure, editor, "Quatorze circuits.")
    proposal = propose(editor, brochure)
    if who == "superuser":
        user = make_user("root@maillage.test", "Root")
        user.is_staff = user.is_superuser = True
        user.save()
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)

    for method, url in _routes(proposal, snapshot):
        data = {"note": "x", "fingerprint": payload_fingerprint(proposal)}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, (who, url)
    proposal.refresh_from_db()
    assert proposal.state == PublicationState.SUBMITTED
    assert PublicSnapshot.objects.public().get() == snapshot


def test_anonymous_visitors_are_sent_to_sign_in(client, pending):
    response = client.get(reverse("portal_review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_queue_lists_pending_proposals_with_kind_filter(
    client, brochure, pending, general_admin, editor, space
):
    client.force_login(general_admin)

    page = client.get(reverse("portal_review:queue")).content.decode()

    assert reverse("portal_review:review", args=[pending.pk]) in page
    for text in ("Brochure", "Sentiers des Trois Vallées", space.name, str(editor)):
        assert text in page
    only_events = client.get(reverse("portal_review:queue") + "?kind=event").content.decode()
    assert "Sentiers des Trois Vallées" not in only_events
    assert "Aucune proposition en attente." in only_events


def _more_proposals(space, editor, count: int) -> None:
    for index in range(count):
        PublicationRequest.objects.create(
            kind="brochure",
            source_key=f"{9000 + index}",
            space=space,
            title=f"Brochure {index}",
            payload={"title": f"Brochure {index}"},
            submitted_by=make_user(f"auteur{index}@elus.test", f"Auteur {index}"),
        )


def test_the_queue_page_makes_a_fixed_number_of_queries(
    client, pending, general_admin, space, editor, django_assert_max_num_queries
):
    client.force_login(general_admin)
    _more_proposals(space, editor, 2)
    # Session, user, role check, count, one page of proposals with space and author, unread
    # notifications, session bookkeeping.
    with django_assert_max_num_queries(11) as few:
        assert client.get(reverse("portal_review:queue")).status_code == 200

    for index in range(20):
        PublicationRequest.objects.create(
            kind="event",
            source_key=f"elus/agenda/{index}",
            space=space,
            title=f"Événement {index}",
            payload={"title": f"Événement {index}"},
            submitted_by=editor,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("portal_review:queue")).status_code == 200


def test_the_review_page_previews_a_first_publication(client, pending, general_admin):
    client.force_login(general_admin)

    page = client.get(reverse("portal_review:review", args=[pending.pk])).content.decode()

    assert "Aperçu : ce que le public verra" in page
    assert 'class="portal-item"' in page  # the public partial template renders the preview
    assert "Douze circuits balisés." in page
    assert "sentiers.pdf" in page
    assert "Rien n'est encore public pour cet élément" in page
    assert "Approuver et publier" in page
    assert 'name="field_title"' in page and 'name="field_file_name"' not in page
    assert f'value="{payload_fingerprint(pending)}"' in page


def test_the_review_page_shows_the_differences_with_the_public_version(
    client, brochure, published, editor, general_admin
):
    edit_description(brochure, editor, "Quatorze circuits balisés.")
    update = propose(editor, brochure)
    client.force_login(general_admin)

    page = client.get(reverse("portal_review:review", args=[update.pk])).content.decode()

    assert "version 1, approuvée le" in page
    row = page[page.index('<tr class="diff-changed">') :]
    row = row[: row.index("</tr>")]
    assert "Description" in row and "Modifié" in row
    # Not colour alone: struck and underlined words, with words for screen readers.
    assert '<del><span class="visually-hidden">[retiré : </span>Douze' in row
    assert '<ins><span class="visually-hidden">[ajouté : </span>Quatorze' in row
    assert '<tr class="diff-same">' in page  # the title did not change


def test_edit_then_approve_from_the_review_page(client, pending, general_admin, editor):
    client.force_login(general_admin)
    form = {
        "fingerprint": payload_fingerprint(pending),
        "field_title": "Sentiers des Trois Vallées 2027",
        "field_description": "Douze circuits balisés.",
        "field_commune": "Saint-Aubin-sur-Loire",
        "field_theme": "Randonnée",
        "field_language": "fr",
        "note": "Titre complété.",
    }

    response = client.post(reverse("portal_review:approve", args=[pending.pk]), form)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal_review:queue")
    snapshot = PublicSnapshot.objects.public().get()
    assert (snapshot.title, snapshot.commune) == (
        "Sentiers des Trois Vallées 2027",
        "Saint-Aubin-sur-Loire",
    )
    assert snapshot.files.count() == 1
    pending.refresh_from_db()
    assert (pending.state, pending.review_note) == (PublicationState.APPROVED, "Titre complété.")


def test_a_proposal_changed_while_reviewing_is_shown_again_not_approved(
    client, brochure, pending, general_admin, editor
):
    seen = payload_fingerprint(pending)
    edit_description(brochure, editor, "Quatorze circuits.")
    propose(editor, brochure)
    client.force_login(general_admin)

    response = client.post(
        reverse("portal_review:approve", args=[pending.pk]),
        {"fingerprint": seen, "field_title": "Sentiers des Trois Vallées"},
    )

    assert response.status_code == 400
    assert "modifiée par son auteur pendant votre relecture" in response.content.decode()
    assert "Quatorze circuits." in response.content.decode()
    assert not PublicSnapshot.objects.exists()


def test_rejecting_requires_a_note(client, pending, general_admin):
    client.force_login(general_admin)
    url = reverse("portal_review:reject", args=[pending.pk])
    fingerprint = payload_fingerprint(pending)

    refused = client.post(url, {"fingerprint": fingerprint, "note": ""})
    assert refused.status_code == 400
    pending.refresh_from_db()
    assert pending.state == PublicationState.SUBMITTED

    done = client.post(url, {"fingerprint": fingerprint, "note": "Couverture floue."})
    assert done.status_code == 302
    pending.refresh_from_db()
    assert (pending.state, pending.review_note) == (PublicationState.REJECTED, "Couverture floue.")
    page = client.get(reverse("portal_review:review", args=[pending.pk])).content.decode()
    assert "Refusée" in page and "Approuver et publier" not in page


def test_public_items_are_listed_and_unpublished_in_one_action(client, published, general_admin):
    client.force_login(general_admin)

    page = client.get(reverse("portal_review:public")).content.decode()
    assert "Sentiers des Trois Vallées" in page
    url = reverse("portal_review:unpublish", args=[published.pk])
    assert f'action="{url}"' in page

    response = client.post(url, {"note": "Édition épuisée"})

    assert response.status_code == 302
    assert not PublicSnapshot.objects.public().exists()
    assert client.post(url).status_code == 404  # nothing current to take down any more
    assert (
        "Rien n'est public pour l'instant."
        in client.get(reverse("portal_review:public")).content.decode()
    )


def test_editors_follow_their_proposals_and_withdraw_a_pending_one(
    client, brochure, editor, general_admin, member
):
    rejected = propose(editor, brochure)
    reject_publication(reviewer=general_admin, request=rejected, note="Il manque la carte.")
    pending = propose(editor, brochure)
    client.force_login(editor)

    page = client.get(reverse("portal_review:mine")).content.decode()

    assert f'id="proposition-{rejected.pk}"' in page
    assert "Il manque la carte." in page
    assert "En attente de relecture" in page and "Refusée" in page
    assert f'href="{reverse("portal_review:queue")}"' not in page  # no moderation tabs for editors
    withdraw = reverse("portal_review:withdraw", args=[pending.pk])
    client.force_login(member)
    assert client.post(withdraw).status_code == 404  # not hers
    client.force_login(editor)
    assert client.post(withdraw).status_code == 302
    pending.refresh_from_db()
    assert pending.state == PublicationState.WITHDRAWN


def test_the_brochure_page_offers_editors_to_propose(client, brochure, editor, member):
    detail = reverse("documents:detail", args=["elus", brochure.pk])
    propose_url = reverse("documents:propose", args=["elus", brochure.pk])
    client.force_login(editor)

    page = client.get(detail).content.decode()
    assert f'action="{propose_url}"' in page and "Proposer au portail" in page

    response = client.post(propose_url)

    assert response.status_code == 302
    assert response["Location"] == detail
    request = PublicationRequest.objects.get()
    assert (request.kind, request.source_key, request.submitted_by) == (
        "brochure",
        str(brochure.pk),
        editor,
    )
    assert "Proposition en attente de relecture" in client.get(detail).content.decode()

    client.force_login(member)
    page = client.get(detail).content.decode()
    assert "Proposer au portail" not in page and "Portail public" not in page
    assert client.post(propose_url).status_code == 403
    assert PublicationRequest.objects.count() == 1


def test_other_documents_have_no_proposal_button(client, brochure, editor):
    Document.objects.filter(pk=brochure.pk).update(kind="minutes")
    client.force_login(editor)

    page = client.get(reverse("documents:detail", args=["elus", brochure.pk])).content.decode()
    assert "Proposer au portail" not in page
    assert client.post(reverse("documents:propose", args=["elus", brochure.pk])).status_code == 404


def test_the_state_shows_a_published_brochure_with_its_version(client, brochure, published, editor):
    client.force_login(editor)

    page = client.get(reverse("documents:detail", args=["elus", brochure.pk])).content.decode()

    assert "Publié sur le portail (version 1" in page
    assert "Proposer la mise à jour au portail" in page
