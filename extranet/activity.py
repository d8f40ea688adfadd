"""Recent activity shown on home pages. Apps call :func:`record_activity` from their services.

Messages are rendered at display time from a verb registry, so each reader sees them in their
own language.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from extranet.models import Activity, Space

_VERBS: dict[str, Any] = {
    "member.joined": _("%(actor)s a rejoint l'espace"),
    "space.created": _("Espace créé"),
    "space.updated": _("%(actor)s a mis à jour la présentation de l'espace"),
}


def register_activity_verbs(verbs: dict[str, Any]) -> None:
    """Apps declare their verbs: ``{"documents.added": _("%(actor)s a déposé %(object)s")}``."""
    for verb, message in verbs.items():
        if verb in _VERBS:
            raise ValueError(f"Activity verb {verb!r} is already registered")
        _VERBS[verb] = message


def describe(activity: Activity) -> str:
    template = _VERBS.get(activity.verb)
    actor = str(activity.actor) if activity.actor_id else str(_("Une personne"))
    if template is None:
        return activity.object_label or activity.verb
    return str(template) % {"actor": actor, "object": activity.object_label}


def record_activity(
    *, space: Space, actor: Any, verb: str, object_label: str = "", url: str = ""
) -> Activity:
    if verb not in _VERBS:
        raise ValueError(f"Unknown activity verb {verb!r}: register it first")
    return Activity.objects.create(
        space=space, actor=actor, verb=verb, object_label=object_label[:300], url=url[:300]
    )


def latest_activity_by_space(
    space_ids: list[int], *, per_space: int = 3
) -> dict[int, list[Activity]]:
    """The latest ``per_space`` activities of each space, in one query whatever the count."""
    if not space_ids:
        return {}
    ranked = (
        Activity.objects.filter(space_id__in=space_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("space_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_space)
        .select_related("actor")
        .order_by("space_id", "rank")
    )
    grouped: dict[int, list[Activity]] = defaultdict(list)
    for activity in ranked:
        grouped[activity.space_id].append(activity)
    return grouped
