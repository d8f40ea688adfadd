"""Fragments the live script of a topic page fetches when the socket announces a post.

The socket only says "post 345, number 7, in topic 42"; these views render the posts for the
person asking, behind the same door and rules as the topic page (a member gets the reason of a
hidden post, a moderator its content), so no one's rendering is ever pushed to someone else.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from extranet.access import access_space
from extranet.models import Membership
from forums import policy, selectors
from forums.models import Post, Topic
from forums.services import reading


def _readable(membership: Membership, topic: Topic) -> Topic:
    # The topic page of a hidden topic shows members its reason only, never its posts.
    if topic.is_hidden and not policy.can_see_hidden(membership):
        raise Http404
    return topic


def _render(
    request: HttpRequest,
    membership: Membership,
    topic: Topic,
    posts: Sequence[Post],
    last_read: int,
) -> HttpResponse:
    for shown in posts:
        shown.topic = topic  # one shared instance: the policy reads it without a query per post
    context = {
        "membership": membership,
        "space": membership.space,
        "topic": topic,
        "posts": posts,
        "last_read": last_read,
        "can_moderate": policy.can_moderate(membership),
        "can_see_hidden": policy.can_see_hidden(membership),
        "editable": {shown.pk for shown in posts if policy.can_edit(membership, shown)},
        "quotable": {shown.pk for shown in posts if policy.can_quote(membership, shown)},
    }
    return render(request, "forums/_posts_fragment.html", context)


@never_cache
@login_required
def topic_fragment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The posts of a topic after number ``?after=`` (one page at most), as HTML articles.

    With ``?read=1`` the caller is shown them now: their reading position moves past them, as
    when the topic page itself is displayed.
    """
    membership = access_space(request.user, slug, need="forums.view")
    topic = _readable(membership, selectors.topic_for(membership, pk))
    after = request.GET.get("after", "")
    # Post numbers fit in 9 digits; anything else reads as 0 rather than failing in the database.
    posts = selectors.posts_after(topic, int(after) if after.isdigit() and len(after) < 10 else 0)
    last_read = selectors.last_read_number(membership, topic)
    if request.GET.get("read") == "1" and posts and posts[-1].number > last_read:
        reading.mark_topic_read(membership=membership, topic=topic, up_to=posts[-1].number)
    return _render(request, membership, topic, posts, last_read)


@never_cache
@login_required
def post_fragment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One post as an HTML article, as the topic page shows it to the caller (after an edit,
    or when a moderator hides or shows it again)."""
    membership = access_space(request.user, slug, need="forums.view")
    post = selectors.post_for(membership, pk)
    topic = _readable(membership, post.topic)
    last_read = selectors.last_read_number(membership, topic)
    return _render(request, membership, topic, [post], last_read)
