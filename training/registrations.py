"""What the training app declares to the core (abilities, URLs, tabs, topics, portal kinds)."""

from __future__ import annotations

import training.notifications  # noqa: F401  (topics and audit actions of the services)
from training import policy  # noqa: F401  (registers the abilities)


# --- web (participants' pages, WEB-CAT): the catalogue under /formations/ ---
def _register_catalogue_urls() -> None:
    from extranet.tenancy import register_site_urls

    register_site_urls("formations/", "training.urls")


_register_catalogue_urls()


# --- portal, search, demo (PUB): the public slice, the search entries, the demo's catalogue ---
def _register_public_slice() -> None:
    from django.utils.translation import gettext_lazy as _

    from extranet.demo import register_demo_module
    from extranet.portal.registry import register_publishable
    from extranet.search.registry import register_indexer
    from extranet.search_ui import SearchKind, register_search_kind
    from training import indexing, receivers  # noqa: F401  (receivers connect on import)
    from training.publishing import COURSE_KIND

    register_publishable(COURSE_KIND)
    register_indexer("training", indexing.iter_all_entries)
    register_search_kind(SearchKind(indexing.KIND, _("Formations")))
    register_demo_module("training", "training.demo")


_register_public_slice()


# --- web (managers' and trainers' pages, WEB-MGT): /s/<slug>/formations/, the "Formations" tab,
# the trainers' pages under /formations/, and the tenant resources walked by
# tests/test_isolation.py (a user of another space gets 404 on each route, nothing changes) ---
def _register_management() -> None:
    from datetime import timedelta
    from decimal import Decimal
    from typing import Any

    from django.utils import timezone
    from django.utils.translation import gettext_lazy as _

    from extranet.tenancy import (
        SpaceTab,
        TenantResource,
        TenantRoute,
        register_site_urls,
        register_space_tab,
        register_space_urls,
        register_tenant_resource,
    )
    from training.models import (
        Course,
        CourseResource,
        CourseStatus,
        Reach,
        Registration,
        RegistrationStatus,
        ResourceKind,
        Session,
        SessionPart,
        Theme,
    )

    register_space_urls("formations/", "training.space_urls")
    register_site_urls("formations/", "training.trainer_urls")
    register_space_tab(
        SpaceTab(_("Formations"), "training_space:index", "training.view", "training_space")
    )

    def sample_course(space: Any, author: Any) -> Course:
        n = Course.objects.filter(space=space).count() + 1
        return Course.objects.create(
            space=space,
            slug=f"securite-numerique-{n}",
            title="Sécurité numérique",
            summary="Protéger ses comptes et ses données.",
            theme=Theme.SECURITY,
            duration_hours=Decimal("3"),
            objectives="Choisir un mot de passe solide",
            reach=Reach.SPACE,
            status=CourseStatus.DRAFT,
            created_by=author,
        )

    def sample_session(space: Any, author: Any) -> Session:
        # Started an hour ago: attendance could be marked, were the caller allowed to.
        start = timezone.now() - timedelta(hours=1)
        session = Session.objects.create(
            course=sample_course(space, author),
            trainer=author,
            capacity=8,
            place_name="Médiathèque",
            commune="Mauriac",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            created_by=author,
        )
        SessionPart.objects.create(
            session=session, starts_at=start, ends_at=start + timedelta(hours=3)
        )
        return session

    def sample_registration(space: Any, author: Any) -> Registration:
        return Registration.objects.create(
            session=sample_session(space, author),
            full_name="Inès Inscrite",
            email="ines.inscrite@elus.test",
            registered_by=author,
            status=RegistrationStatus.CONFIRMED,
        )

    def sample_resource(space: Any, author: Any) -> CourseResource:
        return CourseResource.objects.create(
            course=sample_course(space, author),
            kind=ResourceKind.LINK,
            title="Guide de l'ANSSI",
            url="https://cyber.gouv.fr/",
        )

    def space_of_course(c: Any) -> dict[str, Any]:
        return {"slug": c.space.slug}

    def course_kwargs(c: Any) -> dict[str, Any]:
        return {"slug": c.space.slug, "course_slug": c.slug}

    def resource_kwargs(r: Any) -> dict[str, Any]:
        return {"slug": r.course.space.slug, "course_slug": r.course.slug, "pk": r.pk}

    def session_kwargs(s: Any) -> dict[str, Any]:
        return {"slug": s.course.space.slug, "pk": s.pk}

    def course_data(c: Any) -> dict[str, Any]:
        return {
            "title": "Piraté",
            "summary": "Intrus",
            "audience": "all",
            "theme": "security",
            "level": "beginner",
            "duration_hours": "2",
            "format": "onsite",
            "objectives": "Intrus",
            "reach": "territory",
        }

    def session_data(obj: Any) -> dict[str, Any]:
        return {
            "parts-TOTAL_FORMS": "1",
            "parts-INITIAL_FORMS": "0",
            "parts-0-day": "2031-03-04",
            "parts-0-start": "09:00",
            "parts-0-end": "12:00",
            "capacity": "1",
            "place_name": "Ailleurs",
        }

    register_tenant_resource(
        TenantResource(
            model=Course,
            space_of=lambda c: c.space,
            sample=sample_course,
            routes=(
                TenantRoute("training_space:index", space_of_course),
                TenantRoute("training_space:course_create", space_of_course),
                TenantRoute("training_space:course_create", space_of_course, "post", course_data),
                TenantRoute("training_space:course", course_kwargs),
                TenantRoute("training_space:course_edit", course_kwargs),
                TenantRoute("training_space:course_edit", course_kwargs, "post", course_data),
                TenantRoute(
                    "training_space:course_status",
                    course_kwargs,
                    "post",
                    lambda c: {"status": "published"},
                ),
                TenantRoute("training_space:course_propose", course_kwargs, "post"),
                TenantRoute("training_space:resource_add", course_kwargs),
                TenantRoute(
                    "training_space:resource_add",
                    course_kwargs,
                    "post",
                    lambda c: {"kind": "link", "title": "Intrus", "url": "https://intrus.test/"},
                ),
                TenantRoute("training_space:session_create", course_kwargs),
                TenantRoute("training_space:session_create", course_kwargs, "post", session_data),
            ),
        )
    )
    register_tenant_resource(
        TenantResource(
            model=Session,
            space_of=lambda s: s.course.space,
            sample=sample_session,
            routes=(
                TenantRoute("training_space:session_edit", session_kwargs),
                TenantRoute("training_space:session_edit", session_kwargs, "post", session_data),
                TenantRoute("training_space:session_cancel", session_kwargs),
                TenantRoute(
                    "training_space:session_cancel",
                    session_kwargs,
                    "post",
                    lambda s: {"reason": "Intrus"},
                ),
                TenantRoute("training_space:session_open", session_kwargs, "post"),
                TenantRoute("training_space:session_done", session_kwargs, "post"),
                TenantRoute("training_trainer:registrants", lambda s: {"pk": s.pk}),
                TenantRoute("training_trainer:attendance", lambda s: {"pk": s.pk}),
                TenantRoute("training_trainer:export", lambda s: {"pk": s.pk}),
                TenantRoute("training_trainer:survey_results", lambda s: {"pk": s.pk}),
            ),
        )
    )
    register_tenant_resource(
        TenantResource(
            model=Registration,
            space_of=lambda r: r.session.course.space,
            sample=sample_registration,
            routes=(
                TenantRoute("training_trainer:registrants", lambda r: {"pk": r.session_id}),
                TenantRoute(
                    "training_trainer:attendance",
                    lambda r: {"pk": r.session_id},
                    "post",
                    lambda r: {f"reg-{r.pk}": "absent"},
                ),
            ),
        )
    )
    register_tenant_resource(
        TenantResource(
            model=CourseResource,
            space_of=lambda r: r.course.space,
            sample=sample_resource,
            routes=(
                TenantRoute(
                    "training_space:resource_delete",
                    resource_kwargs,
                    "post",
                ),
            ),
        )
    )


_register_management()


# --- calendars (CAL): the read-only published calendars (catalogue, trainers', registrants'),
# readable by whom training.policy says, over CalDAV and iCal feed URLs ---
def _register_calendars() -> None:
    from training import calendars

    calendars.register()


_register_calendars()
