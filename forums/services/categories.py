"""Categories of a space's forums, managed by its editors and admins."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max

from extranet.audit import record_audit
from extranet.models import Membership
from forums.exceptions import CategoryNameTaken, CategoryNotEmpty
from forums.models import Category


def _check(membership: Membership, category: Category | None = None) -> None:
    if not membership.can("forums.manage_categories"):
        raise PermissionDenied
    if category is not None and category.space_id != membership.space_id:
        raise PermissionDenied


def _save(category: Category) -> Category:
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:
        raise CategoryNameTaken from exc
    return category


def _audit(membership: Membership, action: str, category: Category) -> None:
    record_audit(
        action=action,
        actor=membership.user,
        space=membership.space,
        target=category.name,
        details={"category": category.pk},
    )


@transaction.atomic
def create_category(
    *, membership: Membership, name: str, description: str = "", position: int | None = None
) -> Category:
    """A new category, placed last unless ``position`` says otherwise."""
    _check(membership)
    if position is None:
        highest = Category.objects.in_space(membership.space).aggregate(top=Max("position"))
        position = (highest["top"] or 0) + 1
    category = _save(
        Category(
            space=membership.space,
            name=name.strip()[:120],
            description=description.strip()[:300],
            position=position,
            created_by=membership.user,
        )
    )
    _audit(membership, "forums.category_created", category)
    return category


@transaction.atomic
def update_category(
    *, membership: Membership, category: Category, name: str, description: str, position: int
) -> Category:
    _check(membership, category)
    category.name = name.strip()[:120]
    category.description = description.strip()[:300]
    category.position = position
    _save(category)
    _audit(membership, "forums.category_updated", category)
    return category


@transaction.atomic
def move_category(
    *, membership: Membership, category: Category, direction: Literal["up", "down"]
) -> Category:
    """Swap a category with its neighbour; positions are renumbered 1…n on the way."""
    _check(membership, category)
    ordered = list(Category.objects.in_space(membership.space).order_by("position", "name", "pk"))
    index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    Category.objects.bulk_update(ordered, ["position"])
    category.position = ordered.index(category) + 1
    return category


@transaction.atomic
def delete_category(*, membership: Membership, category: Category) -> None:
    """Delete an empty category; one with topics is refused (move them first)."""
    _check(membership, category)
    if category.topics.exists():
        raise CategoryNotEmpty
    _audit(membership, "forums.category_deleted", category)
    category.delete()
