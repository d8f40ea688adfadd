from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from extranet import selectors
from extranet.access import access_space
from extranet.exceptions import MaillageError
from extranet.forms import InviteForm, RoleForm
from extranet.models import Invitation, Membership
from extranet.roles import Role
from extranet.services.invitations import invite_member, revoke_invitation
from extranet.services.memberships import change_role, remove_member


def _members_page(
    request: HttpRequest, membership: Membership, **extra: object
) -> dict[str, object]:
    can_manage = membership.can("members.manage")
    return {
        "membership": membership,
        "space": membership.space,
        "members": selectors.members_of(membership),
        "invitations": selectors.pending_invitations_of(membership) if can_manage else [],
        "can_manage": can_manage,
        "role_form": RoleForm(),
        **extra,
    }


def _target(membership: Membership, pk: int) -> Membership:
    try:
        return selectors.member_in_space(membership, pk)
    except Membership.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="members.view")
    return render(request, "extranet/members.html", _members_page(request, membership))


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="members.invite")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invite_member(membership=membership, **form.cleaned_data)
        except MaillageError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": invitation.email},
            )
            return redirect("spaces:members", slug=slug)
    status = 400 if form.errors else 200
    context = {"membership": membership, "space": membership.space, "form": form}
    return render(request, "extranet/invite.html", context, status=status)


@require_POST
@login_required
def member_role(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="members.manage")
    target = _target(membership, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ce rôle n'existe pas : choisissez-en un de la liste."))
        return redirect("spaces:members", slug=slug)
    try:
        change_role(membership=membership, target=target, role=form.cleaned_data["role"])
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        role = Role(form.cleaned_data["role"]).label
        messages.success(
            request,
            _("%(person)s est maintenant %(role)s.") % {"person": target.user, "role": role},
        )
    return redirect("spaces:members", slug=slug)


@login_required
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug)
    target = _target(membership, pk)
    if target.pk != membership.pk:
        membership = access_space(request.user, slug, need="members.manage")
    if request.method != "POST":
        context = {"membership": membership, "space": membership.space, "target": target}
        return render(request, "extranet/member_remove.html", context)
    try:
        remove_member(membership=membership, target=target)
    except MaillageError as exc:
        messages.error(request, exc.message)
        return redirect("spaces:members", slug=slug)
    if target.pk == membership.pk:
        messages.success(
            request, _("Vous avez quitté l'espace « %(space)s ».") % {"space": membership.space}
        )
        return redirect("home")
    messages.success(request, _("%(person)s a été retiré de l'espace.") % {"person": target.user})
    return redirect("spaces:members", slug=slug)


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="members.invite")
    try:
        invitation = selectors.invitation_in_space(membership, pk)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc
    try:
        revoke_invitation(membership=membership, invitation=invitation)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Invitation de %(email)s annulée.") % {"email": invitation.email}
        )
    return redirect("spaces:members", slug=slug)
