"""Template helpers of the web agenda."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def agenda_url(scope: Any, name: str, **kwargs: Any) -> str:
    """``{% agenda_url scope "event_detail" collection=c uid=u %}``: the URL in the page's scope
    (my agenda or the space's agenda)."""
    return str(scope.url(name, **kwargs))
