"""Who may do what in the forums: the one place these rules live.

Readers read; members open topics and reply; editors and admins moderate and manage categories.
Every rule also checks that the object belongs to the caller's space.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from extranet.models import Membership
from extranet.roles import Role, register_abilities
from forums.models import Post, Topic

register_abilities(
    {
        "forums.view": Role.READER,
        "forums.post": Role.MEMBER,
        "forums.moderate": Role.EDITOR,
        "forums.manage_categories": Role.EDITOR,
    }
)

LOCKED_MESSAGE = _("Ce sujet est verrouillé : il n'accepte plus de réponses.")
HIDDEN_TOPIC_MESSAGE = _("Ce sujet est masqué par la modération : il n'accepte plus de réponses.")


def in_space(membership: Membership, topic: Topic) -> bool:
    return topic.space_id == membership.space_id


def can_moderate(membership: Membership) -> bool:
    return membership.can("forums.moderate")


def can_see_hidden(membership: Membership) -> bool:
    """Moderators read hidden content in full; everyone else sees the reason only."""
    return can_moderate(membership)


def can_reply(membership: Membership, topic: Topic) -> bool:
    """Members reply to open topics; moderators reply even to locked or hidden ones."""
    if not in_space(membership, topic) or not membership.can("forums.post"):
        return False
    if can_moderate(membership):
        return True
    return not topic.is_locked and not topic.is_hidden


def can_edit(membership: Membership, post: Post) -> bool:
    """Authors edit their own posts while the topic is open and the post is not hidden."""
    topic = post.topic
    if not in_space(membership, topic) or not membership.can("forums.post"):
        return False
    if post.author_id != membership.user_id:
        return False
    if can_moderate(membership):
        return True
    return not (topic.is_locked or topic.is_hidden or post.is_hidden)


def can_quote(membership: Membership, post: Post) -> bool:
    return can_reply(membership, post.topic) and (not post.is_hidden or can_see_hidden(membership))
