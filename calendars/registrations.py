"""What the calendars app declares to the core."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from calendars import policy  # noqa: F401  (registers the abilities)
from calendars.dav.paths import link_name
from calendars.models import AvailabilityShare, SpaceCalendar
from calendars.publishing import EVENT_KIND
from extranet.audit import register_audit_actions
from extranet.demo import register_demo_module
from extranet.models import Space
from extranet.portal.registry import register_publishable
from extranet.tenancy import (
    SpaceTab,
    TenantResource,
    TenantRoute,
    register_site_urls,
    register_space_tab,
    register_space_urls,
    register_tenant_resource,
)

register_audit_actions(
    {
        "calendars.app_password_created": _("Mot de passe d'application créé"),
        "calendars.app_password_revoked": _("Mot de passe d'application révoqué"),
        "calendars.dav_login_failed": _("Échec de connexion d'un client d'agenda"),
        "calendars.feed_created": _("Lien d'abonnement d'agenda créé"),
        "calendars.feed_revoked": _("Lien d'abonnement d'agenda révoqué"),
        "calendars.availability_shared": _("Disponibilités partagées avec un autre espace"),
        "calendars.availability_unshared": _("Partage de disponibilités retiré"),
    }
)
register_site_urls("", "calendars.site_urls")
register_site_urls("agenda/", "calendars.agenda_urls")
register_site_urls("calendars/", "calendars.feeds_urls")
register_space_urls("agenda/", "calendars.urls")
register_space_urls("agenda-settings/", "calendars.space_settings_urls")


# --- isolation test samples (space-level routes answer 404 to outsiders before any DAV call) ----
def _space_kwargs(calendar: Any) -> dict[str, Any]:
    return {"slug": calendar.space.slug}


def _calendar_kwargs(calendar: Any) -> dict[str, Any]:
    return {"slug": calendar.space.slug, "pk": calendar.pk}


def _sample_calendar(space: Any, author: Any) -> SpaceCalendar:
    calendar, _created = SpaceCalendar.objects.get_or_create(
        space=space, slug="reunions", defaults={"name": "Réunions"}
    )
    return calendar


def _sample_share(space: Any, author: Any) -> AvailabilityShare:
    calendar = _sample_calendar(space, author)
    target = Space.objects.create(
        name="Partenaire", slug=f"partenaire-cal-{calendar.pk}", kind="project"
    )
    return AvailabilityShare.objects.create(calendar=calendar, space=target, created_by=author)


# The agenda's space pages (calendars.urls): the door answers 404 before any CalDAV request.
register_space_tab(SpaceTab(_("Agenda"), "calendars:index", "calendars.view", "calendars"))


def _event_kwargs(calendar: Any) -> dict[str, Any]:
    collection = link_name(calendar.space.slug, calendar.slug)
    return {"slug": calendar.space.slug, "collection": collection, "uid": "conseil-1"}


def _event_data(calendar: Any) -> dict[str, Any]:
    return {
        "calendar": link_name(calendar.space.slug, calendar.slug),
        "title": "Intrus",
        "start_date": "2026-12-03",
        "start_time": "18:00",
        "recurrence": "none",
    }


AGENDA_ROUTES = (
    TenantRoute("calendars:index", _space_kwargs),
    TenantRoute("calendars:week", _space_kwargs),
    TenantRoute("calendars:list", _space_kwargs),
    TenantRoute("calendars:event_create", _space_kwargs),
    TenantRoute("calendars:event_create", _space_kwargs, method="post", data=_event_data),
    TenantRoute("calendars:event_detail", _event_kwargs),
    TenantRoute("calendars:event_edit", _event_kwargs),
    TenantRoute("calendars:event_edit", _event_kwargs, method="post", data=_event_data),
    TenantRoute("calendars:event_delete", _event_kwargs),
    TenantRoute("calendars:event_delete", _event_kwargs, method="post"),
    TenantRoute("calendars:event_propose", _event_kwargs, method="post"),
)


register_tenant_resource(
    TenantResource(
        model=SpaceCalendar,
        space_of=lambda c: c.space,
        sample=_sample_calendar,
        routes=(
            *AGENDA_ROUTES,
            TenantRoute("calendar_settings:index", _space_kwargs),
            TenantRoute(
                "calendar_settings:index",
                _space_kwargs,
                method="post",
                data=lambda c: {"add_calendar": "1", "name": "Intrus", "color": "#000000"},
            ),
            TenantRoute(
                "calendar_settings:calendar_update",
                _calendar_kwargs,
                method="post",
                data=lambda c: {"name": "Piraté", "color": "#000000"},
            ),
            TenantRoute("calendar_settings:availability", _space_kwargs),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=AvailabilityShare,
        space_of=lambda s: s.calendar.space,
        sample=_sample_share,
        routes=(
            TenantRoute(
                "calendar_settings:availability_remove",
                lambda s: {"slug": s.calendar.space.slug, "pk": s.pk},
                method="post",
            ),
        ),
    )
)
register_space_tab(
    SpaceTab(
        _("Réglages de l'agenda"),
        "calendar_settings:index",
        "calendars.manage",
        "calendar_settings",
    )
)


register_demo_module("calendars", "calendars.demo")
# Events of space calendars on the public portal, after review (calendars/publishing.py).
register_publishable(EVENT_KIND)
