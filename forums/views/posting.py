"""Writing in the forums: opening a topic, replying (and quoting), editing one's post."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from extranet.access import access_space
from extranet.exceptions import MaillageError
from forums import policy, selectors
from forums.exceptions import TopicHidden, TopicLocked
from forums.forms import PostEditForm, ReplyForm, TopicForm
from forums.models import Topic
from forums.services import posting
from forums.views._common import form_status, page


@login_required
def topic_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    category = selectors.category_for(membership, pk)
    membership = access_space(request.user, slug, need="forums.post")
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = posting.create_topic(
                membership=membership,
                category=category,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Sujet publié."))
            return redirect(created)
    return page(
        request,
        "forums/topic_form.html",
        membership,
        form_status(form),
        form=form,
        category=category,
    )


def _refusal(topic: Topic) -> str:
    return str(TopicHidden.default_message if topic.is_hidden else TopicLocked.default_message)


@login_required
def reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The reply form, pre-filled with a quote (``?quote=<post id>``), and its submission.

    Locked and hidden topics refuse members with a 403 page that says why.
    """
    membership = access_space(request.user, slug, need="forums.view")
    topic = selectors.topic_for(membership, pk)
    membership = access_space(request.user, slug, need="forums.post")
    refused = "" if policy.can_reply(membership, topic) else _refusal(topic)
    initial = {}
    quote_id = request.GET.get("quote", "")
    if quote_id.isdigit() and not refused:
        initial["body"] = selectors.quote_for(
            membership, selectors.post_for(membership, int(quote_id))
        )
    form = ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and not refused and form.is_valid():
        try:
            created = posting.post_reply(
                membership=membership, topic=topic, body=form.cleaned_data["body"]
            )
        except (TopicLocked, TopicHidden) as exc:
            refused = exc.message
        except MaillageError as exc:
            form.add_error("body", exc.message)
        else:
            messages.success(request, _("Réponse publiée."))
            return redirect(created)
    status = 403 if refused else form_status(form)
    return page(
        request, "forums/reply.html", membership, status, form=form, topic=topic, refused=refused
    )


@login_required
def post_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="forums.view")
    post = selectors.post_for(membership, pk)
    membership = access_space(request.user, slug, need="forums.post")
    if not policy.can_edit(membership, post):
        raise PermissionDenied
    initial = {"body": post.body, "title": post.topic.title}
    form = PostEditForm(request.POST or None, post=post, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            posting.edit_post(
                membership=membership,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Message modifié."))
            return redirect(post)
    return page(
        request, "forums/post_edit.html", membership, form_status(form), form=form, post=post
    )
