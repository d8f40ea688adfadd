"""Reads of a person's own calendar credentials (app passwords, feed links)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from calendars.models import AppPassword, FeedToken


def app_passwords_of(user: Any) -> QuerySet[AppPassword]:
    return AppPassword.objects.filter(user=user.pk)


def app_password_of(user: Any, pk: int) -> AppPassword | None:
    return app_passwords_of(user).filter(pk=pk).first()


def feeds_of(user: Any) -> QuerySet[FeedToken]:
    return FeedToken.objects.filter(user=user.pk)


def feed_of(user: Any, pk: int) -> FeedToken | None:
    return feeds_of(user).filter(pk=pk).first()
