"""Reading the forums: categories, topic lists, topics, permanent links, reading state, watching."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from extranet.access import access_space
from forums import policy, selectors
from forums.forms import ReplyForm, WatchForm
from forums.services import reading, watching
from forums.views._common import page, topic_page_url


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    rows = selectors.categories_for(membership)
    return page(
        request,
        "forums/index.html",
        membership,
        rows=rows,
        unread_total=sum(row.unread_count for row in rows),
        can_see_hidden=policy.can_see_hidden(membership),
    )


@require_POST
@login_required
def mark_space_read(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    reading.mark_space_read(membership=membership)
    messages.success(request, _("Tous les sujets des forums sont marqués comme lus."))
    return redirect("forums:index", slug=slug)


@login_required
def category(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    target = selectors.category_for(membership, pk)
    level = selectors.category_watch_level(membership, target)
    return page(
        request,
        "forums/category.html",
        membership,
        category=target,
        topics=selectors.topics_page(membership, target, request.GET.get("page")),
        watch_form=WatchForm(initial={"level": level}, auto_id="watch-%s"),
        watch_level=level,
        can_see_hidden=policy.can_see_hidden(membership),
    )


@require_POST
@login_required
def mark_category_read(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    target = selectors.category_for(membership, pk)
    reading.mark_category_read(membership=membership, category=target)
    messages.success(
        request, _("Les sujets de « %(name)s » sont marqués comme lus.") % {"name": target.name}
    )
    return redirect(target)


@require_POST
@login_required
def category_watch(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    target = selectors.category_for(membership, pk)
    form = WatchForm(request.POST)
    if form.is_valid():
        level = watching.set_category_watch(
            membership=membership, category=target, level=form.cleaned_data["level"]
        )
        messages.success(request, _("Préférence enregistrée : %(level)s.") % {"level": level.label})
    else:
        messages.error(request, _("Choisissez un niveau de suivi."))
    return redirect(target)


@login_required
def topic(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The topic page; viewing a page marks its posts as read (never backwards)."""
    membership = access_space(request.user, slug, need="forums.view")
    target = selectors.topic_for(membership, pk)
    last_read = selectors.last_read_number(membership, target)
    posts = selectors.posts_page(target, request.GET.get("page"))
    for shown in posts:
        shown.topic = target  # one shared instance: the policy reads it without a query per post
    numbers = [shown.number for shown in posts]
    if numbers and max(numbers) > last_read:
        reading.mark_topic_read(membership=membership, topic=target, up_to=max(numbers))
    level = selectors.topic_watch_level(membership, target)
    return page(
        request,
        "forums/topic.html",
        membership,
        topic=target,
        posts=posts,
        last_read=last_read,
        has_unread=last_read < target.last_number,
        can_reply=policy.can_reply(membership, target),
        can_moderate=policy.can_moderate(membership),
        can_see_hidden=policy.can_see_hidden(membership),
        editable={shown.pk for shown in posts if policy.can_edit(membership, shown)},
        quotable={shown.pk for shown in posts if policy.can_quote(membership, shown)},
        reply_form=ReplyForm(auto_id="reply-%s"),
        watch_form=WatchForm(initial={"level": level}, for_topic=True, auto_id="watch-%s"),
        watch_level=level,
    )


@login_required
def topic_unread(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Jump to the first post the caller has not read (the last post when all are read)."""
    membership = access_space(request.user, slug, need="forums.view")
    target = selectors.topic_for(membership, pk)
    number = selectors.first_unread_number(membership, target)
    if number is None:
        number = selectors.last_number_of(target)
    return redirect(topic_page_url(target, selectors.page_of(target, number), f"message-{number}"))


@require_POST
@login_required
def topic_watch(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    target = selectors.topic_for(membership, pk)
    form = WatchForm(request.POST, for_topic=True)
    if form.is_valid():
        level = watching.set_topic_watch(
            membership=membership, topic=target, level=form.cleaned_data["level"]
        )
        messages.success(request, _("Préférence enregistrée : %(level)s.") % {"level": level.label})
    else:
        messages.error(request, _("Choisissez un niveau de suivi."))
    return redirect(target)


@login_required
def post(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Permanent link of a post: to its page and anchor in its current topic."""
    membership = access_space(request.user, slug, need="forums.view")
    found = selectors.post_for(membership, pk)
    target = found.topic
    return redirect(topic_page_url(target, selectors.page_of(target, found.number), found.anchor))
