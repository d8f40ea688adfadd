"""Managing a space's forum categories (editors and admins)."""

from __future__ import annotations

from typing import Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from extranet.access import access_space
from extranet.exceptions import MaillageError
from forums import selectors
from forums.forms import CategoryForm
from forums.services import categories as services
from forums.views._common import form_status, page


@login_required
def category_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.manage_categories")
    next_position = len(selectors.all_categories(membership)) + 1
    form = CategoryForm(request.POST or None, initial={"position": next_position})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_category(membership=membership, **form.cleaned_data)
        except MaillageError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("Catégorie « %(name)s » créée.") % {"name": created.name})
            return redirect("forums:index", slug=slug)
    return page(request, "forums/category_form.html", membership, form_status(form), form=form)


@login_required
def category_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    category = selectors.category_for(membership, pk)
    membership = access_space(request.user, slug, need="forums.manage_categories")
    initial = {
        "name": category.name,
        "description": category.description,
        "position": category.position,
    }
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_category(membership=membership, category=category, **form.cleaned_data)
        except MaillageError as exc:
            form.add_error("name", exc.message)
        else:
            messages.success(request, _("Catégorie enregistrée."))
            return redirect("forums:index", slug=slug)
    return page(
        request,
        "forums/category_form.html",
        membership,
        form_status(form),
        form=form,
        category=category,
    )


@require_POST
@login_required
def category_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    category = selectors.category_for(membership, pk)
    membership = access_space(request.user, slug, need="forums.manage_categories")
    try:
        services.delete_category(membership=membership, category=category)
    except MaillageError as exc:
        messages.error(request, exc.message)
        return redirect("forums:category_edit", slug=slug, pk=pk)
    messages.success(request, _("Catégorie « %(name)s » supprimée.") % {"name": category.name})
    return redirect("forums:index", slug=slug)


@require_POST
@login_required
def category_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    category = selectors.category_for(membership, pk)
    membership = access_space(request.user, slug, need="forums.manage_categories")
    direction: Literal["up", "down"] = "up" if request.POST.get("direction") == "up" else "down"
    services.move_category(membership=membership, category=category, direction=direction)
    return redirect("forums:index", slug=slug)
