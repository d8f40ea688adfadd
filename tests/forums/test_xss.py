"""Hostile post bodies and topic titles render inert on every page that shows them.

The rendered pages are checked twice: on the raw HTML (no ``<script``, no tag carrying an
``on…=`` handler, no ``javascript:`` href) and through an HTML parser (no dangerous element, no
event-handler attribute, no ``javascript:``/``vbscript:``/``data:`` URL in any attribute). A
payload typed as text may still *show* as text (``onerror="…"`` escaped inside a paragraph):
that is the point, it is inert.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from forums.models import Topic
from forums.services.posting import edit_post
from tests.forums.conftest import membership_of, open_topic, reply, url

PAYLOADS = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(document.cookie))",
    "[clic](  javascript:alert(1))",
    "[clic](java\tscript:alert(1))",
    "[clic](&#106;avascript:alert(1))",
    "[clic](&#x6A;avascript&colon;alert(1))",
    "[clic](javascript&#58;alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    '[x]\n\n[x]: javascript:alert(1) "titre"',
    "[x][]\n\n[x]: <javascript:alert(1)>",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">lien</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '[x](http://exemple.fr "titre" onmouseover="alert(1)")',
    '[x](http://exemple.fr"onmouseover="alert(1))',
    "<<script>script>alert(1)<</script>/script>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<style>body{display:none}</style>",
    "<details open ontoggle=alert(1)>",
    "[<img src=x onerror=alert(1)>](http://exemple.fr)",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[x](vbscript:msgbox(1))",
    "<a href=javas&#99;ript:alert(1)>x</a>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
]

DANGEROUS_TAGS = {"script", "iframe", "svg", "math", "img", "object", "embed", "style", "details"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                # What a browser's URL parser does: trim C0 controls and spaces at both ends,
                # drop tabs and newlines anywhere ("java\tscript:" is "javascript:").
                cleaned = re.sub(r"[\t\n\r]", "", value.strip(C0_AND_SPACE)).lower()
                if cleaned.startswith(BAD_SCHEMES):
                    self.problems.append(f"{tag}[{name}={value}]")

    handle_startendtag = handle_starttag


def _tags(html: str) -> list[str]:
    """Every real start tag, its quoted attribute values blanked out (text is escaped, so a
    real tag is the only place a "<" followed by a letter can appear)."""
    return [
        re.sub(r""""[^"]*"|'[^']*'""", '""', tag)
        for tag in re.findall(r"<[a-z][^>]*>", html.lower())
    ]


# The one script of the forum pages: ours, from our static files (CSP script-src 'self').
OWN_SCRIPT = '<script src="/static/forums/js/live.js" defer></script>'


def assert_inert(html: str, where: str) -> None:
    html = html.replace(OWN_SCRIPT, "")
    lowered = html.lower()
    assert "<script" not in lowered, where
    assert not any(re.search(r"\son[a-z]+\s*=", tag) for tag in _tags(html)), where
    assert not re.search(r"""<[a-z][^>]*\shref\s*=\s*["']?\s*javascript:""", lowered), where
    inspector = _Inspector()
    inspector.feed(html)
    assert not inspector.problems, (where, inspector.problems)


def _pages(client, topic, post):
    return {
        "index": url("index"),
        "category": url("category", pk=topic.category_id),
        "topic": url("topic", pk=topic.pk),
        "quote": url("reply", pk=topic.pk) + f"?quote={post.pk}",
        "history": url("post_history", pk=post.pk),
        "search": reverse("search") + "?q=marqueur",
        "notifications": reverse("notifications"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_titles_and_bodies_are_inert_everywhere(
    client, cast, space, category, payload, run_on_commit
):
    with run_on_commit():
        topic = open_topic(
            cast["member"], space, category, title=payload[:200], body=f"marqueur {payload}"
        )
        post = reply(cast["member"], space, topic, f"{payload}\n\n@editeur marqueur")
        edit_post(
            membership=membership_of(cast["member"], space),
            post=post,
            body=f"marqueur {payload} (modifié) @editeur",
        )
    assert Topic.objects.get().title == " ".join(payload[:200].split())
    client.force_login(cast["editor"])  # a moderator: sees history, hidden content, everything
    for where, path in _pages(client, topic, post).items():
        response = client.get(path)
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)


@pytest.mark.django_db
def test_script_is_shown_as_text(client, cast, space, category):
    topic = open_topic(
        cast["member"], space, category, title="<b>Titre</b>", body="<script>alert(1)</script>"
    )
    client.force_login(cast["reader"])
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Titre&lt;/b&gt;" in page


@pytest.mark.django_db
def test_ordinary_links_still_work(client, cast, space, category):
    topic = open_topic(
        cast["member"],
        space,
        category,
        title="Liens",
        body="Le [compte rendu](/s/elus/documents/12/) et https://www.exemple.fr ; "
        "[écrire](mailto:mairie@exemple.fr)",
    )
    client.force_login(cast["reader"])
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert (
        '<a href="/s/elus/documents/12/" rel="nofollow noopener noreferrer">compte rendu</a>'
        in page
    )
    assert 'href="mailto:mairie@exemple.fr"' in page
    assert_inert(page, "topic")


def test_the_inspector_catches_what_it_should():
    for html in (
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" JAVA\tSCRIPT:alert(1)">x</a>',
        '<p onclick="x">y</p>',
        "<img src=x>",
        '<a href="data:text/html,x">x</a>',
    ):
        with pytest.raises(AssertionError):
            assert_inert(html, "sample")
    assert_inert("<p>&lt;img src=x onerror=alert(1)&gt;</p>", "escaped text is fine")
