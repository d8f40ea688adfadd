"""Who hears about new documents: everyone for minutes, folder watchers for the rest."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from documents.models import Document, DocumentKind, FolderWatch
from extranet.models import Membership
from extranet.notifications import notify


def notify_new_documents(document_ids: list[int]) -> None:
    documents = list(
        Document.objects.filter(pk__in=document_ids, deleted_at__isnull=True).select_related(
            "space", "created_by", "folder"
        )
    )
    for document in documents:
        members = [
            m.user
            for m in Membership.objects.in_space(document.space).select_related("user")
            if m.can("documents.view")
        ]
        member_ids = {u.pk for u in members}
        recipients: dict[str, list[Any]] = defaultdict(list)
        if document.kind == DocumentKind.MINUTES:
            recipients["documents.minutes"] = members
        if document.folder_id:
            watchers = FolderWatch.objects.filter(folder_id=document.folder_id).select_related(
                "user"
            )
            already = {u.pk for u in recipients["documents.minutes"]}
            recipients["documents.folder"] = [
                w.user for w in watchers if w.user_id in member_ids and w.user_id not in already
            ]
        for topic, people in recipients.items():
            if people:
                notify(
                    recipients=people,
                    topic=topic,
                    space=document.space,
                    actor=document.created_by,
                    object_label=document.title,
                    url=document.get_absolute_url(),
                )
