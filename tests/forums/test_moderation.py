"""Moderation: pin, lock, hide, move, split — what members then see, the audit log, search."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import reverse

from extranet.models import AuditEvent
from forums.exceptions import InvalidSplit, TopicLocked
from forums.models import Post, ReadState, Topic, TopicWatch
from forums.services import moderation
from forums.services.categories import create_category
from forums.services.posting import post_reply
from tests.forums.conftest import membership_of, open_topic, reply, url


def _actions():
    return list(
        AuditEvent.objects.filter(
            Q(action__startswith="forums.topic_") | Q(action__startswith="forums.post_")
        ).values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_pinned_topics_come_first(client, cast, space, category):
    old = open_topic(cast["member"], space, category, title="Ancien sujet")
    open_topic(cast["member"], space, category, title="Sujet récent")
    client.force_login(cast["editor"])
    assert client.post(url("topic_pin", pk=old.pk), {"pinned": "1"}).status_code == 302
    page = client.get(url("category", pk=category.pk)).content.decode()
    assert page.index("Ancien sujet") < page.index("Sujet récent")
    assert "Épinglé" in page
    client.post(url("topic_pin", pk=old.pk), {"pinned": "0"})
    page = client.get(url("category", pk=category.pk)).content.decode()
    assert page.index("Sujet récent") < page.index("Ancien sujet")
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="forums.")} >= {
        "forums.topic_pinned",
        "forums.topic_unpinned",
    }


@pytest.mark.django_db
def test_locked_topic_refuses_members_with_a_clear_message(client, cast, space, topic):
    client.force_login(cast["editor"])
    client.post(url("topic_lock", pk=topic.pk), {"locked": "1"})
    topic.refresh_from_db()
    assert topic.is_locked

    with pytest.raises(TopicLocked):
        post_reply(membership=membership_of(cast["member"], space), topic=topic, body="Et moi ?")

    client.force_login(cast["member"])
    response = client.post(url("reply", pk=topic.pk), {"body": "Et moi ?"})
    assert response.status_code == 403
    assert "Ce sujet est verrouillé : il n&#x27;accepte plus de réponses." in (
        response.content.decode()
    )
    assert client.get(url("reply", pk=topic.pk)).status_code == 403
    page = html.unescape(client.get(url("topic", pk=topic.pk)).content.decode())
    assert "il n'accepte plus de réponses" in page and 'name="body"' not in page
    assert topic.posts.count() == 1

    # moderators may still reply; unlocking opens it again
    client.force_login(cast["editor"])
    assert client.post(url("reply", pk=topic.pk), {"body": "Clos."}).status_code == 302
    client.post(url("topic_lock", pk=topic.pk), {"locked": "0"})
    client.force_login(cast["member"])
    assert client.post(url("reply", pk=topic.pk), {"body": "Merci"}).status_code == 302
    assert topic.posts.count() == 3
    assert AuditEvent.objects.filter(action="forums.topic_locked", actor=cast["editor"]).exists()
    assert AuditEvent.objects.filter(action="forums.topic_unlocked").exists()


@pytest.mark.django_db
def test_hidden_post_shows_the_reason_to_members_and_everything_to_moderators(
    client, cast, space, topic
):
    rude = reply(cast["member"], space, topic, "Propos **déplacés** sur un collègue")
    client.force_login(cast["editor"])
    response = client.post(url("post_hide", pk=rude.pk), {"reason": "Attaque personnelle"})
    assert response.status_code == 302
    masked = "Message masqué par la modération : Attaque personnelle"

    for role in ("member", "reader"):
        client.force_login(cast[role])
        page = client.get(url("topic", pk=topic.pk)).content.decode()
        assert masked in page and "déplacés" not in page
        # the author cannot quote nor edit it any more
        assert f"?quote={rude.pk}" not in page
    client.force_login(cast["member"])
    assert client.get(url("post_edit", pk=rude.pk)).status_code == 403
    assert (
        client.get(url("reply", pk=topic.pk), {"quote": rude.pk}).content.decode().count("déplacés")
        == 0
    )

    client.force_login(cast["space_admin"])
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert masked in page and "<strong>déplacés</strong>" in page

    event = AuditEvent.objects.get(action="forums.post_hidden")
    assert event.actor == cast["editor"] and event.details["reason"] == "Attaque personnelle"
    assert event.details["post"] == rude.pk

    client.force_login(cast["editor"])
    client.post(url("post_unhide", pk=rude.pk))
    client.force_login(cast["member"])
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert masked not in page and "déplacés" in page
    assert AuditEvent.objects.filter(action="forums.post_unhidden").exists()


@pytest.mark.django_db
def test_a_reason_is_required_to_hide(client, cast, topic):
    client.force_login(cast["editor"])
    response = client.post(url("post_hide", pk=topic.posts.get().pk), {"reason": "  "})
    assert response.status_code == 400
    assert not Post.objects.filter(hidden_at__isnull=False).exists()


@pytest.mark.django_db
def test_hidden_topic(client, cast, space, category, topic):
    reply(cast["editor"], space, topic, "Contenu de la réponse")
    client.force_login(cast["editor"])
    client.post(url("topic_hide", pk=topic.pk), {"reason": "Données personnelles"})
    masked = "Sujet masqué par la modération : Données personnelles"

    client.force_login(cast["member"])
    listing = client.get(url("category", pk=category.pk)).content.decode()
    assert masked in listing and "Budget de l&#x27;école" not in listing
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert masked in page
    assert "Premier message." not in page and "Contenu de la réponse" not in page
    response = client.post(url("reply", pk=topic.pk), {"body": "Pourquoi ?"})
    assert response.status_code == 403 and "masqué par la modération" in response.content.decode()

    client.force_login(cast["space_admin"])
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert "Budget de l&#x27;école" in page and "Contenu de la réponse" in page
    assert "Masqué aux membres : Données personnelles" in page
    assert AuditEvent.objects.get(action="forums.topic_hidden").details["reason"] == (
        "Données personnelles"
    )


@pytest.mark.django_db
def test_move_topic_within_the_space_only(client, cast, space, other_space, category, topic):
    target = create_category(membership=membership_of(cast["editor"], space), name="Écoles")
    elsewhere = create_category(membership=membership_of(cast["outsider"], other_space), name="Z")
    client.force_login(cast["editor"])
    page = client.get(url("topic_move", pk=topic.pk)).content.decode()
    assert "Écoles" in page and ">Z<" not in page
    # a category of another space is not a choice
    assert client.post(url("topic_move", pk=topic.pk), {"category": elsewhere.pk}).status_code == (
        400
    )
    with pytest.raises(PermissionDenied):
        moderation.move_topic(
            membership=membership_of(cast["editor"], space), topic=topic, category=elsewhere
        )
    assert client.post(url("topic_move", pk=topic.pk), {"category": target.pk}).status_code == 302
    topic.refresh_from_db()
    assert topic.category == target and topic.space == space
    event = AuditEvent.objects.get(action="forums.topic_moved")
    assert event.details["from_category"] == category.pk and event.details["to_category"] == (
        target.pk
    )


@pytest.mark.django_db
def test_split_selected_replies_into_a_new_topic(client, cast, space, category, topic):
    posts = {1: topic.posts.get()}
    for n in range(2, 7):
        posts[n] = reply(cast["editor"] if n % 2 else cast["member"], space, topic, f"R{n}")
    reader = membership_of(cast["reader"], space)
    from forums.services.reading import mark_topic_read

    mark_topic_read(membership=reader, topic=topic, up_to=4)
    target = create_category(membership=membership_of(cast["editor"], space), name="Écoles")

    client.force_login(cast["editor"])
    page = client.get(url("topic_split", pk=topic.pk)).content.decode()
    assert f'type="checkbox" name="posts" value="{posts[2].pk}"' in page
    assert f'name="posts" value="{posts[1].pk}"' not in page
    response = client.post(
        url("topic_split", pk=topic.pk),
        {"posts": [posts[3].pk, posts[5].pk], "title": "Cantine", "category": target.pk},
    )
    assert response.status_code == 302
    new = Topic.objects.get(title="Cantine")
    assert new.category == target and new.space == space
    assert list(new.posts.order_by("number").values_list("body", "number")) == [
        ("R3", 1),
        ("R5", 2),
    ]
    assert new.post_count == 2 and new.author == cast["editor"]
    topic.refresh_from_db()
    assert topic.post_count == 4
    assert list(topic.posts.values_list("number", flat=True)) == [1, 2, 4, 6]
    # permanent links follow the moved posts
    assert client.get(url("post", pk=posts[5].pk))["Location"].endswith(
        f"/forums/topics/{new.pk}/#message-2"
    )
    # the reader had read R3 (not R5); watchers of the old topic watch the new one
    assert ReadState.objects.get(user=cast["reader"], topic=new).last_read_number == 1
    assert set(TopicWatch.objects.filter(topic=new).values_list("user__email", flat=True)) == {
        "membre@elus.test",
        "editeur@elus.test",
    }
    event = AuditEvent.objects.get(action="forums.topic_split")
    assert event.details["new_topic"] == new.pk and event.details["numbers"] == [3, 5]


@pytest.mark.django_db
def test_split_refuses_the_opening_post_and_foreign_posts(cast, space, category, topic):
    editor = membership_of(cast["editor"], space)
    other = open_topic(cast["member"], space, category, title="Autre")
    answer = reply(cast["member"], space, topic)
    for ids in ([topic.posts.get(number=1).pk], [other.posts.get().pk], []):
        with pytest.raises(InvalidSplit):
            moderation.split_topic(
                membership=editor, topic=topic, post_ids=ids, title="X", category=category
            )
    with pytest.raises(InvalidSplit):
        moderation.split_topic(
            membership=editor,
            topic=topic,
            post_ids=[answer.pk, other.posts.get().pk],
            title="X",
            category=category,
        )
    assert Topic.objects.count() == 2


@pytest.mark.django_db
def test_moderation_actions_are_all_audited(cast, space, category, topic):
    editor = membership_of(cast["editor"], space)
    answer = reply(cast["member"], space, topic, "Réponse")
    other = create_category(membership=editor, name="Autre")
    moderation.set_topic_pinned(membership=editor, topic=topic, pinned=True)
    moderation.set_topic_locked(membership=editor, topic=topic, locked=True)
    moderation.hide_post(membership=editor, post=answer, reason="Hors sujet")
    moderation.unhide_post(membership=editor, post=answer)
    moderation.hide_topic(membership=editor, topic=topic, reason="Doublon")
    moderation.unhide_topic(membership=editor, topic=topic)
    moderation.move_topic(membership=editor, topic=topic, category=other)
    moderation.split_topic(
        membership=editor, topic=topic, post_ids=[answer.pk], title="Suite", category=other
    )
    assert sorted(_actions()) == sorted(
        [
            "forums.topic_pinned",
            "forums.topic_locked",
            "forums.post_hidden",
            "forums.post_unhidden",
            "forums.topic_hidden",
            "forums.topic_unhidden",
            "forums.topic_moved",
            "forums.topic_split",
        ]
    )
    assert all(
        e.space == space and e.actor == cast["editor"]
        for e in AuditEvent.objects.filter(action__startswith="forums.")
    )


@pytest.mark.django_db
def test_audit_page_lists_forum_actions_for_admins(client, cast, space, topic):
    moderation.set_topic_locked(
        membership=membership_of(cast["editor"], space), topic=topic, locked=True
    )
    client.force_login(cast["space_admin"])
    page = client.get(reverse("spaces:audit", kwargs={"slug": "elus"})).content.decode()
    assert "Sujet verrouillé" in page


# --- search -------------------------------------------------------------------------------------


def _search(client, q, **params):
    return client.get(reverse("search"), {"q": q, **params}).content.decode()


@pytest.mark.django_db
def test_posts_are_searchable_and_hidden_ones_are_not(client, cast, space, category, run_on_commit):
    with run_on_commit():
        topic = open_topic(
            cast["member"], space, category, title="Ramassage scolaire", body="Horaires du car"
        )
        rude = reply(cast["member"], space, topic, "Le chauffeur du car est incompétent")
    client.force_login(cast["reader"])
    assert "Ramassage scolaire" in _search(client, "horaires")
    assert "incompétent" in _search(client, "chauffeur")
    assert "Ramassage scolaire" in _search(client, "ramassage", kind="post")
    assert "Ramassage" in _search(client, "chauffeur", forum_category=category.pk)
    assert "Ramassage" not in _search(client, "chauffeur", forum_category=category.pk + 1000)

    editor = membership_of(cast["editor"], space)
    with run_on_commit():
        moderation.hide_post(membership=editor, post=rude, reason="Attaque personnelle")
    assert "incompétent" not in _search(client, "chauffeur")
    assert "0 résultat" in _search(client, "chauffeur")
    assert "Ramassage scolaire" in _search(client, "horaires")

    with run_on_commit():
        moderation.hide_topic(membership=editor, topic=topic, reason="Doublon")
    assert "0 résultat" in _search(client, "horaires")
    with run_on_commit():
        moderation.unhide_topic(membership=editor, topic=topic)
        moderation.unhide_post(membership=editor, post=rude)
    assert "incompétent" in _search(client, "chauffeur")

    client.force_login(cast["outsider"])
    assert "0 résultat" in _search(client, "horaires")


@pytest.mark.django_db
def test_edits_and_moves_are_reindexed(
    client, cast, space, category, other_category, run_on_commit
):
    with run_on_commit():
        topic = open_topic(cast["member"], space, category, title="Piscine", body="Fermée")
    with run_on_commit():
        from forums.services.posting import edit_post

        edit_post(
            membership=membership_of(cast["member"], space),
            post=topic.posts.get(),
            body="Réouverture en juin",
            title="Piscine intercommunale",
        )
    client.force_login(cast["reader"])
    assert "0 résultat" in _search(client, "fermée")
    assert "Piscine intercommunale" in _search(client, "réouverture")
    with run_on_commit():
        moderation.move_topic(
            membership=membership_of(cast["editor"], space), topic=topic, category=other_category
        )
    assert "Piscine" in _search(client, "juin", forum_category=other_category.pk)
    assert "0 résultat" in _search(client, "juin", forum_category=category.pk)


@pytest.mark.django_db
def test_rebuilding_the_index_skips_hidden_posts(cast, space, topic):
    from forums.indexing import iter_all_entries

    answer = reply(cast["member"], space, topic, "À masquer")
    moderation.hide_post(
        membership=membership_of(cast["editor"], space), post=answer, reason="Hors sujet"
    )
    entries = list(iter_all_entries())
    assert [e.key for e in entries] == [f"forums.post:{topic.posts.get(number=1).pk}"]
    assert entries[0].kind == "post" and entries[0].title == "Budget de l'école"
