from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from documents.models import Comment, Document
from documents.policy import can_comment
from extranet.activity import record_activity
from extranet.models import Membership


@transaction.atomic
def add_comment(*, membership: Membership, document: Document, body: str) -> Comment:
    """Comment on a document (Markdown, rendered sanitised on display)."""
    if not can_comment(membership, document) or document.is_trashed:
        raise PermissionDenied
    comment = Comment.objects.create(document=document, author=membership.user, body=body.strip())
    record_activity(
        space=membership.space,
        actor=membership.user,
        verb="documents.commented",
        object_label=document.title,
        url=document.get_absolute_url() + f"#commentaire-{comment.pk}",
    )
    return comment
