"""The /search/ page: only my spaces, filters inside the engine, nothing revealed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from extranet.search import IndexEntry, get_backend


def _entry(space, key, title, body):
    return IndexEntry(
        key=key,
        space_id=space.pk,
        kind="document",
        title=title,
        body=body,
        url=f"/s/{space.slug}/x/",
        date=timezone.now(),
    )


@pytest.mark.django_db
def test_results_come_only_from_my_spaces(client, cast, space, other_space):
    get_backend().index(
        [
            _entry(space, "t:1", "Conseil municipal", "Délibération budget école"),
            _entry(other_space, "t:2", "Saison touristique", "Budget école de voile"),
        ]
    )
    client.force_login(cast["member"])
    content = client.get(reverse("search"), {"q": "budget"}).content.decode()
    assert "Conseil municipal" in content and "Saison touristique" not in content
    assert "1 résultat" in content
    # asking for a space I am not in returns nothing and does not say whether it exists
    forced = client.get(reverse("search"), {"q": "budget", "space": "tourisme"}).content.decode()
    assert "0 résultat" in forced and "Saison" not in forced


@pytest.mark.django_db
def test_snippets_are_escaped(client, cast, space):
    get_backend().index([_entry(space, "t:3", "Note", "<script>alert(1)</script> budget annexe")])
    client.force_login(cast["member"])
    content = client.get(reverse("search"), {"q": "budget"}).content.decode()
    assert "<script>alert(1)" not in content
    assert "<mark>" in content


@pytest.mark.django_db
def test_search_requires_login(client):
    assert client.get(reverse("search"), {"q": "x"}).status_code == 302


@pytest.mark.django_db
def test_deleting_a_space_removes_its_entries(
    space, other_space, django_capture_on_commit_callbacks
):
    from extranet.search import SearchQuery

    get_backend().index(
        [
            _entry(space, "t:9", "Voirie", "voirie communale"),
            _entry(other_space, "t:10", "Voirie", "voirie"),
        ]
    )
    space_ids = [space.pk, other_space.pk]
    with django_capture_on_commit_callbacks(execute=True):
        space.delete()
    results = get_backend().search(SearchQuery(text="voirie", space_ids=space_ids))
    assert [hit.key for hit in results.hits] == ["t:10"]
