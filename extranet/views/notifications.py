from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from extranet import notifications
from extranet.models import Notification
from extranet.models.notifications import EmailMode


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = (
        Notification.objects.for_user(request.user)
        .select_related("actor", "space")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "extranet/notifications.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notifications.mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications")


@require_POST
@login_required
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_read(user=request.user)
    messages.success(
        request, _("%(count)d notification(s) marquée(s) comme lue(s).") % {"count": count}
    )
    return redirect("notifications")


class PreferencesForm(forms.Form):
    def __init__(self, *args: object, current: dict[str, EmailMode], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for topic in notifications.topics():
            self.fields[topic.name] = forms.ChoiceField(
                label=topic.label,
                choices=EmailMode.choices,
                initial=current[topic.name],
                widget=forms.RadioSelect,
            )


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    current = {
        topic.name: notifications.email_modes_for([user], topic.name)[user.pk]
        for topic in notifications.topics()
    }
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for topic, mode in form.cleaned_data.items():
            notifications.set_preference(user=request.user, topic=topic, email=mode)
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("notification_preferences")
    return render(
        request,
        "extranet/notification_preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
