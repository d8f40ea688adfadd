from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from extranet.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def filesize_fr(size: int | None) -> str:
    """Human file size with French units (Ko, Mo, Go)."""
    if size is None:
        return "—"
    value = float(size)
    for unit in ("o", "Ko", "Mo", "Go"):
        if value < 1024 or unit == "Go":
            return f"{value:.0f} {unit}" if unit == "o" else f"{value:.1f} {unit}".replace(".", ",")
        value /= 1024
    return f"{size} o"


@register.simple_tag(takes_context=True)
def app_space_tabs(context: dict[str, Any], membership: Any) -> list[dict[str, Any]]:
    """The apps' entries of the space navigation this member may see."""
    from django.urls import reverse

    from extranet.tenancy import space_tabs

    request = context.get("request")
    current_ns = request.resolver_match.namespace if request and request.resolver_match else ""
    return [
        {
            "label": tab.label,
            "url": reverse(tab.url_name, kwargs={"slug": membership.space.slug}),
            "current": current_ns == tab.namespace,
        }
        for tab in space_tabs()
        if membership.can(tab.need)
    ]


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
