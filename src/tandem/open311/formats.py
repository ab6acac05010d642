"""The two formats of GeoReport v2: XML (required) and JSON (the Spark convention's mapping of it).

A document is a root element name, the element name of each item and a list of items, each an
ordered dict of fields. JSON drops the root and gives the list (the spec's examples: services,
requests, errors are arrays); a single object (a service definition, the discovery document)
stays an object. Fields keep the spec's order. None is JSON null and an empty XML element.
Lists inside an item (attributes, values, formats) take the singular element name from LIST_ITEMS.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.text import compress_string

FORMATS = ("xml", "json")
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# The element name of one entry of each list field, as the spec's XML names them.
LIST_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


# Characters XML 1.0 cannot carry at all (control characters, unpaired surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list):
        child = LIST_ITEMS[tag]
        for inner in value:
            _append(element, child, inner)
    else:
        element.text = _text(value)


def xml_bytes(root: str, item: str | None, content: list[dict] | dict) -> bytes:
    """The XML document, with the declaration the spec asks for (encoding="utf-8")."""
    top = ET.Element(root)
    if item is None:
        for key, value in content.items():
            _append(top, key, value)
    else:
        for row in content:
            _append(top, item, row)
    ET.indent(top, space="  ")
    body = ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body


def json_bytes(content: list[dict] | dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document(
    fmt: str, root: str, item: str | None, content: list[dict] | dict, *, status: int = 200
) -> HttpResponse:
    """The response in `fmt` ("xml" or "json"); `item` None means `content` is one object."""
    body = json_bytes(content) if fmt == "json" else xml_bytes(root, item, content)
    return response(fmt, body, status=status)


def response(fmt: str, body: bytes, *, status: int = 200) -> HttpResponse:
    """A document already rendered."""
    answer = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    # Public data, read by other sites' scripts (the spec's clients are often browser apps).
    answer["Access-Control-Allow-Origin"] = "*"
    return answer


def kept(body: bytes) -> dict:
    """A rendered document as it is kept between requests: the body, its gzip compression (a
    requests list of 1,000 is 500 KiB of JSON and 46 KiB gzipped) and an entity tag for each."""
    tag = hashlib.sha256(body).hexdigest()[:32]
    return {"body": body, "gzip": compress_string(body), "etag": f'"{tag}"', "gzip_etag": f'"{tag}-gzip"'}


_GZIP = re.compile(r"\bgzip\b")


def kept_response(fmt: str, entry: dict, request: HttpRequest) -> HttpResponse:
    """The kept document in the encoding the client accepts, or 304 Not Modified when the client
    already holds it (If-None-Match with its entity tag: Django's conditional GET decides)."""
    gzip = bool(_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
    answer = response(fmt, entry["gzip"] if gzip else entry["body"])
    if gzip:
        answer["Content-Encoding"] = "gzip"
    answer["ETag"] = entry["gzip_etag"] if gzip else entry["etag"]
    answer["Cache-Control"] = "public, max-age=0, must-revalidate"
    patch_vary_headers(answer, ("Accept-Encoding",))
    conditional = get_conditional_response(request, etag=answer["ETag"], response=answer)
    if conditional is not answer:  # Django's 304 keeps ETag, Vary and Cache-Control, not CORS
        conditional["Access-Control-Allow-Origin"] = "*"
    return conditional


def errors(fmt: str, status: int, descriptions: list[str], *, code: int | None = None) -> HttpResponse:
    """The spec's error list: each error's code (the HTTP status unless told) and description."""
    rows = [{"code": code or status, "description": text} for text in descriptions]
    return document(fmt, "errors", "error", rows, status=status)
