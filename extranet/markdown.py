"""User-written Markdown rendered to safe HTML: the only way user text becomes markup."""

from __future__ import annotations

import re

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
_CODE = re.compile(r"<code>.*?</code>", re.DOTALL)


def render_markdown(text: str) -> SafeString:
    """Markdown → sanitised HTML. Raw HTML in the source is escaped, never interpreted."""
    # Escape raw HTML first so "<script>" typed by a user shows as text; ">" stays for quotes.
    source = (text or "").replace("&", "&amp;").replace("<", "&lt;")
    html = md.markdown(
        source,
        extensions=["extra", "sane_lists", "nl2br"],
        output_format="html",
    )
    # Markdown escapes "&" again inside code, turning our "&lt;" into "&amp;lt;": undo that one
    # level there so `<script>` in backticks displays as typed (still as text, never as markup).
    html = _CODE.sub(
        lambda m: m.group(0).replace("&amp;lt;", "&lt;").replace("&amp;amp;", "&amp;"), html
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 — nh3 output is the sanitised allow-list above
