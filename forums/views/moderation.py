"""Moderation by editors and admins: pin, lock, hide, move, split, and edit history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from extranet.access import access_space
from extranet.exceptions import MaillageError
from extranet.models import Membership
from forums import selectors
from forums.forms import MoveForm, ReasonForm, SplitForm
from forums.models import Post, Topic
from forums.services import moderation
from forums.views._common import form_status, page


def _topic(request: HttpRequest, slug: str, pk: int) -> tuple[Membership, Topic]:
    """The door for moderation: 404 for outsiders first, then 403 for non-moderators."""
    membership = access_space(request.user, slug, need="forums.view")
    topic = selectors.topic_for(membership, pk)
    return access_space(request.user, slug, need="forums.moderate"), topic


def _post(request: HttpRequest, slug: str, pk: int) -> tuple[Membership, Post]:
    membership = access_space(request.user, slug, need="forums.view")
    post = selectors.post_for(membership, pk)
    return access_space(request.user, slug, need="forums.moderate"), post


@require_POST
@login_required
def topic_pin(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, topic = _topic(request, slug, pk)
    pinned = request.POST.get("pinned") == "1"
    moderation.set_topic_pinned(membership=membership, topic=topic, pinned=pinned)
    messages.success(request, _("Sujet épinglé.") if pinned else _("Sujet désépinglé."))
    return redirect(topic)


@require_POST
@login_required
def topic_lock(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, topic = _topic(request, slug, pk)
    locked = request.POST.get("locked") == "1"
    moderation.set_topic_locked(membership=membership, topic=topic, locked=locked)
    messages.success(request, _("Sujet verrouillé.") if locked else _("Sujet déverrouillé."))
    return redirect(topic)


@login_required
def topic_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, topic = _topic(request, slug, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.hide_topic(
                membership=membership, topic=topic, reason=form.cleaned_data["reason"]
            )
        except MaillageError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("Sujet masqué aux membres."))
            return redirect(topic)
    return page(request, "forums/hide.html", membership, form_status(form), form=form, topic=topic)


@require_POST
@login_required
def topic_unhide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, topic = _topic(request, slug, pk)
    moderation.unhide_topic(membership=membership, topic=topic)
    messages.success(request, _("Sujet de nouveau visible par les membres."))
    return redirect(topic)


@login_required
def topic_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, topic = _topic(request, slug, pk)
    form = MoveForm(
        request.POST or None,
        categories=selectors.all_categories(membership),
        initial={"category": topic.category_id},
    )
    if request.method == "POST" and form.is_valid():
        target = form.chosen_category()
        moderation.move_topic(membership=membership, topic=topic, category=target)
        messages.success(request, _("Sujet déplacé dans « %(name)s ».") % {"name": target.name})
        return redirect(topic)
    return page(
        request, "forums/topic_move.html", membership, form_status(form), form=form, topic=topic
    )


@login_required
def topic_split(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, topic = _topic(request, slug, pk)
    form = SplitForm(
        request.POST or None,
        categories=selectors.all_categories(membership),
        replies=list(selectors.replies_of(topic)),
        initial={"category": topic.category_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = moderation.split_topic(
                membership=membership,
                topic=topic,
                post_ids=form.cleaned_data["posts"],
                title=form.cleaned_data["title"],
                category=form.chosen_category(),
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Les réponses choisies forment un nouveau sujet."))
            return redirect(created)
    return page(
        request, "forums/topic_split.html", membership, form_status(form), form=form, topic=topic
    )


@login_required
def post_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, post = _post(request, slug, pk)
    return page(
        request,
        "forums/post_history.html",
        membership,
        post=post,
        topic=post.topic,
        revisions=selectors.revisions_of(post),
    )


@login_required
def post_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, post = _post(request, slug, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.hide_post(
                membership=membership, post=post, reason=form.cleaned_data["reason"]
            )
        except MaillageError as exc:
            form.add_error("reason", exc.message)
        else:
            messages.success(request, _("Message masqué aux membres."))
            return redirect(post)
    return page(
        request,
        "forums/hide.html",
        membership,
        form_status(form),
        form=form,
        topic=post.topic,
        post=post,
    )


@require_POST
@login_required
def post_unhide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, post = _post(request, slug, pk)
    moderation.unhide_post(membership=membership, post=post)
    messages.success(request, _("Message de nouveau visible par les membres."))
    return redirect(post)
