from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from extranet import selectors
from extranet.access import access_space
from extranet.audit import audit_action_choices
from extranet.exceptions import MaillageError
from extranet.forms import SpaceCreateForm, SpaceSettingsForm
from extranet.services.spaces import create_space_with_admin, update_space_settings


@login_required
def space_home(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug)
    context = {"membership": membership, "space": membership.space}
    context.update(selectors.space_summary(membership))
    return render(request, "extranet/space_home.html", context)


@login_required
def space_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="space.settings")
    form = SpaceSettingsForm(request.POST or None, instance=membership.space)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        update_space_settings(membership=membership, **changes)
        messages.success(request, _("Les réglages de l'espace ont été enregistrés."))
        return redirect("spaces:settings", slug=slug)
    status = 400 if form.errors else 200
    context = {"membership": membership, "space": membership.space, "form": form}
    return render(request, "extranet/space_settings.html", context, status=status)


@login_required
def space_audit(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="audit.view")
    action, actor = request.GET.get("action", ""), request.GET.get("actor", "").strip()
    events = selectors.audit_events_for(membership, action=action, actor=actor)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {
        "membership": membership,
        "space": membership.space,
        "page": page,
        "actions": audit_action_choices(),
        "action": action,
        "actor": actor,
    }
    return render(request, "extranet/space_audit.html", context)


@login_required
def space_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    form = SpaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            space = create_space_with_admin(created_by=request.user, **form.cleaned_data)
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("L'espace « %(name)s » a été créé.") % {"name": space})
            return redirect("space_list")
    status = 400 if form.errors else 200
    return render(request, "extranet/space_create.html", {"form": form}, status=status)
