"""Small display helpers of the training pages (arithmetic and formatting, no decisions)."""

from __future__ import annotations

from typing import Any

from django import template

from training.selectors import seats_left as _seats_left

register = template.Library()


@register.filter
def seats_left(session: Any) -> int:
    """Free seats of a session loaded with its seat counts."""
    return _seats_left(session)
