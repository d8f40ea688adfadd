"""Small display helpers of the directory templates (they decide nothing about visibility)."""

from __future__ import annotations

from django import template

from directory.models import Audience

register = template.Library()


@register.filter
def audience_label(value: str) -> str:
    """ "Membres de mes espaces" for "spaces"."""
    try:
        return str(Audience(value).label)
    except ValueError:
        return ""


@register.filter
def web_href(value: str) -> str:
    """A link target only for http(s) addresses: anything else is shown, never followed."""
    text = (value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else ""
