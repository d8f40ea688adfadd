"""The editorial workflow's services: who may propose and review, the state machine, immutable
versioned snapshots, files copied at approval, unpublishing, notifications and the audit log."""

# ruff: noqa: F811  (fixtures imported from workflow_fixtures / tests.calendars.conftest)

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.http import Http404

from documents.models import Document
from documents.services.documents import trash_document
from extranet.models import (
    AuditEvent,
    Notification,
    PublicationRequest,
    PublicationState,
    PublicFile,
    PublicSnapshot,
)
from extranet.models.notifications import EmailMode
from extranet.models.portal import ImmutableSnapshotError
from extranet.notifications import email_modes_for
from extranet.portal.registry import publishable_kind, publishable_kinds
from extranet.portal.services import (
    GENERAL_ADMINISTRATORS_GROUP,
    AlreadyReviewed,
    NotEditable,
    NoteRequired,
    NotPublished,
    SourceChanged,
    SourceUnavailable,
    approve_publication,
    is_general_administrator,
    reject_publication,
    submit_publication,
    unpublish,
    withdraw_publication,
)
from tests.conftest import make_user
from tests.extranet.portal.workflow_fixtures import (  # noqa: F401  (fixtures)
    GUIDE,
    brochure,
    edit_description,
    general_admin,
    membership_of,
    propose,
    public_rows,
    upload_new_version,
)

pytestmark = pytest.mark.django_db


# --- who is a general administrator -----------------------------------------------------------


def test_the_group_of_general_administrators_exists_with_the_review_permission():
    group = Group.objects.get(name=GENERAL_ADMINISTRATORS_GROUP)

    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("extranet", "review_publication")
    ]


def test_only_explicitly_granted_people_are_general_administrators(
    general_admin, cast, staff, editor
):
    superuser = make_user("root@maillage.test", "Root")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    direct = make_user("direct@maillage.test", "Directe")
    direct.user_permissions.add(Permission.objects.get(codename="review_publication"))
    retired = make_user("parti@maillage.test", "Parti")
    Group.objects.get(name=GENERAL_ADMINISTRATORS_GROUP).user_set.add(retired)
    retired.is_active = False
    retired.save()

    assert is_general_administrator(general_admin)
    assert is_general_administrator(direct)
    assert not is_general_administrator(retired)
    assert not is_general_administrator(superuser)
    assert not is_general_administrator(staff)
    for user in cast.values():
        assert not is_general_administrator(user)


def test_both_first_kinds_are_registered():
    names = [kind.name for kind in publishable_kinds()]

    assert {"event", "brochure"} <= set(names)
    assert publishable_kind("brochure").files is not None
    assert publishable_kind("event").bounds is not None


# --- proposing --------------------------------------------------------------------------------


def test_an_editor_proposes_a_brochure_as_it_is_now(
    brochure, editor, general_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = propose(editor, brochure)

    version = brochure.current_version
    assert request.state == PublicationState.SUBMITTED
    assert (request.kind, request.source_key, request.space) == (
        "brochure",
        str(brochure.pk),
        brochure.space,
    )
    assert request.submitted_by == editor
    assert request.title == "Sentiers des Trois Vallées"
    assert request.payload == {
        "title": "Sentiers des Trois Vallées",
        "description": "Douze circuits balisés.",
        "commune": "",
        "theme": "Randonnée",
        "language": "fr",
        "pages": 1,
        "file_name": "sentiers.pdf",
        "file_size": version.size,
        "file_content_type": "application/pdf",
        "file_sha256": version.sha256,
    }
    audit = AuditEvent.objects.get(action="portal.submitted")
    assert (audit.actor, audit.space, audit.details["request"]) == (
        editor,
        brochure.space,
        request.pk,
    )
    # General administrators hear of it (in their daily digest by default).
    told = Notification.objects.get(topic="portal.submitted")
    assert told.recipient == general_admin
    assert told.url == f"/publication/{request.pk}/"
    assert not PublicSnapshot.objects.exists()


def test_proposing_again_while_pending_updates_the_proposal_instead_of_piling_up(
    brochure, editor, space_admin
):
    first = propose(editor, brochure)
    edit_description(brochure, editor, "Quatorze circuits balisés.")

    second = propose(space_admin, brochure)

    assert second.pk == first.pk
    assert PublicationRequest.objects.count() == 1
    second.refresh_from_db()
    assert second.payload["description"] == "Quatorze circuits balisés."
    assert second.submitted_by == space_admin
    replaced = AuditEvent.objects.filter(action="portal.submitted").order_by("pk")
    assert [a.details["replaced"] for a in replaced] == [False, True]


@pytest.mark.parametrize("who", ["member", "reader"])
def test_members_below_editor_may_not_propose(request, brochure, who):
    with pytest.raises(PermissionDenied):
        propose(request.getfixturevalue(who), brochure)
    assert not PublicationRequest.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "staff", "general_admin"])
def test_non_members_cannot_even_learn_the_brochure_exists(request, brochure, who):
    with pytest.raises(Http404):
        propose(request.getfixturevalue(who), brochure)
    with pytest.raises(Http404):
        submit_publication(user=request.getfixturevalue(who), kind="brochure", source_key="999999")
    assert not PublicationRequest.objects.exists()


def test_only_brochures_are_publishable_documents(brochure, editor):
    Document.objects.filter(pk=brochure.pk).update(kind="minutes")

    with pytest.raises(Http404):
        propose(editor, brochure)


# --- approving --------------------------------------------------------------------------------


def test_approval_publishes_an_immutable_first_version_and_tells_the_author(
    brochure, editor, general_admin, django_capture_on_commit_callbacks
):
    request = propose(editor, brochure)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        snapshot = approve_publication(reviewer=general_admin, request=request, note="Merci !")

    assert (snapshot.version, snapshot.is_current, snapshot.approved_by) == (1, True, general_admin)
    assert snapshot.data == request.payload
    assert snapshot.title == "Sentiers des Trois Vallées"
    assert snapshot.theme == "Randonnée"
    assert snapshot.public_id.startswith("sentiers-des-trois-vallees-")
    request.refresh_from_db()
    assert request.state == PublicationState.APPROVED
    assert (request.reviewed_by, request.snapshot, request.review_note) == (
        general_admin,
        snapshot,
        "Merci !",
    )
    assert public_rows(brochure) == [snapshot]
    audit = AuditEvent.objects.get(action="portal.approved")
    assert (audit.actor, audit.space, audit.details["version"]) == (
        general_admin,
        brochure.space,
        1,
    )
    # The author is told at once, in the app and by e-mail, with the note.
    notice = Notification.objects.get(topic="portal.reviewed", recipient=editor)
    assert "est publiée" in notice.message() and "Merci !" in notice.message()
    assert notice.url == f"/publication/mine/#proposition-{request.pk}"
    assert email_modes_for([editor], "portal.reviewed")[editor.pk] == EmailMode.IMMEDIATE
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Merci !" in mail.outbox[0].body

    snapshot.title = "Autre chose"
    with pytest.raises(ImmutableSnapshotError):
        snapshot.save()


def test_the_file_is_copied_at_approval_and_later_versions_do_not_change_it(
    brochure, editor, general_admin
):
    original = brochure.current_version
    snapshot = approve_publication(reviewer=general_admin, request=propose(editor, brochure))

    upload_new_version(brochure, editor)

    brochure.refresh_from_db()
    assert brochure.current_version.sha256 != original.sha256
    (public_file,) = snapshot.files.all()
    with public_file.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == original.sha256 == public_file.sha256
    assert (public_file.name, public_file.content_type, public_file.size) == (
        "sentiers.pdf",
        "application/pdf",
        original.size,
    )
    assert public_rows(brochure)[0].data["file_sha256"] == original.sha256


def test_a_file_changed_after_the_proposal_is_not_published_unseen(
    brochure, editor, general_admin, settings
):
    request = propose(editor, brochure)
    upload_new_version(brochure, editor)

    with pytest.raises(SourceChanged):
        approve_publication(reviewer=general_admin, request=request)

    assert not PublicSnapshot.objects.exists()
    assert not PublicFile.objects.exists()
    portal_dir = settings.PORTAL_STORAGE_DIR
    assert not portal_dir.exists() or not any(p.is_file() for p in portal_dir.rglob("*"))
    request.refresh_from_db()
    assert request.state == PublicationState.SUBMITTED
    # Proposing again picks up the new file; that proposal can be approved.
    snapshot = approve_publication(reviewer=general_admin, request=propose(editor, brochure))
    assert (
        snapshot.files.get().sha256 == Document.objects.get(pk=brochure.pk).current_version.sha256
    )


def test_a_source_gone_since_the_proposal_cannot_be_approved(brochure, editor, general_admin):
    request = propose(editor, brochure)
    trash_document(membership=membership_of(editor, brochure.space), document=brochure)

    with pytest.raises(SourceUnavailable):
        approve_publication(reviewer=general_admin, request=request)
    assert not PublicSnapshot.objects.exists()


def test_edit_then_approve_publishes_the_corrections_not_the_source(
    brochure, editor, general_admin
):
    request = propose(editor, brochure)

    snapshot = approve_publication(
        reviewer=general_admin,
        request=request,
        edited={"title": "Sentiers des Trois Vallées 2027", "commune": "Saint-Aubin-sur-Loire"},
    )

    assert snapshot.title == "Sentiers des Trois Vallées 2027"
    assert snapshot.data["title"] == "Sentiers des Trois Vallées 2027"
    assert snapshot.commune == snapshot.data["commune"] == "Saint-Aubin-sur-Loire"
    assert snapshot.data["description"] == "Douze circuits balisés."
    request.refresh_from_db()
    assert request.payload["title"] == "Sentiers des Trois Vallées"  # the proposal as made
    assert Document.objects.get(pk=brochure.pk).title == "Sentiers des Trois Vallées"
    audit = AuditEvent.objects.get(action="portal.approved")
    assert sorted(audit.details["edited"]) == ["commune", "title"]


@pytest.mark.parametrize("field", ["file_name", "file_size", "pages", "no_such_field"])
def test_only_editable_fields_can_be_corrected(brochure, editor, general_admin, field):
    request = propose(editor, brochure)

    with pytest.raises(NotEditable):
        approve_publication(reviewer=general_admin, request=request, edited={field: "x"})
    assert not PublicSnapshot.objects.exists()


@pytest.mark.parametrize("who", ["editor", "space_admin", "staff", "member"])
def test_only_general_administrators_review(request, brochure, editor, who):
    proposal = propose(editor, brochure)
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        approve_publication(reviewer=user, request=proposal)
    with pytest.raises(PermissionDenied):
        reject_publication(reviewer=user, request=proposal, note="Non.")
    proposal.refresh_from_db()
    assert proposal.state == PublicationState.SUBMITTED
    assert not PublicSnapshot.objects.exists()


# --- rejecting, withdrawing -------------------------------------------------------------------


def test_rejection_needs_a_note_and_sends_it_to_the_author(
    brochure, editor, general_admin, django_capture_on_commit_callbacks
):
    request = propose(editor, brochure)
    with pytest.raises(NoteRequired):
        reject_publication(reviewer=general_admin, request=request, note="   ")
    request.refresh_from_db()
    assert request.state == PublicationState.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        reject_publication(
            reviewer=general_admin, request=request, note="Photo de couverture manquante."
        )

    request.refresh_from_db()
    assert request.state == PublicationState.REJECTED
    assert request.review_note == "Photo de couverture manquante."
    assert not PublicSnapshot.objects.exists()
    notice = Notification.objects.get(topic="portal.reviewed", recipient=editor)
    assert "est refusée" in notice.message()
    assert "Photo de couverture manquante." in notice.message()
    assert AuditEvent.objects.filter(action="portal.rejected", actor=general_admin).exists()


def test_a_reviewed_proposal_cannot_be_reviewed_again(brochure, editor, general_admin):
    request = propose(editor, brochure)
    approve_publication(reviewer=general_admin, request=request)

    with pytest.raises(AlreadyReviewed):
        approve_publication(reviewer=general_admin, request=request)
    with pytest.raises(AlreadyReviewed):
        reject_publication(reviewer=general_admin, request=request, note="Trop tard.")
    with pytest.raises(AlreadyReviewed):
        withdraw_publication(user=editor, request=request)
    assert PublicSnapshot.objects.count() == 1


def test_a_proposal_changed_during_review_is_not_approved_as_it_was(
    brochure, editor, general_admin
):
    seen = propose(editor, brochure)
    edit_description(brochure, editor, "Quatorze circuits.")
    propose(editor, brochure)  # replaces the pending payload

    with pytest.raises(AlreadyReviewed):
        approve_publication(reviewer=general_admin, request=seen)
    assert not PublicSnapshot.objects.exists()


def test_the_author_or_another_editor_withdraws_a_pending_proposal(
    brochure, editor, space_admin, member, general_admin
):
    request = propose(editor, brochure)
    with pytest.raises(PermissionDenied):
        withdraw_publication(user=member, request=request)

    withdraw_publication(user=space_admin, request=request)

    request.refresh_from_db()
    assert request.state == PublicationState.WITHDRAWN
    assert AuditEvent.objects.filter(action="portal.withdrawn", actor=space_admin).exists()
    with pytest.raises(AlreadyReviewed):
        approve_publication(reviewer=general_admin, request=request)
    # A new proposal may follow.
    assert propose(editor, brochure).pk != request.pk


# --- versions, editing after approval, unpublishing ------------------------------------------


def test_editing_the_source_after_approval_changes_nothing_public_until_approved_again(
    brochure, editor, general_admin
):
    first = approve_publication(reviewer=general_admin, request=propose(editor, brochure))

    edit_description(brochure, editor, "Quatorze circuits balisés, dont deux accessibles.")
    upload_new_version(brochure, editor)

    (public,) = public_rows(brochure)
    assert public.pk == first.pk
    assert public.data["description"] == "Douze circuits balisés."
    assert public.files.get().sha256 == first.data["file_sha256"]

    second = approve_publication(reviewer=general_admin, request=propose(editor, brochure))

    assert (second.version, second.public_id) == (2, first.public_id)
    assert second.data["description"] == "Quatorze circuits balisés, dont deux accessibles."
    assert public_rows(brochure) == [second]
    first.refresh_from_db()
    assert not first.is_current
    assert first.data["description"] == "Douze circuits balisés."  # history unchanged
    assert first.files.get().sha256 != second.files.get().sha256


def test_corrections_of_the_administrator_survive_the_next_proposal_unless_the_editor_changed_them(
    brochure, editor, general_admin
):
    approve_publication(
        reviewer=general_admin,
        request=propose(editor, brochure),
        edited={"commune": "Saint-Aubin-sur-Loire", "description": "Douze circuits balisés !"},
    )
    edit_description(brochure, editor, "Quatorze circuits balisés.")

    update = propose(editor, brochure)

    # The commune (never in the source) is kept; the description the editor rewrote is theirs.
    assert update.payload["commune"] == "Saint-Aubin-sur-Loire"
    assert update.payload["description"] == "Quatorze circuits balisés."
    audit = AuditEvent.objects.filter(action="portal.submitted").latest("pk")
    assert audit.details["kept_corrections"] == ["commune"]


def test_unpublishing_is_one_audited_action_that_keeps_the_history(
    brochure, editor, general_admin, staff
):
    snapshot = approve_publication(reviewer=general_admin, request=propose(editor, brochure))
    with pytest.raises(PermissionDenied):
        unpublish(reviewer=staff, kind="brochure", source_key=str(brochure.pk))

    gone = unpublish(
        reviewer=general_admin, kind="brochure", source_key=str(brochure.pk), note="Périmée"
    )

    assert gone.pk == snapshot.pk
    assert (gone.is_current, gone.unpublished_at is not None) == (False, True)
    assert public_rows(brochure) == []
    assert PublicSnapshot.objects.filter(pk=snapshot.pk).exists()
    audit = AuditEvent.objects.get(action="portal.unpublished")
    assert (audit.actor, audit.space, audit.details["note"]) == (
        general_admin,
        brochure.space,
        "Périmée",
    )
    with pytest.raises(NotPublished):
        unpublish(reviewer=general_admin, kind="brochure", source_key=str(brochure.pk))
    # Published again only through a new approved proposal.
    again = approve_publication(reviewer=general_admin, request=propose(editor, brochure))
    assert (again.version, again.public_id, public_rows(brochure)) == (
        2,
        snapshot.public_id,
        [again],
    )


def test_the_brochure_fixture_is_a_real_pdf_brochure(brochure):
    assert brochure.kind == "brochure"
    assert brochure.current_version.mime == "application/pdf"
    assert GUIDE[0]
