"""One test for every app: a member of space A learns nothing about space B.

Apps register their content models and routes in ``extranet.tenancy``; this test walks the
registry, so a new app is covered as soon as it registers.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from extranet.tenancy import registered_route_names, tenant_resources

RESOURCES = tenant_resources()


def _route_cases():
    for resource in RESOURCES:
        for route in resource.routes:
            yield pytest.param(
                resource, route, id=f"{resource.model._meta.label}:{route.name}:{route.method}"
            )


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "route"), list(_route_cases()))
def test_member_of_another_space_gets_404(
    client, resource, route, other_space, outsider, space, space_admin
):
    sample = resource.sample(space, space_admin)
    client.force_login(outsider)
    model = resource.model
    before = model.objects.count()
    snapshot = {f.attname: getattr(sample, f.attname) for f in model._meta.concrete_fields}

    url = reverse(route.name, kwargs=route.kwargs(sample))
    data = route.data(sample) if route.data else {}
    response = getattr(client, route.method)(url, data)

    assert response.status_code == 404, f"{route.method.upper()} {url} → {response.status_code}"
    assert model.objects.count() == before
    reloaded = model.objects.get(pk=sample.pk)
    assert {
        f.attname: getattr(reloaded, f.attname) for f in model._meta.concrete_fields
    } == snapshot


@pytest.mark.django_db
@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.model._meta.label)
def test_visible_to_hides_other_spaces(resource, other_space, outsider, space, space_admin):
    sample = resource.sample(space, space_admin)
    manager = resource.model.objects
    if hasattr(manager, "visible_to"):
        assert not manager.visible_to(outsider).filter(pk=sample.pk).exists()
        assert manager.visible_to(space_admin).filter(pk=sample.pk).exists() or (
            resource.model._meta.label == "extranet.Invitation"
        )
    if hasattr(manager, "in_space"):
        assert not manager.in_space(other_space).filter(pk=sample.pk).exists()
        assert manager.in_space(resource.space_of(sample)).filter(pk=sample.pk).exists()


def _space_url_names(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _space_url_names(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            full = prefix + str(entry.pattern)
            if full.startswith("s/<slug:slug>/") and entry.name:
                yield f"{namespace}:{entry.name}" if namespace else entry.name


def test_every_space_url_is_registered_for_isolation():
    names = set(_space_url_names(get_resolver().url_patterns))
    assert names, "no space URL found: the walker is broken"
    missing = names - registered_route_names()
    assert not missing, f"space URLs missing from the tenancy registry: {sorted(missing)}"
