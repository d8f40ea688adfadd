"""What the search index knows about the forums: one entry (kind ``post``) per readable post.

A topic is found through its posts: the opening post carries the topic title, replies carry
"Re : <title>". Hidden posts, and every post of a hidden topic, are removed from the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from extranet.search import IndexEntry, get_backend
from forums.models import Post, PostQuerySet

KEY_PREFIX = "forums.post:"
KIND = "post"
CATEGORY_FACET = "forum_category"


def key_for(post_id: int) -> str:
    return f"{KEY_PREFIX}{post_id}"


def entry_for(post: Post) -> IndexEntry:
    topic = post.topic
    return IndexEntry(
        key=key_for(post.pk),
        space_id=post.space_id,
        kind=KIND,
        title=topic.title if post.is_first else f"Re : {topic.title}",
        body=post.body,
        url=post.get_absolute_url(),
        date=post.created_at,
        author_id=post.author_id,
        author_name=str(post.author) if post.author_id else "",
        facets={CATEGORY_FACET: str(topic.category_id)},
    )


def _queryset() -> PostQuerySet:
    return Post.objects.select_related("topic", "space", "author")


def _is_indexable(post: Post) -> bool:
    return not post.is_hidden and not post.topic.is_hidden


def index_posts(post_ids: Iterable[int]) -> None:
    """Bring the index in line with these posts: readable ones (re)indexed, hidden or deleted
    ones removed. Idempotent."""
    wanted = set(post_ids)
    if not wanted:
        return
    posts = list(_queryset().filter(pk__in=wanted))
    entries = [entry_for(post) for post in posts if _is_indexable(post)]
    indexed = {post.pk for post in posts if _is_indexable(post)}
    backend = get_backend()
    stale = {key_for(pk) for pk in wanted - indexed}
    if stale:
        backend.delete(stale)
    if entries:
        backend.index(entries)


def index_topic(topic_id: int) -> None:
    """Re-index every post of a topic (its title, category or visibility changed)."""
    index_posts(Post.objects.filter(topic_id=topic_id).values_list("pk", flat=True))


def iter_all_entries() -> Iterator[IndexEntry]:
    for post in _queryset().shown().iterator(chunk_size=500):
        yield entry_for(post)
