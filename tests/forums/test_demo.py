"""The demo territory includes real discussions, posted through the forum services."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from extranet.models import Notification
from forums.models import Post, Topic


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_creates_discussions_with_a_mention(
    settings, capsys, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert Topic.objects.filter(space__slug="elus-et-agents").count() == 2
    assert Post.objects.count() == 9
    assert "Forums: 9 messages" in capsys.readouterr().out
    quoted = Post.objects.get(topic__title="Ordre du jour du conseil de décembre", number=2)
    assert "@sophie.lefevre" in quoted.body
    assert Notification.objects.filter(
        recipient__email__startswith="sophie.lefevre", topic="forums.mention"
    ).exists()
