"""Rows the directory needs on every database: the default kinds of organisation and the
directory editors' group.

Migration 0002 created them once; this ``post_migrate`` receiver puts them back on a database
that was emptied since (``flush``, which transactional tests run between tests) — the same way
Django's own apps recreate their content types and permissions.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS

EDITORS_GROUP = "Rédaction de l'annuaire"
DEFAULT_KINDS = [
    ("commune", "Commune", "Municipality"),
    ("intercommunalite", "Intercommunalité", "Intermunicipal body"),
    ("office-tourisme", "Office de tourisme", "Tourist office"),
    ("association", "Association", "Association"),
    ("ecole", "École", "School"),
    ("creche", "Crèche", "Nursery"),
    ("etablissement-sante", "Établissement de santé", "Health establishment"),
    ("cabinet", "Cabinet", "Practice"),
    ("entreprise", "Entreprise", "Business"),
    ("espace-numerique", "Espace public numérique", "ICT access place"),
    ("lieu-culturel", "Lieu culturel", "Cultural venue"),
    ("service-public", "Service public", "Public service"),
    ("autre", "Autre", "Other"),
]


def ensure_defaults(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the default kinds when there is no kind at all (staff may have removed some on
    purpose: never add them back one by one), and the editors' group with its permission."""
    from django.contrib.auth.models import Group, Permission

    from directory.models import OrganisationKind

    if not OrganisationKind.objects.using(using).exists():
        OrganisationKind.objects.using(using).bulk_create(
            OrganisationKind(code=code, name=name, name_en=name_en, position=position * 10)
            for position, (code, name, name_en) in enumerate(DEFAULT_KINDS, start=1)
        )
    permission = (
        Permission.objects.using(using)
        .filter(content_type__app_label="directory", codename="edit_directory")
        .first()
    )
    if permission is not None:
        group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
        group.permissions.add(permission)


def on_post_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    from django.db import connections

    from directory.models import OrganisationKind

    # Also sent after migrating the directory back to zero: nothing to fill then.
    if OrganisationKind._meta.db_table in connections[using].introspection.table_names():
        ensure_defaults(using=using)
