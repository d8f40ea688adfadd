from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from extranet import selectors
from extranet.services.sessions import describe_user_agent, end_other_sessions, end_session


@login_required
def security(request: HttpRequest) -> HttpResponse:
    sessions = sorted(
        UserSession.objects.purge_and_list(request.user),
        key=lambda s: s.last_seen_at or s.created_at,
        reverse=True,
    )
    rows = [{"session": s, "device": describe_user_agent(s.user_agent)} for s in sessions]
    authenticators = selectors.authenticators_of(request.user)
    return render(
        request,
        "extranet/account_security.html",
        {"rows": rows, "authenticators": authenticators},
    )


@require_POST
@login_required
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    if not end_session(request=request, session_pk=pk):
        raise Http404
    messages.success(request, _("La session a été fermée."))
    return redirect("account_security")


@require_POST
@login_required
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = end_other_sessions(request=request)
    message = ngettext(
        "%(count)d autre session a été fermée.", "%(count)d autres sessions ont été fermées.", count
    )
    messages.success(request, message % {"count": count})
    return redirect("account_security")
