"""Radicale plugins may be loaded by a standalone Radicale (production) or inside Maillage."""

from __future__ import annotations

import os


def ensure_django() -> None:
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "extranet.settings")
        import django

        django.setup()
