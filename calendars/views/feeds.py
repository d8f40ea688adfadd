from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calendars import selectors, storage_reader
from calendars.services.feeds import create_feed, feed_for_secret, revoke_feed
from calendars.services.space_calendars import sync_user_links


class FeedForm(forms.Form):
    collection = forms.ChoiceField(label=gettext_lazy("Agenda"))


@login_required
def feed_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    sync_user_links(user)
    calendars = storage_reader.home_calendars(user.email)
    names = {c["collection"]: c["name"] for c in calendars}
    form = FeedForm(request.POST or None)
    form.fields["collection"].choices = list(names.items())  # type: ignore[attr-defined]
    secret_url = None
    if request.method == "POST" and form.is_valid():
        collection = form.cleaned_data["collection"]
        try:
            _feed, secret = create_feed(user=user, collection=collection, label=names[collection])
        except PermissionDenied:
            form.add_error("collection", _("Vous ne pouvez pas lire cet agenda."))
        else:
            secret_url = request.build_absolute_uri(
                reverse("calendar_feeds:feed", kwargs={"secret": secret})
            )
    return render(
        request,
        "calendars/feeds.html",
        {
            "form": form,
            "secret_url": secret_url,
            "feeds": selectors.feeds_of(user),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def feed_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    feed = selectors.feed_of(user, pk)
    if feed is None:
        raise Http404
    revoke_feed(user=request.user, feed=feed)
    messages.success(
        request, _("Le lien d'abonnement « %(label)s » ne fonctionne plus.") % {"label": feed.label}
    )
    return redirect("calendar_feeds:list")


def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The iCalendar feed behind a secret URL (no login: the secret is the credential)."""
    token = feed_for_secret(secret)
    if token is None:
        raise Http404
    snapshot = storage_reader.calendar_snapshot(token.calendar_path)
    if snapshot is None:
        raise Http404
    etag = '"' + hashlib.sha256(str(snapshot["etag"]).encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    body = storage_reader.merged_calendar(snapshot, name=token.label).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
