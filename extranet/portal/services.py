"""The editorial workflow: contributors propose, general administrators approve or reject.

Nothing is public until a general administrator approves it: approval writes a new immutable
``PublicSnapshot`` version (with its files copied), and only current snapshots are public. Editing
the source afterwards changes nothing public until a new proposal is approved.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from extranet.audit import record_audit
from extranet.exceptions import MaillageError
from extranet.models import PublicationRequest, PublicationState, PublicFile, PublicSnapshot
from extranet.notifications import notify
from extranet.portal.registry import PublishableKind, publishable_kind

logger = logging.getLogger(__name__)

GENERAL_ADMINISTRATORS_GROUP = "Administration générale du portail"
REVIEW_PERMISSION = ("extranet", "review_publication")
_GENERAL_ADMIN_CACHE = "_maillage_is_general_administrator"


class PublicationError(MaillageError):
    default_message = gettext_lazy("Cette proposition de publication n'a pas pu être traitée.")


class NotPublishable(PublicationError):
    """The item cannot be proposed as it is (raised by a kind's ``source_for`` or ``payload``)."""

    default_message = gettext_lazy("Cet élément ne peut pas être proposé au portail.")


class AlreadyReviewed(PublicationError):
    default_message = gettext_lazy(
        "Cette proposition a déjà été traitée ou retirée : rechargez la page."
    )


class NoteRequired(PublicationError):
    default_message = gettext_lazy("Expliquez le refus en quelques mots : l'auteur le recevra.")


class NotEditable(PublicationError):
    default_message = gettext_lazy("Ce champ ne peut pas être modifié avant publication.")


class SourceUnavailable(PublicationError):
    default_message = gettext_lazy(
        "L'élément proposé n'est plus accessible (supprimé, ou son auteur a perdu ses droits) : "
        "refusez la proposition."
    )


class SourceChanged(PublicationError):
    default_message = gettext_lazy(
        "Le fichier a changé depuis la proposition : ce que vous avez relu ne serait pas ce qui "
        "serait publié. Demandez à l'auteur de proposer à nouveau, ou refusez la proposition."
    )


class NotPublished(PublicationError):
    default_message = gettext_lazy("Cet élément n'est pas publié sur le portail.")


# --- who reviews ------------------------------------------------------------------------------


def is_general_administrator(user: Any) -> bool:
    """Whether ``user`` reviews publications for the whole site.

    The role is granted explicitly (membership of the group, or the permission itself): neither
    space roles, nor staff status, nor superuser status grant it, so nobody publishes by
    accident. Cached on the user object for the request.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, _GENERAL_ADMIN_CACHE, None)
    if cached is None:
        cached = _review_permissions().filter(Q(user=user) | Q(group__user=user)).exists()
        setattr(user, _GENERAL_ADMIN_CACHE, cached)
    return bool(cached)


def general_administrators() -> list[Any]:
    """Every active general administrator."""
    permission = _review_permissions()
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
        .distinct()
        .order_by("pk")
    )


def _review_permissions() -> Any:
    app_label, codename = REVIEW_PERMISSION
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename)


def _require_general_administrator(user: Any) -> None:
    if not is_general_administrator(user):
        raise PermissionDenied


def _kind(kind: PublishableKind | str) -> PublishableKind:
    return kind if isinstance(kind, PublishableKind) else publishable_kind(kind)


def _json(value: dict[str, Any]) -> dict[str, Any]:
    """What the JSON field will give back once saved (dates as ISO strings, tuples as lists)."""
    loaded: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return loaded


def _label(kind: PublishableKind, title: str) -> str:
    return f"{kind.label} : {title}"


# --- contributors -----------------------------------------------------------------------------


def submit_publication(
    *, user: Any, kind: PublishableKind | str, source_key: str
) -> PublicationRequest:
    """Propose an item for the portal, as it is now.

    Only the item's editors may (``kind.source_for`` raises Http404 or PermissionDenied
    otherwise). While a proposal of the same item awaits review, it is updated with the new
    content instead of piling up a second one. Corrections the general administrator made to
    the public version are kept for the fields the editor has not changed since.
    """
    kind = _kind(kind)
    source = kind.source_for(user, source_key)
    payload = _json(kind.payload(source))
    carried = _carry_corrections(kind, source_key, payload)
    title = str(kind.title_of(payload))[:300] or str(kind.label)
    space = kind.space_of(source)
    with transaction.atomic():
        pending = (
            PublicationRequest.objects.select_for_update()
            .for_source(kind.name, source_key)
            .pending()
            .first()
        )
        replaced = pending is not None
        if pending is None:
            request = PublicationRequest.objects.create(
                kind=kind.name,
                source_key=source_key,
                space=space,
                title=title,
                payload=payload,
                submitted_by=user,
            )
        else:
            request = pending
            request.space = space
            request.title = title
            request.payload = payload
            request.submitted_by = user
            request.submitted_at = timezone.now()
            request.save(
                update_fields=["space", "title", "payload", "submitted_by", "submitted_at"]
            )
        record_audit(
            action="portal.submitted",
            actor=user,
            space=space,
            target=_label(kind, title),
            details={
                "kind": kind.name,
                "source_key": source_key,
                "request": request.pk,
                "replaced": replaced,
                "kept_corrections": carried,
            },
        )
        transaction.on_commit(lambda: _tell_reviewers(request.pk))
    return request


def _carry_corrections(
    kind: PublishableKind, source_key: str, payload: dict[str, Any]
) -> list[str]:
    """Keep the general administrator's corrections of the public version in a new proposal,
    for the fields the editor has not changed since that approval (a commune added at review
    is not lost each time the brochure is proposed again). Changes ``payload`` in place."""
    current = PublicSnapshot.objects.public().filter(kind=kind.name, source_key=source_key).first()
    if current is None:
        return []
    approval = current.requests.filter(state=PublicationState.APPROVED).order_by("-pk").first()
    if approval is None:
        return []
    carried = []
    for public_field in kind.editable_fields:
        name = public_field.name
        corrected = current.data.get(name)
        proposed_then = approval.payload.get(name)
        if corrected != proposed_then and payload.get(name) == proposed_then:
            payload[name] = corrected
            carried.append(name)
    return carried


def withdraw_publication(*, user: Any, request: PublicationRequest) -> PublicationRequest:
    """Take back a proposal awaiting review: its author, or another editor of the item."""
    kind = _kind(request.kind)
    if request.submitted_by_id != user.pk:
        # Raises Http404 / PermissionDenied when the user may not propose this item either.
        kind.source_for(user, request.source_key)
    with transaction.atomic():
        locked = PublicationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != PublicationState.SUBMITTED:
            raise AlreadyReviewed
        locked.state = PublicationState.WITHDRAWN
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["state", "reviewed_at"])
        record_audit(
            action="portal.withdrawn",
            actor=user,
            space=locked.space,
            target=_label(kind, locked.title),
            details={"kind": kind.name, "source_key": locked.source_key, "request": locked.pk},
        )
    return locked


# --- general administrators ------------------------------------------------------------------


def approve_publication(
    *,
    reviewer: Any,
    request: PublicationRequest,
    edited: dict[str, Any] | None = None,
    note: str = "",
) -> PublicSnapshot:
    """Publish a proposal: a new immutable public version replaces the current one.

    ``edited`` holds the administrator's corrections of editable fields ("edit then approve");
    the public data is the proposal with those corrections. Files are copied now, so a later
    version of the source does not change what is public.
    """
    _require_general_administrator(reviewer)
    kind = _kind(request.kind)
    data = dict(request.payload)
    changed = []
    for name, value in (edited or {}).items():
        field = kind.field(name)
        if field is None or not field.editable:
            raise NotEditable
        if data.get(name) != value:
            data[name] = value
            changed.append(name)
    data = _json(data)
    files = _files_of(kind, request) if kind.files is not None else []
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = PublicationRequest.objects.select_for_update().get(pk=request.pk)
            if locked.state != PublicationState.SUBMITTED or locked.payload != request.payload:
                raise AlreadyReviewed
            snapshot = _new_snapshot(kind, locked, data, reviewer)
            for name, content_type, content in files:
                written.append(_copy_file(snapshot, name, content_type, content))
            locked.state = PublicationState.APPROVED
            locked.reviewed_by = reviewer
            locked.reviewed_at = snapshot.approved_at
            locked.review_note = note.strip()
            locked.snapshot = snapshot
            locked.save(
                update_fields=["state", "reviewed_by", "reviewed_at", "review_note", "snapshot"]
            )
            record_audit(
                action="portal.approved",
                actor=reviewer,
                space=locked.space,
                target=_label(kind, snapshot.title),
                details={
                    "kind": kind.name,
                    "source_key": locked.source_key,
                    "request": locked.pk,
                    "version": snapshot.version,
                    "edited": changed,
                },
            )
            transaction.on_commit(lambda: _tell_submitter(locked.pk))
    except Exception:
        # The database forgot the snapshot: its copied files must go too.
        storage = PublicFile._meta.get_field("file").storage
        for name in written:
            storage.delete(name)
        raise
    request.refresh_from_db()
    return snapshot


def reject_publication(
    *, reviewer: Any, request: PublicationRequest, note: str
) -> PublicationRequest:
    """Refuse a proposal; the note (required) is sent to its author."""
    _require_general_administrator(reviewer)
    note = note.strip()
    if not note:
        raise NoteRequired
    kind = _kind(request.kind)
    with transaction.atomic():
        locked = PublicationRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != PublicationState.SUBMITTED:
            raise AlreadyReviewed
        locked.state = PublicationState.REJECTED
        locked.reviewed_by = reviewer
        locked.reviewed_at = timezone.now()
        locked.review_note = note
        locked.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        record_audit(
            action="portal.rejected",
            actor=reviewer,
            space=locked.space,
            target=_label(kind, locked.title),
            details={"kind": kind.name, "source_key": locked.source_key, "request": locked.pk},
        )
        transaction.on_commit(lambda: _tell_submitter(locked.pk))
    request.refresh_from_db()
    return locked


def unpublish(
    *, reviewer: Any, kind: PublishableKind | str, source_key: str, note: str = ""
) -> PublicSnapshot:
    """Take an item off the portal in one action: it has no current public version any more.

    The snapshots stay (the history of what was public); proposing the item again and having it
    approved publishes it anew.
    """
    _require_general_administrator(reviewer)
    kind = _kind(kind)
    with transaction.atomic():
        current = (
            PublicSnapshot.objects.select_for_update()
            .public()
            .filter(kind=kind.name, source_key=source_key)
            .first()
        )
        if current is None:
            raise NotPublished
        now = timezone.now()
        PublicSnapshot.objects.filter(pk=current.pk).update(is_current=False, unpublished_at=now)
        approval = (
            PublicationRequest.objects.filter(snapshot=current).select_related("space").first()
        )
        record_audit(
            action="portal.unpublished",
            actor=reviewer,
            space=approval.space if approval else None,
            target=_label(kind, current.title),
            details={
                "kind": kind.name,
                "source_key": source_key,
                "version": current.version,
                "note": note.strip()[:500],
            },
        )
    current.refresh_from_db()
    return current


# --- helpers ----------------------------------------------------------------------------------


def public_id_for(kind: str, source_key: str, title: str) -> str:
    """A readable, stable URL id: the first version's title slug and a short hash of the item."""
    digest = hashlib.sha256(f"{kind}:{source_key}".encode()).hexdigest()[:8]
    slug = slugify(title)[:200].strip("-") or kind
    return f"{slug}-{digest}"


def _new_snapshot(
    kind: PublishableKind, request: PublicationRequest, data: dict[str, Any], reviewer: Any
) -> PublicSnapshot:
    history = PublicSnapshot.objects.select_for_update().filter(
        kind=kind.name, source_key=request.source_key
    )
    last = history.aggregate(version=Max("version"))["version"] or 0
    first = history.order_by("version").only("public_id").first()
    title = str(kind.title_of(data))[:300] or request.title
    public_id = first.public_id if first else public_id_for(kind.name, request.source_key, title)
    history.filter(is_current=True).update(is_current=False)
    starts_at, ends_at = kind.bounds(data) if kind.bounds else (None, None)
    commune, theme = kind.place(data) if kind.place else ("", "")
    return PublicSnapshot.objects.create(
        kind=kind.name,
        source_key=request.source_key,
        version=last + 1,
        public_id=public_id,
        title=title,
        data=data,
        starts_at=starts_at,
        ends_at=ends_at,
        commune=(commune or "")[:120],
        theme=(theme or "")[:120],
        is_current=True,
        approved_by=reviewer,
    )


def _files_of(kind: PublishableKind, request: PublicationRequest) -> list[tuple[str, str, bytes]]:
    """The source's files, read as its author may (the reviewer need not be a member), and
    checked against the proposal the reviewer saw."""
    assert kind.files is not None  # noqa: S101
    if request.submitted_by is None:
        raise SourceUnavailable
    try:
        source = kind.source_for(request.submitted_by, request.source_key)
    except (Http404, PermissionDenied, MaillageError) as exc:
        raise SourceUnavailable from exc
    files = kind.files(source)
    expected = request.payload.get("file_sha256") if isinstance(request.payload, dict) else None
    if expected and [hashlib.sha256(content).hexdigest() for _n, _t, content in files] != [
        expected
    ]:
        raise SourceChanged
    return files


def _copy_file(snapshot: PublicSnapshot, name: str, content_type: str, content: bytes) -> str:
    safe = get_valid_filename(name)[:200] or "fichier"
    public_file = PublicFile(
        snapshot=snapshot,
        name=safe,
        content_type=content_type[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    # The stored name carries no user input beyond the sanitised download name.
    public_file.file.save(f"{uuid.uuid4().hex}-{safe}", ContentFile(content), save=False)
    public_file.save()
    return str(public_file.file.name)


def ask_to_unpublish(*, user: Any, kind: PublishableKind | str, source_key: str) -> bool:
    """Tell the general administrators that an item's source no longer wants to be public
    (archived, or now kept for a space's members): taking it off the portal stays their
    decision. Returns whether there was a public version to tell them about."""
    kind = _kind(kind)
    current = PublicSnapshot.objects.public().filter(kind=kind.name, source_key=source_key).first()
    if current is None:
        return False
    record_audit(
        action="portal.unpublish_requested",
        actor=user,
        target=current.title[:254],
        details={"kind": kind.name, "source_key": source_key},
    )
    snapshot_pk = current.pk
    transaction.on_commit(
        lambda: notify(
            recipients=general_administrators(),
            topic="portal.unpublish_requested",
            actor=user,
            object_label=current.title,
            url=reverse("portal_review:public") + f"?kind={kind.name}#publie-{snapshot_pk}",
        )
    )
    return True


# --- notifications (after commit) -------------------------------------------------------------


def _tell_reviewers(request_pk: int) -> None:
    request = (
        PublicationRequest.objects.filter(pk=request_pk, state=PublicationState.SUBMITTED)
        .select_related("submitted_by", "space")
        .first()
    )
    if request is None:
        return
    notify(
        recipients=general_administrators(),
        topic="portal.submitted",
        space=request.space,
        actor=request.submitted_by,
        object_label=request.title,
        url=reverse("portal_review:review", kwargs={"pk": request.pk}),
    )


def _tell_submitter(request_pk: int) -> None:
    request = (
        PublicationRequest.objects.filter(pk=request_pk)
        .select_related("submitted_by", "reviewed_by", "space")
        .first()
    )
    if request is None or request.submitted_by is None:
        return
    if request.state == PublicationState.APPROVED:
        outcome = _("« %(title)s » est publiée sur le portail.")
    else:
        outcome = _("« %(title)s » est refusée.")
    label = outcome % {"title": request.title}
    if request.review_note:
        label += " " + _("Note : %(note)s") % {"note": request.review_note}
    if len(label) > 300:
        label = label[:299] + "…"
    notify(
        recipients=[request.submitted_by],
        topic="portal.reviewed",
        space=request.space,
        actor=request.reviewed_by,
        object_label=label,
        url=reverse("portal_review:mine") + f"#proposition-{request.pk}",
    )
