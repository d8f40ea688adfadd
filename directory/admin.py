"""Site staff extend the lists the directory offers (kinds of organisation, themes) here.

Cards are not edited here: their writes go through the services (audit, search index, address
books), on the directory's own pages, by their holders and the directory editors. Staff see
only names in these lists (no contact detail: being staff opens no card), and may delete a
card (a removal request); the search index and address books follow after commit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from directory.changes import cards_changed
from directory.models import Organisation, OrganisationKind, Person, Theme


@admin.register(OrganisationKind)
class OrganisationKindAdmin(admin.ModelAdmin[OrganisationKind]):
    list_display = ["name", "name_en", "code", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_en", "code"]
    prepopulated_fields = {"code": ["name"]}

    def save_model(
        self, request: HttpRequest, obj: OrganisationKind, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change:
            # Kind names are in the organisations' (and their people's) index entries.
            organisations = list(obj.organisations.values_list("pk", flat=True))
            people = Person.objects.filter(functions__organisation__kind=obj).values_list(
                "pk", flat=True
            )
            cards_changed(organisation_ids=organisations, person_ids=list(people))


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Theme, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            cards_changed(
                person_ids=list(obj.people.values_list("pk", flat=True)),
                organisation_ids=list(obj.organisations.values_list("pk", flat=True)),
            )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Theme]) -> None:
        people = list(Person.objects.filter(themes__in=queryset).values_list("pk", flat=True))
        organisations = list(
            Organisation.objects.filter(themes__in=queryset).values_list("pk", flat=True)
        )
        super().delete_queryset(request, queryset)
        cards_changed(person_ids=people, organisation_ids=organisations)

    def delete_model(self, request: HttpRequest, obj: Theme) -> None:
        people = list(obj.people.values_list("pk", flat=True))
        organisations = list(obj.organisations.values_list("pk", flat=True))
        super().delete_model(request, obj)
        cards_changed(person_ids=people, organisation_ids=organisations)


class _NamesOnly:
    """Lists of cards for staff: names and freshness, nothing a card's audiences protect."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(_NamesOnly, admin.ModelAdmin[Person]):
    list_display = ["last_name", "first_name", "user", "last_verified_at", "portal_intent"]
    list_filter = ["portal_intent"]
    search_fields = ["last_name", "first_name", "user__email"]
    fields = ["first_name", "last_name", "user", "last_verified_at", "portal_intent"]
    list_select_related = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(_NamesOnly, admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "commune", "last_verified_at", "portal_intent"]
    list_filter = ["kind", "portal_intent"]
    search_fields = ["name", "commune"]
    fields = ["name", "kind", "commune", "parent", "last_verified_at", "portal_intent"]
    list_select_related = ["kind"]
