"""Per-space forums: categories, topics, posts, their edit history, reading state and watches.

Topics and posts carry their ``space`` (denormalised from the category) so that every tenant
query filters on one column, like every other content model.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 200
BODY_MAX = 20_000
REASON_MAX = 300


class WatchLevel(models.TextChoices):
    """How much a member hears about a category or a topic.

    ``FIRST_POST`` only makes sense for a category (told of each new topic, not of replies).
    """

    WATCHING = "watching", _("Suivre : être prévenu·e de chaque message")
    FIRST_POST = "first_post", _("Nouveaux sujets : être prévenu·e de chaque nouveau sujet")
    NORMAL = "normal", _("Normal : seulement quand on me mentionne")
    MUTED = "muted", _("Silencieux : ne jamais être prévenu·e")


TOPIC_WATCH_LEVELS = (WatchLevel.WATCHING, WatchLevel.NORMAL, WatchLevel.MUTED)


class CategoryQuerySet(models.QuerySet["Category"]):
    def in_space(self, space: Any) -> CategoryQuerySet:
        return self.filter(space=space)

    def visible_to(self, user: Any) -> CategoryQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(space__memberships__user=user)


class Category(models.Model):
    """A section of a space's forums, in the order its editors chose."""

    space = models.ForeignKey(
        "extranet.Space", on_delete=models.CASCADE, related_name="forum_categories"
    )
    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["space", "name"], name="unique_forum_category_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:category", kwargs={"slug": self.space.slug, "pk": self.pk})


class Hideable(models.Model):
    """Content a moderator may hide, with a reason shown to members in its place."""

    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_reason = models.CharField(_("raison"), max_length=REASON_MAX, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class TopicQuerySet(models.QuerySet["Topic"]):
    def in_space(self, space: Any) -> TopicQuerySet:
        return self.filter(space=space)

    def visible_to(self, user: Any) -> TopicQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(space__memberships__user=user)


class Topic(Hideable):
    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="+")
    # RESTRICT: a category with topics cannot be deleted alone, but goes with its space.
    category = models.ForeignKey(Category, on_delete=models.RESTRICT, related_name="topics")
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_pinned = models.BooleanField(_("épinglé"), default=False)
    is_locked = models.BooleanField(_("verrouillé"), default=False)
    # Counters kept by the services: posts in the topic, and the highest number ever given to
    # one of its posts (numbers are never reused, so a split leaves gaps).
    post_count = models.PositiveIntegerField(default=0)
    last_number = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(default=timezone.now)
    last_post_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("sujet")
        verbose_name_plural = _("sujets")
        ordering = ["-is_pinned", "-last_post_at", "-pk"]
        indexes = [models.Index(fields=["category", "-is_pinned", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:topic", kwargs={"slug": self.space.slug, "pk": self.pk})


class PostQuerySet(models.QuerySet["Post"]):
    def in_space(self, space: Any) -> PostQuerySet:
        return self.filter(space=space)

    def visible_to(self, user: Any) -> PostQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(space__memberships__user=user)

    def shown(self) -> PostQuerySet:
        """Posts whose content members may read: neither they nor their topic are hidden."""
        return self.filter(hidden_at__isnull=True, topic__hidden_at__isnull=True)


class Post(Hideable):
    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    # Position in the topic, from 1 (the opening post); anchors are #message-<number>.
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=BODY_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    # Set once watchers and mentioned members were notified: the task runs at most once.
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["topic", "number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="unique_post_number")
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.number}"

    def get_absolute_url(self) -> str:
        """A permanent link: it follows the post when its topic is split or paginated."""
        return reverse("forums:post", kwargs={"slug": self.space.slug, "pk": self.pk})

    @property
    def is_first(self) -> bool:
        return self.number == 1

    @property
    def anchor(self) -> str:
        return f"message-{self.number}"


class PostRevisionQuerySet(models.QuerySet["PostRevision"]):
    def in_space(self, space: Any) -> PostRevisionQuerySet:
        return self.filter(post__space=space)

    def visible_to(self, user: Any) -> PostRevisionQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(post__space__memberships__user=user)


class PostRevision(models.Model):
    """The content of a post *before* one of its edits (the current content is on the post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    # The topic title before the edit, when the edit of an opening post changed it.
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("remplacé le"), default=timezone.now)

    objects = PostRevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("révision")
        verbose_name_plural = _("révisions")
        ordering = ["post", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.post} ({self.created_at:%Y-%m-%d %H:%M})"


class ReadState(models.Model):
    """How far a member has read a topic: every post numbered up to ``last_read_number``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="unique_forum_read_state")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic} #{self.last_read_number}"


class CategoryWatch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(max_length=12, choices=WatchLevel.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="unique_forum_category_watch")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.level} {self.category}"


class TopicWatch(models.Model):
    """A member's level on one topic; it overrides the level of the topic's category."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(
        max_length=12, choices=[(level.value, level.label) for level in TOPIC_WATCH_LEVELS]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="unique_forum_topic_watch")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.level} {self.topic}"
