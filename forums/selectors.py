"""Reads of the forums. Every read starts from the caller's membership; counts of unread posts
come from one grouped query per page, whatever the number of categories or topics."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from extranet.models import Membership
from forums import policy
from forums.models import (
    Category,
    CategoryWatch,
    Post,
    PostRevision,
    ReadState,
    Topic,
    TopicWatch,
    WatchLevel,
)

POSTS_PER_PAGE = 30
TOPICS_PER_PAGE = 30


def _topics(membership: Membership) -> QuerySet[Topic]:
    """Topics listed to the caller: members do not see hidden topics counted as unread."""
    return Topic.objects.in_space(membership.space)


def _counted_topics(membership: Membership) -> QuerySet[Topic]:
    topics = _topics(membership)
    if not policy.can_see_hidden(membership):
        topics = topics.filter(hidden_at__isnull=True)
    return topics


def _with_read_state(topics: QuerySet[Topic], membership: Membership) -> QuerySet[Topic]:
    """Join the caller's reading position (0 when never opened): one LEFT JOIN, no N+1."""
    return topics.annotate(
        my_state=FilteredRelation("read_states", condition=Q(read_states__user=membership.user))
    ).annotate(last_read=Coalesce(F("my_state__last_read_number"), Value(0)))


# --- categories -------------------------------------------------------------------------------


@dataclass
class CategoryRow:
    category: Category
    topic_count: int
    post_count: int
    unread_count: int
    last_topic: Topic | None


def categories_for(membership: Membership) -> list[CategoryRow]:
    """The space's categories in order, with counts, unread posts and latest topic (5 queries)."""
    counted = _counted_topics(membership)
    latest = counted.filter(category=OuterRef("pk")).order_by("-last_post_at", "-pk")
    categories = list(
        Category.objects.in_space(membership.space)
        .annotate(last_topic_id=Subquery(latest.values("pk")[:1]))
        .order_by("position", "name")
    )
    stats: dict[int, tuple[int, int]] = {
        category_id: (topics, posts or 0)
        for category_id, topics, posts in counted.values("category_id")
        .annotate(topic_total=Count("pk"), post_total=Sum("post_count"))
        .values_list("category_id", "topic_total", "post_total")
    }
    unread = dict(
        _with_read_state(counted, membership)
        .values("category_id")
        .annotate(unread=Count("posts", filter=Q(posts__number__gt=F("last_read"))))
        .values_list("category_id", "unread")
    )
    last_ids = [c.last_topic_id for c in categories if c.last_topic_id]  # type: ignore[attr-defined]
    last_topics = (
        Topic.objects.filter(pk__in=last_ids).select_related("last_post_author").in_bulk()
        if last_ids
        else {}
    )
    return [
        CategoryRow(
            category=category,
            topic_count=stats.get(category.pk, (0, 0))[0],
            post_count=stats.get(category.pk, (0, 0))[1],
            unread_count=unread.get(category.pk, 0),
            last_topic=last_topics.get(category.last_topic_id),  # type: ignore[attr-defined]
        )
        for category in categories
    ]


def all_categories(membership: Membership) -> list[Category]:
    return list(Category.objects.in_space(membership.space).order_by("position", "name"))


def category_for(membership: Membership, pk: int) -> Category:
    category = Category.objects.in_space(membership.space).select_related("space").filter(pk=pk)
    found = category.first()
    if found is None:
        raise Http404
    return found


def category_watch_level(membership: Membership, category: Category) -> WatchLevel:
    level = (
        CategoryWatch.objects.filter(user=membership.user, category=category)
        .values_list("level", flat=True)
        .first()
    )
    return WatchLevel(level or WatchLevel.NORMAL)


# --- topics -----------------------------------------------------------------------------------


def topics_in_category(membership: Membership, category: Category) -> QuerySet[Topic]:
    """Pinned first, then latest activity; each with ``last_read`` and ``unread_count``."""
    topics = _topics(membership).filter(category=category)
    return (
        _with_read_state(topics, membership)
        .annotate(unread_count=Count("posts", filter=Q(posts__number__gt=F("last_read"))))
        .select_related("author", "last_post_author")
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )


def topics_page(membership: Membership, category: Category, page: Any) -> Page[Topic]:
    return Paginator(topics_in_category(membership, category), TOPICS_PER_PAGE).get_page(page)


def topic_for(membership: Membership, pk: int) -> Topic:
    """A topic of the caller's space (hidden ones too: the page shows the reason); else 404."""
    topic = (
        _topics(membership)
        .select_related("category", "space", "author", "hidden_by")
        .filter(pk=pk)
        .first()
    )
    if topic is None:
        raise Http404
    return topic


def last_read_number(membership: Membership, topic: Topic) -> int:
    number = (
        ReadState.objects.filter(user=membership.user, topic=topic)
        .values_list("last_read_number", flat=True)
        .first()
    )
    return number or 0


def topic_watch_level(membership: Membership, topic: Topic) -> WatchLevel:
    """The caller's level for a topic: their own choice, else the category's."""
    own = (
        TopicWatch.objects.filter(user=membership.user, topic=topic)
        .values_list("level", flat=True)
        .first()
    )
    if own:
        return WatchLevel(own)
    inherited = category_watch_level(membership, topic.category)
    return WatchLevel.NORMAL if inherited == WatchLevel.FIRST_POST else inherited


# --- posts ------------------------------------------------------------------------------------


def posts_page(topic: Topic, page: Any) -> Page[Post]:
    posts = topic.posts.select_related("author", "hidden_by").order_by("number")
    return Paginator(posts, POSTS_PER_PAGE).get_page(page)


def posts_after(topic: Topic, number: int, limit: int = POSTS_PER_PAGE) -> list[Post]:
    """The first ``limit`` posts of ``topic`` numbered after ``number``, in order (live pages)."""
    posts = topic.posts.filter(number__gt=number).select_related("author", "hidden_by")
    return list(posts.order_by("number")[:limit])


def page_of(topic: Topic, number: int) -> int:
    """The page of ``topic`` where post ``number`` is shown (numbers may have gaps)."""
    position = topic.posts.filter(number__lte=number).count()
    return max(1, math.ceil(position / POSTS_PER_PAGE))


def first_unread_number(membership: Membership, topic: Topic) -> int | None:
    """Number of the first post after the caller's reading position, None when all are read."""
    last_read = last_read_number(membership, topic)
    found = (
        topic.posts.filter(number__gt=last_read)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    return found


def last_number_of(topic: Topic) -> int:
    top = topic.posts.aggregate(top=Max("number"))["top"]
    return int(top or 1)


def post_for(membership: Membership, pk: int) -> Post:
    post = (
        Post.objects.in_space(membership.space)
        .select_related("topic", "topic__category", "topic__space", "author", "space")
        .filter(pk=pk)
        .first()
    )
    if post is None:
        raise Http404
    return post


def replies_of(topic: Topic) -> QuerySet[Post]:
    """Every post but the opening one, for the split form."""
    return topic.posts.exclude(number=1).select_related("author").order_by("number")


def revisions_of(post: Post) -> list[PostRevision]:
    return list(post.revisions.select_related("edited_by").order_by("created_at", "pk"))


def quote_for(membership: Membership, post: Post) -> str:
    """The Markdown a reply starts with when quoting ``post``: its author, a link to it, and
    its text as a blockquote. Empty when the caller may not quote it (hidden, other space)."""
    if not policy.can_quote(membership, post):
        return ""
    header = _("**%(author)s** a écrit ([message n° %(number)s](%(url)s)) :") % {
        "author": str(post.author) if post.author_id else _("Une personne"),
        "number": post.number,
        "url": post.get_absolute_url(),
    }
    lines = [header, "", *post.body.splitlines()]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"
