from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calendars import selectors
from calendars.services.app_passwords import create_app_password, revoke_app_password


class AppPasswordForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom de l'appareil ou du logiciel"),
        max_length=80,
        help_text=gettext_lazy("Par exemple : Téléphone (DAVx5), Thunderbird du bureau."),
    )


@login_required
def app_password_list(request: HttpRequest) -> HttpResponse:
    form = AppPasswordForm(request.POST or None)
    created_secret = None
    if request.method == "POST" and form.is_valid():
        _app_password, created_secret = create_app_password(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = AppPasswordForm()
    return render(
        request,
        "calendars/app_passwords.html",
        {
            "form": form,
            "secret": created_secret,
            "app_passwords": selectors.app_passwords_of(request.user),
            "dav_url": request.build_absolute_uri("/dav/"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def app_password_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    app_password = selectors.app_password_of(user, pk)
    if app_password is None:
        raise Http404
    revoke_app_password(user=request.user, app_password=app_password)
    messages.success(
        request, _("Le mot de passe « %(name)s » est révoqué.") % {"name": app_password.name}
    )
    return redirect("app_passwords")
