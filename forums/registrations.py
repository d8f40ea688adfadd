"""What the forums declare to the core: abilities, verbs, audit actions, notification topics,
search indexer and kind, URLs, the space tab, and tenant resources for the isolation test."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from extranet.activity import register_activity_verbs
from extranet.audit import register_audit_actions
from extranet.demo import register_demo_module
from extranet.models import Membership
from extranet.models.notifications import EmailMode
from extranet.notifications import Topic as NotificationTopic
from extranet.notifications import register_topic
from extranet.routing import register_websocket_routes
from extranet.search.registry import register_indexer
from extranet.search_ui import SearchFacet, SearchKind, register_search_kind
from extranet.tenancy import (
    SpaceTab,
    TenantResource,
    TenantRoute,
    TenantSubscription,
    register_space_tab,
    register_space_urls,
    register_tenant_resource,
)
from forums import indexing, policy, routing  # noqa: F401  (policy registers the abilities)
from forums.models import Category, Post, PostRevision, Topic

register_activity_verbs(
    {
        "forums.topic_created": _("%(actor)s a ouvert le sujet « %(object)s »"),
        "forums.replied": _("%(actor)s a répondu à « %(object)s »"),
    }
)
register_audit_actions(
    {
        "forums.category_created": _("Catégorie de forum créée"),
        "forums.category_updated": _("Catégorie de forum modifiée"),
        "forums.category_deleted": _("Catégorie de forum supprimée"),
        "forums.topic_pinned": _("Sujet épinglé"),
        "forums.topic_unpinned": _("Sujet désépinglé"),
        "forums.topic_locked": _("Sujet verrouillé"),
        "forums.topic_unlocked": _("Sujet déverrouillé"),
        "forums.topic_hidden": _("Sujet masqué par la modération"),
        "forums.topic_unhidden": _("Sujet rétabli par la modération"),
        "forums.topic_moved": _("Sujet déplacé dans une autre catégorie"),
        "forums.topic_split": _("Réponses déplacées dans un nouveau sujet"),
        "forums.post_hidden": _("Message masqué par la modération"),
        "forums.post_unhidden": _("Message rétabli par la modération"),
    }
)
register_topic(
    NotificationTopic(
        name="forums.reply",
        label=_("Réponses dans les sujets que je suis"),
        message=_("%(actor)s a répondu à « %(object)s » (%(space)s)"),
        default_email=EmailMode.DAILY,
    )
)
register_topic(
    NotificationTopic(
        name="forums.new_topic",
        label=_("Nouveaux sujets dans les catégories de forum que je suis"),
        message=_("%(actor)s a ouvert le sujet « %(object)s » (%(space)s)"),
        default_email=EmailMode.DAILY,
    )
)
register_topic(
    NotificationTopic(
        name="forums.mention",
        label=_("Quand on me mentionne dans un forum (@prénom.nom)"),
        message=_("%(actor)s vous a mentionné·e dans « %(object)s » (%(space)s)"),
        default_email=EmailMode.IMMEDIATE,
    )
)
register_indexer("forums", indexing.iter_all_entries)
register_search_kind(
    SearchKind(
        indexing.KIND,
        _("Forums"),
        # Set by the search box of a category page (?forum_category=<id>); no list on the page.
        facets=(SearchFacet(indexing.CATEGORY_FACET, _("Catégorie de forum"), ()),),
    )
)
register_space_urls("forums/", "forums.urls")
register_space_tab(SpaceTab(_("Forums"), "forums:index", "forums.view", "forums"))
register_websocket_routes(routing.websocket_urlpatterns)


# --- isolation test samples -------------------------------------------------------------------


def _membership(space: Any, author: Any) -> Membership:
    return Membership.objects.select_related("space", "user").get(space=space, user=author)


def _sample_category(space: Any, author: Any) -> Category:
    from forums.services.categories import create_category

    return create_category(
        membership=_membership(space, author),
        name=f"Conseils communautaires {Category.objects.count() + 1}",
        description="Ordres du jour et suites des conseils.",
    )


def _sample_topic(space: Any, author: Any) -> Topic:
    from forums.services.posting import create_topic

    return create_topic(
        membership=_membership(space, author),
        category=_sample_category(space, author),
        title="Budget de l'école de Saint-Aubin",
        body="Qui a le tableau des effectifs de la rentrée ?",
    )


def _sample_post(space: Any, author: Any) -> Post:
    from forums.services.posting import post_reply

    return post_reply(
        membership=_membership(space, author),
        topic=_sample_topic(space, author),
        body="Je l'envoie demain, @claire.admin.",
    )


def _sample_revision(space: Any, author: Any) -> PostRevision:
    from forums.services.posting import edit_post

    post = _sample_post(space, author)
    edit_post(membership=_membership(space, author), post=post, body="Envoyé ce matin.")
    return post.revisions.get()


def _space(obj: Any) -> dict[str, Any]:
    return {"slug": obj.space.slug}


def _pk(obj: Any) -> dict[str, Any]:
    return {"slug": obj.space.slug, "pk": obj.pk}


def _post_kwargs(post: Any) -> dict[str, Any]:
    return {"slug": post.space.slug, "pk": post.pk}


def _category_of_topic(topic: Any) -> dict[str, Any]:
    return {"slug": topic.space.slug, "pk": topic.category_id}


def _open_topic_in(category: Any, author: Any) -> Topic:
    from forums.services.posting import create_topic

    return create_topic(
        membership=_membership(category.space, author),
        category=category,
        title="Nouveau sujet",
        body="Bonjour.",
    )


def _reply_to(topic: Any, author: Any) -> Post:
    from forums.services.posting import post_reply

    return post_reply(membership=_membership(topic.space, author), topic=topic, body="Réponse.")


LIVE_PATH = "/ws/forums/"


register_tenant_resource(
    TenantResource(
        model=Category,
        space_of=lambda c: c.space,
        sample=_sample_category,
        routes=(
            TenantRoute("forums:index", _space),
            TenantRoute("forums:mark_space_read", _space, method="post"),
            TenantRoute("forums:category_create", _space),
            TenantRoute(
                "forums:category_create",
                _space,
                method="post",
                data=lambda c: {"name": "Intrus", "description": "", "position": 1},
            ),
            TenantRoute("forums:category", _pk),
            TenantRoute("forums:category_edit", _pk),
            TenantRoute(
                "forums:category_edit",
                _pk,
                method="post",
                data=lambda c: {"name": "Piraté", "description": "", "position": 9},
            ),
            TenantRoute("forums:category_delete", _pk, method="post"),
            TenantRoute(
                "forums:category_move", _pk, method="post", data=lambda c: {"direction": "down"}
            ),
            TenantRoute("forums:mark_category_read", _pk, method="post"),
            TenantRoute(
                "forums:category_watch", _pk, method="post", data=lambda c: {"level": "watching"}
            ),
            TenantRoute("forums:topic_create", _pk),
            TenantRoute(
                "forums:topic_create",
                _pk,
                method="post",
                data=lambda c: {"title": "Intrus", "body": "Bonjour"},
            ),
        ),
        subscriptions=(
            TenantSubscription(
                LIVE_PATH, lambda c: {"subscribe": "space", "slug": c.space.slug}, _open_topic_in
            ),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=Topic,
        space_of=lambda t: t.space,
        sample=_sample_topic,
        routes=(
            TenantRoute("forums:topic", _pk),
            TenantRoute("forums:topic_unread", _pk),
            TenantRoute("forums:topic_fragment", _pk),
            TenantRoute("forums:reply", _pk),
            TenantRoute("forums:reply", _pk, method="post", data=lambda t: {"body": "intrus"}),
            TenantRoute(
                "forums:topic_watch", _pk, method="post", data=lambda t: {"level": "muted"}
            ),
            TenantRoute("forums:topic_pin", _pk, method="post", data=lambda t: {"pinned": "1"}),
            TenantRoute("forums:topic_lock", _pk, method="post", data=lambda t: {"locked": "1"}),
            TenantRoute("forums:topic_hide", _pk),
            TenantRoute(
                "forums:topic_hide", _pk, method="post", data=lambda t: {"reason": "intrus"}
            ),
            TenantRoute("forums:topic_unhide", _pk, method="post"),
            TenantRoute("forums:topic_move", _pk),
            TenantRoute(
                "forums:topic_move",
                _pk,
                method="post",
                data=lambda t: {"category": t.category_id},
            ),
            TenantRoute("forums:topic_split", _pk),
            TenantRoute(
                "forums:topic_split",
                _pk,
                method="post",
                data=lambda t: {"title": "Intrus", "category": t.category_id, "posts": []},
            ),
            TenantRoute("forums:category", _category_of_topic),
        ),
        subscriptions=(
            TenantSubscription(LIVE_PATH, lambda t: {"subscribe": "topic", "id": t.pk}, _reply_to),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=Post,
        space_of=lambda p: p.space,
        sample=_sample_post,
        routes=(
            TenantRoute("forums:post", _post_kwargs),
            TenantRoute("forums:post_fragment", _post_kwargs),
            TenantRoute("forums:post_edit", _post_kwargs),
            TenantRoute(
                "forums:post_edit", _post_kwargs, method="post", data=lambda p: {"body": "Piraté"}
            ),
            TenantRoute("forums:post_history", _post_kwargs),
            TenantRoute("forums:post_hide", _post_kwargs),
            TenantRoute(
                "forums:post_hide", _post_kwargs, method="post", data=lambda p: {"reason": "x"}
            ),
            TenantRoute("forums:post_unhide", _post_kwargs, method="post"),
            TenantRoute(
                "forums:reply",
                lambda p: {"slug": p.space.slug, "pk": p.topic_id},
                data=lambda p: {"quote": p.pk},
            ),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=PostRevision,
        space_of=lambda r: r.post.space,
        sample=_sample_revision,
        routes=(
            TenantRoute(
                "forums:post_history", lambda r: {"slug": r.post.space.slug, "pk": r.post_id}
            ),
        ),
    )
)


# --- demo territory ---------------------------------------------------------------------------
register_demo_module("forums", "forums.demo")
