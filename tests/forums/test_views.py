"""The forums through the real URL conf: role × route, writing, quoting, editing, the space tab."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from forums.models import Category, Post, Topic
from tests.forums.conftest import open_topic, reply, url

ROLES = ["space_admin", "editor", "member", "reader", "outsider"]


def _routes(category, topic, post):
    """(name, kwargs) of every page, for the GET matrix."""
    return {
        "index": {},
        "category": {"pk": category.pk},
        "topic": {"pk": topic.pk},
        "topic_unread": {"pk": topic.pk},
        "post": {"pk": post.pk},
        "topic_create": {"pk": category.pk},
        "reply": {"pk": topic.pk},
        "category_create": {},
        "category_edit": {"pk": category.pk},
        "topic_hide": {"pk": topic.pk},
        "topic_move": {"pk": topic.pk},
        "topic_split": {"pk": topic.pk},
        "post_hide": {"pk": post.pk},
        "post_history": {"pk": post.pk},
    }


# Expected status per page and role; redirects are the permanent links and "first unread".
READ = {"space_admin": 200, "editor": 200, "member": 200, "reader": 200, "outsider": 404}
WRITE = {"space_admin": 200, "editor": 200, "member": 200, "reader": 403, "outsider": 404}
MODERATE = {"space_admin": 200, "editor": 200, "member": 403, "reader": 403, "outsider": 404}
REDIRECT = {"space_admin": 302, "editor": 302, "member": 302, "reader": 302, "outsider": 404}
EXPECTED = {
    "index": READ,
    "category": READ,
    "topic": READ,
    "topic_unread": REDIRECT,
    "post": REDIRECT,
    "topic_create": WRITE,
    "reply": WRITE,
    "category_create": MODERATE,
    "category_edit": MODERATE,
    "topic_hide": MODERATE,
    "topic_move": MODERATE,
    "topic_split": MODERATE,
    "post_hide": MODERATE,
    "post_history": MODERATE,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_role_by_route(client, cast, space, category, topic, role, name):
    post = reply(cast["editor"], space, topic, "Réponse")
    client.force_login(cast[role])
    response = client.get(url(name, **_routes(category, topic, post)[name]))
    assert response.status_code == EXPECTED[name][role], (name, role)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status", "created"),
    [("member", 302, True), ("editor", 302, True), ("reader", 403, False)],
)
def test_opening_a_topic_by_role(client, cast, category, role, status, created):
    client.force_login(cast[role])
    response = client.post(
        url("topic_create", pk=category.pk),
        {"title": "Fermeture de la piscine", "body": "Des nouvelles du **syndicat** ?"},
    )
    assert response.status_code == status
    assert Topic.objects.filter(title="Fermeture de la piscine").exists() is created
    if created:
        page = client.get(response["Location"]).content.decode()
        assert "<strong>syndicat</strong>" in page
        assert 'id="message-1"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status", "created"),
    [("member", 302, True), ("space_admin", 302, True), ("reader", 403, False)],
)
def test_replying_by_role(client, cast, topic, role, status, created):
    client.force_login(cast[role])
    response = client.post(url("reply", pk=topic.pk), {"body": "Je confirme."})
    assert response.status_code == status
    assert Post.objects.filter(body="Je confirme.").exists() is created
    if created:
        answer = Post.objects.get(body="Je confirme.")
        assert response["Location"] == answer.get_absolute_url()
        target = client.get(response["Location"])
        assert target["Location"].endswith(f"/forums/topics/{topic.pk}/#message-2")


@pytest.mark.django_db
def test_reply_form_errors_are_shown(client, member, topic):
    client.force_login(member)
    response = client.post(url("reply", pk=topic.pk), {"body": ""})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


@pytest.mark.django_db
def test_quote_prefills_the_reply_with_a_blockquote_and_its_author(client, cast, space, topic):
    quoted = reply(cast["editor"], space, topic, "Le budget est voté.\nRéunion lundi.")
    client.force_login(cast["member"])
    topic_page = client.get(url("topic", pk=topic.pk)).content.decode()
    quote_link = reverse("forums:reply", kwargs={"slug": "elus", "pk": topic.pk})
    assert f"{quote_link}?quote={quoted.pk}" in topic_page
    page = client.get(url("reply", pk=topic.pk), {"quote": quoted.pk}).content.decode()
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.DOTALL).group(1)
    assert "&gt; **Éric Éditeur** a écrit ([message n° 2]" in textarea
    assert "&gt; Le budget est voté.\n&gt; Réunion lundi." in textarea
    # the quote is rendered as a blockquote once posted
    import html

    client.post(url("reply", pk=topic.pk), {"body": html.unescape(textarea) + "D'accord."})
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert "<blockquote>" in page and "<p>D'accord.</p>" in page


@pytest.mark.django_db
def test_quote_of_a_post_of_another_space_is_404(client, cast, space, other_space, topic):
    from extranet.roles import Role
    from extranet.services.memberships import add_member
    from forums.services.categories import create_category
    from forums.services.posting import create_topic
    from tests.forums.conftest import membership_of

    add_member(space=other_space, user=cast["member"], role=Role.MEMBER)
    elsewhere = create_topic(
        membership=membership_of(cast["member"], other_space),
        category=create_category(membership=membership_of(cast["outsider"], other_space), name="X"),
        title="Ailleurs",
        body="Secret de l'autre espace",
    )
    client.force_login(cast["member"])
    response = client.get(url("reply", pk=topic.pk), {"quote": elsewhere.posts.get().pk})
    assert response.status_code == 404


@pytest.mark.django_db
def test_author_edits_own_post_others_get_403(client, cast, topic):
    post = topic.posts.get()
    client.force_login(cast["editor"])
    assert client.get(url("post_edit", pk=post.pk)).status_code == 403
    assert client.post(url("post_edit", pk=post.pk), {"body": "x", "title": "y"}).status_code == 403
    client.force_login(cast["member"])
    page = client.get(url("post_edit", pk=post.pk)).content.decode()
    assert 'name="title"' in page  # the opening post carries the topic title
    response = client.post(
        url("post_edit", pk=post.pk), {"title": "Budget voté", "body": "Mise à jour"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Mise à jour" and post.topic.title == "Budget voté"
    topic_page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert "modifié le" in topic_page
    assert "Historique" not in topic_page  # history is for moderators
    client.force_login(cast["editor"])
    history = client.get(url("post_history", pk=post.pk)).content.decode()
    assert "Premier message." in history and "Budget de l&#x27;école" in history


@pytest.mark.django_db
def test_reply_edit_form_has_no_title(client, cast, space, topic):
    answer = reply(cast["member"], space, topic, "Réponse")
    client.force_login(cast["member"])
    assert 'name="title"' not in client.get(url("post_edit", pk=answer.pk)).content.decode()
    client.post(url("post_edit", pk=answer.pk), {"body": "Réponse corrigée"})
    answer.refresh_from_db()
    assert answer.body == "Réponse corrigée"


@pytest.mark.django_db
def test_forums_tab_and_pages_are_accessible(client, cast, space, category, topic):
    client.force_login(cast["reader"])
    home = client.get(reverse("spaces:home", kwargs={"slug": "elus"})).content.decode()
    assert f'href="{url("index")}"' in home and ">Forums<" in home
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert '<main id="contenu"' in page and "<h2>" in page
    assert 'aria-current="page">Forums<' in page
    assert 'id="message-1"' in page and 'href="#message-1"' in page
    # readers read only: no reply form, a sentence saying why
    assert url("reply", pk=topic.pk) + '"' not in page
    assert "permet de lire les forums, pas d" in page
    client.force_login(cast["member"])
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert '<label for="reply-body">' in page and '<label for="watch-level">' in page
    forms = re.findall(r"<form.*?</form>", page, re.DOTALL)
    assert forms and all("<button" in form for form in forms)
    assert '<input type="submit"' not in page


@pytest.mark.django_db
def test_topic_is_paginated_with_anchors(client, cast, space, topic):
    for i in range(2, 32):
        reply(cast["editor"], space, topic, f"Réponse {i}")
    client.force_login(cast["member"])
    first = client.get(url("topic", pk=topic.pk)).content.decode()
    assert 'id="message-30"' in first and 'id="message-31"' not in first
    assert "?page=2" in first
    second = client.get(url("topic", pk=topic.pk), {"page": 2}).content.decode()
    assert 'id="message-31"' in second and 'id="message-1"' not in second
    last = Post.objects.get(topic=topic, number=31)
    response = client.get(url("post", pk=last.pk))
    assert response["Location"].endswith(f"/forums/topics/{topic.pk}/?page=2#message-31")


@pytest.mark.django_db
def test_category_management(client, cast, space, category, other_category):
    client.force_login(cast["editor"])
    response = client.post(
        url("category_create"), {"name": "Tourisme", "description": "Saison", "position": 5}
    )
    assert response.status_code == 302
    assert (
        client.post(
            url("category_create"), {"name": "Tourisme", "description": "", "position": 6}
        ).status_code
        == 400
    )  # same name twice
    client.post(
        url("category_edit", pk=category.pk),
        {"name": "Conseils", "description": "Mis à jour", "position": 1},
    )
    category.refresh_from_db()
    assert category.name == "Conseils"
    client.post(url("category_move", pk=other_category.pk), {"direction": "up"})
    names = list(Category.objects.filter(space=space).values_list("name", flat=True))
    assert names[:2] == ["Voirie", "Conseils"]
    page = client.get(url("index")).content.decode()
    assert page.index("Voirie") < page.index("Conseils")

    open_topic(cast["member"], space, category)
    response = client.post(url("category_delete", pk=category.pk), follow=True)
    assert "contient des sujets" in response.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()
    client.post(url("category_delete", pk=other_category.pk))
    assert not Category.objects.filter(pk=other_category.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "reader"])
def test_members_and_readers_cannot_manage_categories(client, cast, category, role):
    client.force_login(cast[role])
    assert client.post(url("category_create"), {"name": "X", "position": 1}).status_code == 403
    assert client.post(url("category_delete", pk=category.pk)).status_code == 403
    assert Category.objects.count() == 1


@pytest.mark.django_db
def test_watch_forms(client, cast, space, category, topic):
    client.force_login(cast["reader"])
    client.post(url("category_watch", pk=category.pk), {"level": "first_post"})
    client.post(url("topic_watch", pk=topic.pk), {"level": "muted"})
    assert category.watches.get().level == "first_post"
    assert topic.watches.get(user=cast["reader"]).level == "muted"
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert re.search(r'<option value="muted" selected>', page)
    response = client.post(url("topic_watch", pk=topic.pk), {"level": "first_post"}, follow=True)
    assert "Choisissez un niveau de suivi" in response.content.decode()


@pytest.mark.django_db
def test_outsider_gets_404_and_nothing_changes(client, cast, topic):
    client.force_login(cast["outsider"])
    assert client.post(url("reply", pk=topic.pk), {"body": "hello"}).status_code == 404
    assert client.get(url("topic", pk=topic.pk)).status_code == 404
    assert Post.objects.filter(topic=topic).count() == 1


@pytest.mark.django_db
def test_pages_are_translated_to_english(client, settings, cast, topic):
    client.force_login(cast["member"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert "Post the reply" in page and "Publier la réponse" not in page
