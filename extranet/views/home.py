from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from extranet import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "extranet/home.html", {"cards": selectors.space_cards_for(request.user)})


@login_required
def space_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "extranet/space_list.html",
        {
            "memberships": selectors.memberships_for(request.user),
            "listed": selectors.listed_spaces_not_joined(request.user),
        },
    )
