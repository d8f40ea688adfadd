"""Reading state: unread counts, first unread, mark read, and no N+1 on the hot pages."""

from __future__ import annotations

import pytest

from extranet.roles import Role
from extranet.services.memberships import add_member
from forums import selectors
from forums.models import ReadState
from forums.services import reading
from tests.conftest import make_user
from tests.forums.conftest import membership_of, open_topic, reply, url


def _unread_by_category(user, space):
    return {
        row.category.name: row.unread_count
        for row in selectors.categories_for(membership_of(user, space))
    }


def _unread_by_topic(user, space, category):
    return {
        t.title: t.unread_count
        for t in selectors.topics_in_category(membership_of(user, space), category)
    }


@pytest.mark.django_db
def test_counts_follow_what_each_member_read(client, cast, space, category, other_category):
    budget = open_topic(cast["member"], space, category, title="Budget")
    open_topic(cast["member"], space, other_category, title="Chaussée")
    reply(cast["editor"], space, budget, "Deux")
    reply(cast["editor"], space, budget, "Trois")

    # the author read their topic when opening it, not the editor's replies
    assert _unread_by_topic(cast["member"], space, category) == {"Budget": 2}
    assert _unread_by_category(cast["member"], space) == {
        "Conseils communautaires": 2,
        "Voirie": 0,
    }
    # the editor read up to their last reply; they never opened "Chaussée"
    assert _unread_by_category(cast["editor"], space) == {
        "Conseils communautaires": 0,
        "Voirie": 1,
    }
    assert _unread_by_category(cast["reader"], space) == {
        "Conseils communautaires": 3,
        "Voirie": 1,
    }

    client.force_login(cast["reader"])
    page = client.get(url("index")).content.decode()
    assert "3 non lus" in page and "1 non lu" in page
    client.get(url("topic", pk=budget.pk))
    assert _unread_by_category(cast["reader"], space)["Conseils communautaires"] == 0
    reply(cast["member"], space, budget, "Quatre")
    assert _unread_by_topic(cast["reader"], space, category) == {"Budget": 1}


@pytest.mark.django_db
def test_reading_never_goes_backwards(cast, space, topic):
    for i in range(2, 6):
        reply(cast["editor"], space, topic, f"Réponse {i}")
    membership = membership_of(cast["reader"], space)
    reading.mark_topic_read(membership=membership, topic=topic, up_to=4)
    reading.mark_topic_read(membership=membership, topic=topic, up_to=2)
    assert ReadState.objects.get(user=cast["reader"], topic=topic).last_read_number == 4


@pytest.mark.django_db
def test_jump_to_first_unread_across_pages(client, cast, space, topic):
    for i in range(2, 41):
        reply(cast["editor"], space, topic, f"Réponse {i}")
    client.force_login(cast["reader"])
    # never opened: the first unread is the opening post
    response = client.get(url("topic_unread", pk=topic.pk))
    assert response["Location"].endswith(f"/forums/topics/{topic.pk}/#message-1")
    client.get(url("topic", pk=topic.pk))  # page 1 shows posts 1-30
    response = client.get(url("topic_unread", pk=topic.pk))
    assert response["Location"].endswith(f"/forums/topics/{topic.pk}/?page=2#message-31")
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert "Aller au premier message non lu" in page
    client.get(url("topic", pk=topic.pk), {"page": 2})
    # everything read: the link leads to the last post
    response = client.get(url("topic_unread", pk=topic.pk))
    assert response["Location"].endswith("?page=2#message-40")
    page = client.get(url("topic", pk=topic.pk), {"page": 2}).content.decode()
    assert "Aller au premier message non lu" not in page


@pytest.mark.django_db
def test_new_posts_are_marked_on_the_page(client, cast, space, topic):
    client.force_login(cast["reader"])
    client.get(url("topic", pk=topic.pk))
    reply(cast["editor"], space, topic, "Nouvelle réponse")
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert page.count("is-unread") == 1
    assert 'class="forum-post is-unread" id="message-2"' in page


@pytest.mark.django_db
def test_mark_category_and_space_read(client, cast, space, category, other_category):
    for i in range(3):
        open_topic(cast["member"], space, category, title=f"Sujet {i}")
    open_topic(cast["member"], space, other_category, title="Trottoirs")
    client.force_login(cast["reader"])
    response = client.post(url("mark_category_read", pk=category.pk))
    assert response.status_code == 302
    assert _unread_by_category(cast["reader"], space) == {
        "Conseils communautaires": 0,
        "Voirie": 1,
    }
    client.post(url("mark_space_read"))
    assert set(_unread_by_category(cast["reader"], space).values()) == {0}
    # others keep their own state
    assert _unread_by_category(cast["editor"], space)["Conseils communautaires"] == 3


@pytest.mark.django_db
def test_hidden_topics_do_not_count_for_members(cast, space, category, topic):
    from forums.services.moderation import hide_topic

    hide_topic(membership=membership_of(cast["editor"], space), topic=topic, reason="Doublon")
    assert _unread_by_category(cast["reader"], space)["Conseils communautaires"] == 0
    assert _unread_by_category(cast["space_admin"], space)["Conseils communautaires"] == 1


def _populate(space, category, authors, topics, replies):
    for t in range(topics):
        opened = open_topic(authors[t % len(authors)], space, category, title=f"Sujet {t}")
        for r in range(replies):
            reply(authors[(t + r + 1) % len(authors)], space, opened, f"Réponse {r}")
    return opened


def _many_authors(space, count=6, prefix="auteur"):
    people = []
    for i in range(count):
        user = make_user(f"{prefix}{i}@elus.test", f"{prefix.title()} {i}")
        add_member(space=space, user=user, role=Role.MEMBER)
        people.append(user)
    return people


@pytest.mark.django_db
def test_hot_pages_have_a_fixed_number_of_queries(
    client, cast, space, category, other_category, django_assert_max_num_queries
):
    authors = _many_authors(space)
    last = _populate(space, category, authors, topics=12, replies=2)
    _populate(space, other_category, authors, topics=3, replies=0)
    for r in range(40):
        reply(authors[r % len(authors)], space, last, f"Encore {r}")
    client.force_login(cast["reader"])
    client.get(url("topic", pk=last.pk))  # a read state among others

    with django_assert_max_num_queries(12):
        assert client.get(url("index")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("category", pk=category.pk)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url("topic", pk=last.pk), {"page": 2}).status_code == 200
    client.force_login(cast["editor"])  # moderators see more buttons, not more queries
    with django_assert_max_num_queries(16):
        assert client.get(url("topic", pk=last.pk)).status_code == 200


@pytest.mark.django_db
def test_query_count_does_not_grow_with_content(client, cast, space, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    authors = _many_authors(space, count=3)
    small = _populate(space, category, authors, topics=2, replies=1)

    def count(path, **params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path, params).status_code == 200
        return len(ctx)

    client.force_login(cast["reader"])
    client.get(url("topic", pk=small.pk))
    before = [count(url("index")), count(url("category", pk=category.pk))]
    topic_before = count(url("topic", pk=small.pk))

    more = _many_authors(space, count=5, prefix="autre")
    big = _populate(space, category, authors + more, topics=10, replies=6)
    client.get(url("topic", pk=big.pk))
    after = [count(url("index")), count(url("category", pk=category.pk))]
    assert after == before
    assert count(url("topic", pk=big.pk)) == topic_before
