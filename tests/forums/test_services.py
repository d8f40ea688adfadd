"""Forum services: who may write, numbering, edits and history, mentions, watching, live hook."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from extranet.models import Activity, Notification
from extranet.roles import Role
from extranet.services.memberships import add_member
from forums import live
from forums.models import Post, PostRevision, ReadState, TopicWatch, WatchLevel
from forums.services import moderation, notifications, watching
from forums.services.mentions import handles_for, mentioned_handles
from forums.services.posting import create_topic, edit_post, post_reply
from tests.conftest import make_user
from tests.forums.conftest import membership_of, open_topic, reply

ROLES = ["space_admin", "editor", "member", "reader"]


def _notified(topic_name: str) -> set[str]:
    return {
        n.recipient.email
        for n in Notification.objects.filter(topic=topic_name).select_related("recipient")
    }


# --- role matrix --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("space_admin", True), ("editor", True), ("member", True), ("reader", False)],
)
def test_who_may_open_topics_and_reply(cast, space, category, topic, role, allowed):
    membership = membership_of(cast[role], space)
    if allowed:
        opened = create_topic(membership=membership, category=category, title="T", body="B")
        answer = post_reply(membership=membership, topic=topic, body="Réponse")
        assert opened.posts.get().number == 1 and answer.number == 2
    else:
        with pytest.raises(PermissionDenied):
            create_topic(membership=membership, category=category, title="T", body="B")
        with pytest.raises(PermissionDenied):
            post_reply(membership=membership, topic=topic, body="Réponse")
        assert topic.posts.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("space_admin", True), ("editor", True), ("member", False), ("reader", False)],
)
def test_who_may_moderate(cast, space, topic, role, allowed):
    membership = membership_of(cast[role], space)
    post = topic.posts.get()
    actions = [
        lambda: moderation.set_topic_pinned(membership=membership, topic=topic, pinned=True),
        lambda: moderation.set_topic_locked(membership=membership, topic=topic, locked=True),
        lambda: moderation.hide_post(membership=membership, post=post, reason="Hors sujet"),
        lambda: moderation.hide_topic(membership=membership, topic=topic, reason="Doublon"),
    ]
    for action in actions:
        if allowed:
            action()
        else:
            with pytest.raises(PermissionDenied):
                action()
    topic.refresh_from_db()
    assert topic.is_pinned is allowed and topic.is_locked is allowed


@pytest.mark.django_db
def test_member_of_another_space_cannot_write_into_a_topic(space, other_space, outsider, topic):
    membership = membership_of(outsider, other_space)
    with pytest.raises(PermissionDenied):
        post_reply(membership=membership, topic=topic, body="Intrus")
    with pytest.raises(PermissionDenied):
        moderation.set_topic_locked(membership=membership, topic=topic, locked=True)


# --- posting ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_replies_are_numbered_and_counted_and_recorded(space, member, editor, topic):
    first = reply(editor, space, topic, "Deux")
    second = reply(member, space, topic, "Trois")
    topic.refresh_from_db()
    assert (first.number, second.number) == (2, 3)
    assert topic.post_count == 3 and topic.last_number == 3
    assert topic.last_post_author == member
    assert set(
        Activity.objects.filter(verb__startswith="forums.").values_list("verb", flat=True)
    ) == {
        "forums.topic_created",
        "forums.replied",
    }


@pytest.mark.django_db
def test_starting_or_replying_watches_the_topic_and_reads_it(space, member, editor, topic):
    reply(editor, space, topic)
    levels = dict(TopicWatch.objects.filter(topic=topic).values_list("user__email", "level"))
    assert levels == {member.email: "watching", editor.email: "watching"}
    assert ReadState.objects.get(user=editor, topic=topic).last_read_number == 2
    # an explicit choice is kept when one replies again
    watching.set_topic_watch(
        membership=membership_of(editor, space), topic=topic, level=WatchLevel.MUTED
    )
    reply(editor, space, topic)
    assert TopicWatch.objects.get(user=editor, topic=topic).level == "muted"


@pytest.mark.django_db
def test_empty_messages_are_refused(space, member, category, topic):
    from forums.exceptions import EmptyContent

    with pytest.raises(EmptyContent):
        reply(member, space, topic, "   \n ")
    with pytest.raises(EmptyContent):
        open_topic(member, space, category, title="  ", body="Texte")


@pytest.mark.django_db
def test_author_edits_own_post_and_history_is_kept(space, member, editor, topic):
    post = topic.posts.get()
    membership = membership_of(member, space)
    edit_post(membership=membership, post=post, body="Corrigé", title="Budget 2026 de l'école")
    edit_post(membership=membership, post=post, body="Corrigé deux fois")
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.body == "Corrigé deux fois" and post.edited_at is not None
    assert topic.title == "Budget 2026 de l'école"
    revisions = list(PostRevision.objects.filter(post=post).order_by("created_at", "pk"))
    assert [r.body for r in revisions] == ["Premier message.", "Corrigé"]
    assert revisions[0].title == "Budget de l'école" and revisions[1].title == ""
    # saving the same content again makes no revision
    edit_post(membership=membership, post=post, body="Corrigé deux fois")
    assert PostRevision.objects.filter(post=post).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["space_admin", "editor", "reader"])
def test_nobody_edits_someone_elses_post(cast, space, topic, role):
    post = topic.posts.get()
    with pytest.raises(PermissionDenied):
        edit_post(membership=membership_of(cast[role], space), post=post, body="Réécrit")
    post.refresh_from_db()
    assert post.body == "Premier message." and not post.revisions.exists()


@pytest.mark.django_db
def test_member_cannot_edit_in_a_locked_topic(space, member, editor, topic):
    moderation.set_topic_locked(membership=membership_of(editor, space), topic=topic, locked=True)
    with pytest.raises(PermissionDenied):
        edit_post(membership=membership_of(member, space), post=topic.posts.get(), body="Après")


# --- mentions -----------------------------------------------------------------------------------


def test_mention_syntax():
    body = (
        "Merci @Éric.Éditeur et @membre. Voir marie@exemple.fr, `@code.ignore` et\n"
        "> @cite.ignore dans une citation\n"
        "```\n@bloc.ignore\n```\n"
        "Fin, @jean-pierre.martin."
    )
    assert mentioned_handles(body) == {"eric.editeur", "membre", "jean-pierre.martin"}

    class Person:
        email = "m.durand@commune.fr"
        full_name = "Élise  Le Dû"

    assert handles_for(Person()) == {"m.durand", "elise.le.du"}


@pytest.mark.django_db
def test_mentions_notify_space_members_only(
    cast, space, other_space, category, run_on_commit, mailoutbox
):
    stranger = make_user("marie.membre@ailleurs.test", "Marie Membre")  # same name, no membership
    with run_on_commit():
        open_topic(
            cast["editor"],
            space,
            category,
            title="Ordre du jour",
            body="Avis de @marie.membre, @lecteur et @olivier.dehors ? Et @dehors ?",
        )
    assert _notified("forums.mention") == {"membre@elus.test", "lecteur@elus.test"}
    recipients = {n.recipient for n in Notification.objects.all()}
    assert cast["outsider"] not in recipients and stranger not in recipients
    # mentions are e-mailed at once by default
    assert sorted(m.to[0] for m in mailoutbox) == ["lecteur@elus.test", "membre@elus.test"]


@pytest.mark.django_db
def test_edit_notifies_newly_mentioned_members_once(cast, space, topic, run_on_commit):
    post = topic.posts.get()
    membership = membership_of(cast["member"], space)
    with run_on_commit():
        edit_post(membership=membership, post=post, body="Cc @lecteur")
    with run_on_commit():
        edit_post(membership=membership, post=post, body="Cc @lecteur et @editeur")
    with run_on_commit():
        edit_post(membership=membership, post=post, body="Cc @editeur")
    with run_on_commit():
        edit_post(membership=membership, post=post, body="Cc @editeur, @lecteur")
    notified = list(
        Notification.objects.filter(topic="forums.mention").values_list(
            "recipient__email", flat=True
        )
    )
    assert sorted(notified) == ["editeur@elus.test", "lecteur@elus.test"]


@pytest.mark.django_db
def test_a_member_who_left_is_not_notified(cast, space, category, run_on_commit):
    from extranet.models import Membership

    Membership.objects.filter(user=cast["reader"], space=space).delete()
    with run_on_commit():
        open_topic(cast["member"], space, category, body="@lecteur ?")
    assert not Notification.objects.exists()


# --- watching -----------------------------------------------------------------------------------


def _set_category(user, space, category, level):
    watching.set_category_watch(
        membership=membership_of(user, space), category=category, level=level
    )


@pytest.mark.django_db
def test_watching_levels_for_new_topics_and_replies(cast, space, category, run_on_commit):
    _set_category(cast["reader"], space, category, WatchLevel.WATCHING)
    _set_category(cast["editor"], space, category, WatchLevel.FIRST_POST)
    _set_category(cast["space_admin"], space, category, WatchLevel.MUTED)
    with run_on_commit():
        topic = open_topic(cast["member"], space, category)
    assert _notified("forums.new_topic") == {"lecteur@elus.test", "editeur@elus.test"}

    with run_on_commit():
        reply(cast["member"], space, topic, "Précision de l'auteur")
    # first-post watchers hear of new topics only; the author never hears of their own posts
    assert _notified("forums.reply") == {"lecteur@elus.test"}

    watching.set_topic_watch(
        membership=membership_of(cast["reader"], space), topic=topic, level=WatchLevel.MUTED
    )
    Notification.objects.all().delete()
    with run_on_commit():
        reply(cast["editor"], space, topic, "Réponse de l'éditeur, @lecteur @admin")
    # the topic author watches automatically; muted people are never told, even when mentioned
    assert _notified("forums.reply") == {"membre@elus.test"}
    assert _notified("forums.mention") == set()


@pytest.mark.django_db
def test_normal_level_hears_only_mentions(cast, space, category, topic, run_on_commit):
    watching.set_topic_watch(
        membership=membership_of(cast["member"], space), topic=topic, level=WatchLevel.NORMAL
    )
    with run_on_commit():
        reply(cast["editor"], space, topic, "Sans mention")
    assert not Notification.objects.exists()
    with run_on_commit():
        reply(cast["editor"], space, topic, "Avec mention, @membre")
    assert _notified("forums.mention") == {"membre@elus.test"}
    assert _notified("forums.reply") == set()


@pytest.mark.django_db
def test_replying_makes_one_hear_of_later_replies(cast, space, topic, run_on_commit):
    with run_on_commit():
        reply(cast["editor"], space, topic, "J'en suis")
    Notification.objects.all().delete()
    with run_on_commit():
        reply(cast["member"], space, topic, "Merci")
    assert _notified("forums.reply") == {"editeur@elus.test"}


@pytest.mark.django_db
def test_notifying_twice_sends_nothing_more(cast, space, topic, run_on_commit):
    with run_on_commit():
        answer = reply(cast["editor"], space, topic)
    assert Notification.objects.count() == 1
    assert notifications.notify_new_post(answer.pk) == 0
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_category_normal_level_forgets_the_choice(cast, space, category):
    _set_category(cast["member"], space, category, WatchLevel.WATCHING)
    _set_category(cast["member"], space, category, WatchLevel.NORMAL)
    assert not category.watches.exists()


@pytest.mark.django_db
def test_first_post_is_not_a_topic_level(cast, space, topic):
    with pytest.raises(ValueError):
        watching.set_topic_watch(
            membership=membership_of(cast["member"], space),
            topic=topic,
            level=WatchLevel.FIRST_POST,
        )


@pytest.mark.django_db
def test_hidden_topic_replies_reach_moderators_only(cast, space, topic, run_on_commit):
    editor = membership_of(cast["editor"], space)
    _set_category(cast["reader"], space, topic.category, WatchLevel.WATCHING)
    _set_category(cast["space_admin"], space, topic.category, WatchLevel.WATCHING)
    moderation.hide_topic(membership=editor, topic=topic, reason="Données personnelles")
    with run_on_commit():
        post_reply(membership=editor, topic=topic, body="Note de modération")
    assert _notified("forums.reply") == {"admin@elus.test"}


# --- live hook ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_live_events_are_published_after_commit_only(
    cast, space, topic, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(live, "publish", published.append)
    membership = membership_of(cast["editor"], space)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        post_reply(membership=membership, topic=topic, body="Annulé")
        raise RuntimeError
    assert published == [] and topic.posts.count() == 1

    with django_capture_on_commit_callbacks() as callbacks:
        answer = post_reply(membership=membership, topic=topic, body="Gardé")
    assert published == []  # not before the commit
    for callback in callbacks:
        callback()
    assert published == [
        live.ForumEvent(
            kind=live.EventKind.POST_CREATED,
            space_id=space.pk,
            category_id=topic.category_id,
            topic_id=topic.pk,
            post_id=answer.pk,
            post_number=answer.number,
        )
    ]


@pytest.mark.django_db
def test_new_member_starts_with_everything_unread(space, topic):
    newcomer = make_user("nouvelle@elus.test", "Nina Nouvelle")
    add_member(space=space, user=newcomer, role=Role.READER)
    from forums import selectors

    (row,) = selectors.categories_for(membership_of(newcomer, space))
    assert row.unread_count == 1


@pytest.mark.django_db
def test_a_space_goes_with_its_forums_but_a_used_category_stays(space, category, topic):
    from django.db.models import RestrictedError

    from forums.models import Category

    with pytest.raises(RestrictedError):
        category.delete()
    space.delete()
    assert not Category.objects.exists() and not Post.objects.exists()


@pytest.mark.django_db
def test_staff_see_titles_in_the_admin_and_change_nothing(client, staff, topic):
    from django.urls import reverse

    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    listing = client.get(reverse("admin:forums_topic_changelist")).content.decode()
    assert "Budget de l&#x27;école" in listing and "Premier message." not in listing
    change = reverse("admin:forums_topic_change", args=[topic.pk])
    assert client.post(change, {"title": "Changé"}).status_code == 403
