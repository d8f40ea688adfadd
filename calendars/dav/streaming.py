"""Streamed ETag listings of collections in the database storage.

Radicale builds a whole multistatus in memory before sending a byte: a PROPFIND depth 1 or a
sync-collection of a 50,000-event calendar holds 50,000 items and their response elements at
once. When the request asks nothing that needs an item's text (no getcontentlength in a
PROPFIND; no calendar-data, address-data or filter in a sync-collection), this application
answers the same multistatus as a stream: the collection's response first, then the items a page
of rows at a time, each response element built by Radicale's own functions from the stored
columns and written out at once. Anything else, every error path included (403, 404, invalid
sync token, bad XML), is Radicale's own ``do_PROPFIND``/``do_REPORT`` unchanged.

Radicale's request handling (authentication, paths, logging, headers) needs a bytes answer: the
streamed body is handed over beside it in the WSGI environ and replaces it in ``__call__``.
"""

from __future__ import annotations

import io
import logging
import posixpath
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Iterable, Iterator
from http import client
from typing import Any, cast

from django.db import close_old_connections
from radicale import httputils, pathutils, rights, types, xmlutils
from radicale.app import Application
from radicale.app.base import Access
from radicale.app.propfind import xml_propfind_response
from radicale.app.report import retrieve_items, xml_item_response

from calendars.dav.dbstorage import Collection, Storage
from calendars.models import DavCollection

logger = logging.getLogger("radicale")

STREAM_KEY = "maillage.dav.stream"
LEAF_TAGS = frozenset({"VCALENDAR", "VADDRESSBOOK"})
# The one PROPFIND property of an item that needs its text.
TEXT_PROPS = frozenset({xmlutils.make_clark("D:getcontentlength")})
# The sync-collection properties that need an item's text (Radicale answers any other with its
# ETag, its content type or a 404).
TEXT_REPORT_PROPS = frozenset(
    {xmlutils.make_clark("C:calendar-data"), xmlutils.make_clark("CR:address-data")}
)
_FILTERS = (xmlutils.make_clark("C:filter"), xmlutils.make_clark("CR:filter"))
_GETETAG = xmlutils.make_clark("D:getetag")
_GETCONTENTTYPE = xmlutils.make_clark("D:getcontenttype")
_PREFIXES = {uri: ("" if short == "D" else short) for short, uri in xmlutils.NAMESPACES.items()}
_DECLARATIONS = " ".join(
    f'xmlns:{prefix}="{uri}"' if prefix else f'xmlns="{uri}"' for uri, prefix in _PREFIXES.items()
)
_ROOT = f"<multistatus {_DECLARATIONS}>"
_FLUSH_EVERY = 500  # responses per chunk written to the client

StartResponse = Callable[..., Any]


class StreamingApplication(Application):
    """Radicale's application, answering ETag listings of stored collections as streams."""

    def __call__(
        self, environ: types.WSGIEnviron, start_response: StartResponse
    ) -> Iterable[bytes]:
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            started.append((status, headers))

        answers = super().__call__(environ, keep)
        body: Iterator[bytes] | None = cast(dict[str, Any], environ).pop(STREAM_KEY, None)
        status, headers = started[0]
        if body is None:
            start_response(status, headers)
            return answers
        headers = [h for h in headers if h[0].lower() not in ("content-length", "content-encoding")]
        if _accepts_gzip(environ):
            headers.append(("Content-Encoding", "gzip"))
            body = _gzipped(body)
        start_response(status, headers)
        return _closing(body)

    def do_PROPFIND(  # noqa: N802 - Radicale's name
        self,
        environ: types.WSGIEnviron,
        base_prefix: str,
        path: str,
        user: str,
        user_groups: set[str],
        request_info: dict[str, Any],
    ) -> Any:
        plan = self._streamable(environ, path, user, user_groups, request_info, "PROPFIND")
        if plan is None:
            return super().do_PROPFIND(environ, base_prefix, path, user, user_groups, request_info)
        xml_request, collection = plan
        props = [prop.tag for prop in xml_request[0]]
        if DavCollection.objects.filter(parent=collection.path).exists():
            # Radicale would list these child collections after the items: let it.
            return super().do_PROPFIND(environ, base_prefix, path, user, user_groups, request_info)
        # Radicale asks the rights of the collection's path for the collection and for each of
        # its items alike.
        raw = self._rights.authorization(
            user, user_groups, pathutils.unstrip_path(collection.path, True)
        )

        def response(item: Any, permission: str) -> ET.Element:
            return xml_propfind_response(
                self,
                base_prefix,
                path,
                item,
                props,
                user,
                self._encoding,
                write="w" in permission,
                max_resource_size=self._max_resource_size,
                raw_permissions=raw,
                freebusy_only="f" in permission and "r" not in permission,
            )

        def elements() -> Iterator[ET.Element]:
            permission = _permission(raw, collection.tag)
            if permission:
                yield response(collection, permission)
            permission = _permission(raw, None)
            if permission:
                for item in collection.lazy_items():
                    yield response(item, permission)

        return self._stream(environ, xml_request, request_info, elements())

    def do_REPORT(  # noqa: N802 - Radicale's name
        self,
        environ: types.WSGIEnviron,
        base_prefix: str,
        path: str,
        user: str,
        user_groups: set[str],
        request_info: dict[str, Any],
    ) -> Any:
        plan = self._streamable(environ, path, user, user_groups, request_info, "REPORT")
        if plan is None:
            return super().do_REPORT(environ, base_prefix, path, user, user_groups, request_info)
        xml_request, collection = plan
        token_element = xml_request.find(xmlutils.make_clark("D:sync-token"))
        old_token = (token_element.text or "").strip() if token_element is not None else ""
        try:
            token, names = collection.sync(old_token)
        except ValueError:
            # Radicale answers an invalid token (403 valid-sync-token) and logs it: let it.
            return super().do_REPORT(environ, base_prefix, path, user, user_groups, request_info)
        prop_element = xml_request.find(xmlutils.make_clark("D:prop"))
        props = [prop.tag for prop in prop_element] if prop_element is not None else []
        encoding = self._encoding

        def item_response(item: Any) -> ET.Element | None:
            # As xml_report, without reading the text Radicale serializes then discards.
            found, not_found = [], []
            for tag in props:
                element = ET.Element(tag)
                if tag == _GETCONTENTTYPE:
                    element.text = xmlutils.get_content_type(item, encoding)
                    found.append(element)
                elif tag == _GETETAG:
                    element.text = item.etag
                    found.append(element)
                else:
                    not_found.append(element)
            if not (found or not_found):
                return None
            uri = pathutils.unstrip_path(posixpath.join(collection.path, item.href))
            return xml_item_response(base_prefix, uri, found, not_found, found_item=True)

        def elements() -> Iterator[ET.Element]:
            sync_token = ET.Element(xmlutils.make_clark("D:sync-token"))
            sync_token.text = token
            yield sync_token
            missing = ET.Element("missing")  # Radicale's 404 responses (deleted items)
            if old_token:
                hrefs = (
                    pathutils.unstrip_path(posixpath.join(collection.path, name)) for name in names
                )
                items: Iterable[Any] = (
                    item
                    for item, _ in retrieve_items(
                        base_prefix, path, collection, hrefs, [], missing, None
                    )
                )
            else:
                items = collection.lazy_items()  # every item: no href can be missing
            for item in items:
                yield from list(missing)
                missing.clear()
                element = item_response(item)
                if element is not None:
                    yield element
            yield from list(missing)

        return self._stream(environ, xml_request, request_info, elements())

    # --- helpers ---------------------------------------------------------------------------------

    def _streamable(
        self,
        environ: types.WSGIEnviron,
        path: str,
        user: str,
        user_groups: set[str],
        request_info: dict[str, Any],
        method: str,
    ) -> tuple[ET.Element, Collection] | None:
        """(request, collection) when the request can be streamed, else None (the
        request body is then left for Radicale to read)."""
        if not user or self._sharing._enabled or not isinstance(self._storage, Storage):
            return None
        if method == "PROPFIND" and environ.get("HTTP_DEPTH", "0") != "1":
            return None
        access = Access(self._rights, user, user_groups, path)
        if not access.check("r") or "r" not in access.permissions and access.allows_freebusy():
            return None  # Radicale refuses, or answers free-busy only
        writable = cast(dict[str, Any], environ)
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        writable["wsgi.input"] = io.BytesIO(raw)
        try:
            xml_request = self._read_xml_request_body(environ, request_info)
        except Exception:  # noqa: BLE001 - Radicale reads it again and answers the error
            xml_request = None
        writable["wsgi.input"] = io.BytesIO(raw)
        if xml_request is None or not _cheap(xml_request, method):
            return None
        with self._storage.acquire_lock("r", user):
            collection = next(iter(self._storage.discover(path, "0")), None)
        if not isinstance(collection, Collection) or collection.tag not in LEAF_TAGS:
            return None
        if not access.check("r", collection):
            return None
        return xml_request, collection

    def _stream(
        self,
        environ: types.WSGIEnviron,
        xml_request: ET.Element,
        request_info: dict[str, Any],
        elements: Iterator[ET.Element],
    ) -> Any:
        cast(dict[str, Any], environ)[STREAM_KEY] = _document(elements, self._encoding)
        request_info["status"] = client.MULTI_STATUS
        headers = {
            "DAV": httputils.DAV_HEADERS,
            "Content-Type": f"text/xml; charset={self._encoding}",
        }
        return client.MULTI_STATUS, headers, b"", xmlutils.pretty_xml(xml_request)


def _permission(raw: str, collection_tag: str | None) -> str:
    """What ApplicationPartPropfind._collect_allowed_items grants a collection with
    ``collection_tag`` (None: an item) on ``raw`` rights ("" leaves it out of the answer)."""
    permissions = rights.intersect(raw, "rw")
    freebusy = collection_tag == "VCALENDAR" and "f" in raw and "r" not in raw
    if rights.intersect(permissions, "Ww"):
        return "wf" if freebusy else "w"
    if rights.intersect(permissions, "Rr"):
        return "r"
    return "f" if freebusy else ""


def _cheap(xml_request: ET.Element, method: str) -> bool:
    """Whether the request asks nothing that needs an item's text."""
    if method == "PROPFIND":
        top = xml_request[0] if len(xml_request) else None
        return (
            xml_request.tag == xmlutils.make_clark("D:propfind")
            and top is not None
            and top.tag == xmlutils.make_clark("D:prop")
            and not any(prop.tag in TEXT_PROPS for prop in top)
        )
    if xml_request.tag != xmlutils.make_clark("D:sync-collection"):
        return False
    if any(xml_request.find(tag) is not None for tag in _FILTERS):
        return False
    if xml_request.find(".//" + xmlutils.make_clark("C:expand")) is not None:
        return False
    prop = xml_request.find(xmlutils.make_clark("D:prop"))
    return prop is None or not any(element.tag in TEXT_REPORT_PROPS for element in prop)


def _document(elements: Iterator[ET.Element], encoding: str) -> Iterator[bytes]:
    parts = [f"<?xml version='1.0' encoding='{encoding}'?>\n", _ROOT]
    for count, element in enumerate(elements, 1):
        _write(element, parts, {})
        if count % _FLUSH_EVERY == 0:
            yield "".join(parts).encode(encoding)
            parts.clear()
    parts.append("</multistatus>")
    yield "".join(parts).encode(encoding)


_NAMES: dict[str, str] = {}  # element tags written as they are under the root's declarations


def _root_name(clark: str) -> str | None:
    """``clark`` under the root's declarations; None when its namespace is not declared there.
    (A tag without namespace is written bare, as ElementTree writes it.)"""
    name = _NAMES.get(clark)
    if name is None:
        uri, _, local = clark[1:].partition("}") if clark.startswith("{") else ("", "", clark)
        prefix = _PREFIXES.get(uri) if uri else ""
        if prefix is None:
            return None
        name = _NAMES[clark] = f"{prefix}:{local}" if prefix else local
    return name


def _write(element: ET.Element, out: list[str], scope: dict[str, str]) -> None:
    """Append ``element`` as XML to ``out``. Radicale's namespaces are declared on the root;
    others where they appear (``nsN`` prefixes, in ``scope`` for the descendants)."""
    declarations: list[str] = []

    def qualified(clark: str, *, attribute: bool = False) -> str:
        nonlocal scope
        if not clark.startswith("{"):
            return clark
        uri, local = clark[1:].split("}", 1)
        prefix = _PREFIXES.get(uri)
        if prefix is None or (attribute and not prefix):
            # Unknown, or DAV: on an attribute (a default namespace does not apply to those).
            prefix = scope.get(uri)
            if prefix is None:
                prefix = f"ns{len(scope)}"
                scope = {**scope, uri: prefix}
                declarations.append(f' xmlns:{prefix}="{_escape_attribute(uri)}"')
        return f"{prefix}:{local}" if prefix else local

    tag = _root_name(element.tag) or qualified(element.tag)
    if element.attrib:
        attributes = "".join(
            f' {qualified(key, attribute=True)}="{_escape_attribute(value)}"'
            for key, value in element.attrib.items()
        )
        out.append(f"<{tag}{''.join(declarations)}{attributes}")
    elif declarations:
        out.append(f"<{tag}{''.join(declarations)}")
    else:
        out.append(f"<{tag}")
    text = element.text
    if not text and not len(element):
        out.append(" />")
        return
    out.append(f">{_escape_text(text)}" if text else ">")
    for child in element:
        _write(child, out, scope)
        if child.tail:
            out.append(_escape_text(child.tail))
    out.append(f"</{tag}>")


def _escape_text(text: str) -> str:
    if "&" not in text and "<" not in text and ">" not in text:
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return (
        _escape_text(text)
        .replace('"', "&quot;")
        .replace("\r", "&#13;")
        .replace("\n", "&#10;")
        .replace("\t", "&#09;")
    )


def _accepts_gzip(environ: types.WSGIEnviron) -> bool:
    return "gzip" in [value.strip() for value in environ.get("HTTP_ACCEPT_ENCODING", "").split(",")]


def _gzipped(body: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    for chunk in body:
        compressed = compressor.compress(chunk)
        if compressed:
            yield compressed
    yield compressor.flush()


def _closing(body: Iterator[bytes]) -> Iterator[bytes]:
    """The body; the database connection its pages used is closed when it ends (the request's
    own cleanup ran before the first page was read)."""
    try:
        yield from body
    except Exception:
        # The status line is sent: the client sees a truncated document, the log says why.
        logger.exception("A streamed DAV answer failed")
        raise
    finally:
        close_old_connections()
