from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from extranet.exceptions import InvitationInvalid, MaillageError
from extranet.forms import AcceptWithNewAccountForm
from extranet.services.accounts import find_user_by_email
from extranet.services.invitations import (
    accept_invitation,
    accept_invitation_with_new_account,
    find_invitation,
    invitation_matches_user,
)


def accept(request: HttpRequest, token: str) -> HttpResponse:
    """One page for every case: signed in or not, account existing or not."""
    try:
        invitation = find_invitation(token)
    except InvitationInvalid as exc:
        status = 404 if exc.reason == "unknown" else 410
        return render(request, "extranet/invitation_invalid.html", {"error": exc}, status=status)
    context: dict[str, object] = {"invitation": invitation, "space": invitation.space}
    user = request.user
    if user.is_authenticated:
        context["matches"] = invitation_matches_user(invitation, user)
        if request.method == "POST" and context["matches"]:
            try:
                membership = accept_invitation(token=token, user=user)
            except MaillageError as exc:
                messages.error(request, exc.message)
                return redirect("home")
            messages.success(
                request, _("Bienvenue dans l'espace « %(space)s » !") % {"space": membership.space}
            )
            return redirect(membership.space)
        return render(request, "extranet/invitation_accept.html", context)
    if find_user_by_email(invitation.email) is not None:
        context["has_account"] = True
        return render(request, "extranet/invitation_accept.html", context)
    form = AcceptWithNewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = accept_invitation_with_new_account(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Votre compte est créé. Bienvenue dans l'espace « %(space)s » !")
                % {"space": membership.space},
            )
            return redirect(membership.space)
    context["form"] = form
    return render(
        request, "extranet/invitation_accept.html", context, status=400 if form.errors else 200
    )
