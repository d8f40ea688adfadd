"""Helpers shared by the forum views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from extranet.models import Membership
from forums.models import Post, Topic


def page(
    request: HttpRequest, template: str, membership: Membership, status: int = 200, **extra: object
) -> HttpResponse:
    context = {"membership": membership, "space": membership.space, **extra}
    return render(request, template, context, status=status)


def form_status(form: object) -> int:
    return 400 if getattr(form, "errors", None) else 200


def topic_page_url(topic: Topic, page_number: int, anchor: str = "") -> str:
    url = reverse("forums:topic", kwargs={"slug": topic.space.slug, "pk": topic.pk})
    if page_number > 1:
        url += f"?page={page_number}"
    return url + (f"#{anchor}" if anchor else "")


def post_url_in(topic: Topic, post: Post, page_number: int) -> str:
    return topic_page_url(topic, page_number, post.anchor)
