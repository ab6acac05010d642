"""The GeoReport v2 endpoints under /open311/v2/, and FixMyStreet's service request updates.

Each view parses, checks, calls a selector or service and answers in the format the URL ends
with (xml or json). Every refusal is the spec's error list: 400 for a bad request, 403 for a
missing, unknown or revoked api_key, 404 for what does not exist, 405 for a wrong method and
429 when a client sends too much; never a 500 for anything a client sends.

Who may use them: reading is public (the data has no personal details); posting needs the key of
an active client application. Rate limits (community's limiter): every request counts against
its address, every post against its key too; OPEN311_RATE_LIMITS in settings overrides them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from tandem.community.ratelimit import client_ip, rate_limit_hit

from . import formats, selectors, services
from .inputs import MAX_BODY_BYTES, Open311Error, attributes, bad, listed, point, text, w3c_datetime, window
from .models import ClientApplication

STATUSES = ("open", "closed")
# (requests, seconds): per address for every request, per key for every post.
RATE_LIMITS = {"ip": (600, 60), "key": (120, 60)}
REQUESTS_CACHE_SECONDS = 60  # the longest a change not made to a report (a group renamed) shows late


def _throttle(name: str, who: object) -> None:
    limit, window = {**RATE_LIMITS, **getattr(settings, "OPEN311_RATE_LIMITS", {})}[name]
    if rate_limit_hit(key=f"open311-{name}:{who}", limit=limit, window_seconds=window):
        error = Open311Error(
            429, f"Too many requests: at most {limit} every {window} seconds. Try again later."
        )
        error.retry_after = window
        raise error


def endpoint(*methods: str) -> Callable:
    """A GeoReport view: its format checked, its methods enforced, its refusals as error lists."""

    def decorate(view: Callable) -> Callable:
        @csrf_exempt  # clients are applications with keys, not browsers with sessions
        @wraps(view)
        def wrapped(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            fmt = fmt.lower()
            if fmt not in formats.FORMATS:
                return formats.errors("xml", 400, [f"Unknown format “{fmt[:20]}”: use .xml or .json."])
            allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)
            if request.method not in allowed:
                response = formats.errors(fmt, 405, [f"Use {' or '.join(methods)} here."])
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                _throttle("ip", client_ip(request))
                if request.method == "POST":
                    _read_body(request)
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as error:
                response = formats.errors(fmt, error.status, error.descriptions)
                if error.status == 429:
                    response["Retry-After"] = str(error.retry_after)
                return response

        return wrapped

    return decorate


def _read_body(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise bad(f"The request is too large: at most {MAX_BODY_BYTES // 1024} KB.")
    try:
        request.POST  # noqa: B018 (parse now, so that a malformed body is refused here)
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        raise bad("The request is too large.") from None
    except MultiPartParserError:
        raise bad("The request body could not be read: send it form-encoded (UTF-8).") from None


def _client(request: HttpRequest) -> ClientApplication:
    key = text(request.POST, "api_key") or text(request.GET, "api_key")
    if not key:
        raise Open311Error(403, "api_key was not provided: ask the partnership's administrators for one.")
    client = services.client_authenticate(key=key)
    if client is None:
        raise Open311Error(403, "Invalid api_key received: it is unknown or has been revoked.")
    _throttle("key", client.pk)
    return client


def _jurisdiction(params) -> None:
    """This server serves one jurisdiction: jurisdiction_id is accepted and needs no value."""
    text(params, "jurisdiction_id")


@csrf_exempt  # a client's mistyped POST is told "not found", not refused as a forged form
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /open311/v2/: the spec's 404, in JSON if the path asks for it."""
    fmt = "json" if rest.lower().endswith(".json") else "xml"
    return formats.errors(fmt, 404, ["There is no such resource: see discovery.xml for what there is."])


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0]
    return formats.document(fmt, "discovery", None, selectors.discovery(base))


@endpoint("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    _jurisdiction(request.GET)
    return formats.document(fmt, "services", "service", selectors.service_list())


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    _jurisdiction(request.GET)
    category = selectors.service_get(text({"service_code": code}, "service_code", required=True))
    if category is None:
        raise Open311Error(404, f"service_code “{code[:100]}” was not found.")
    return formats.document(fmt, "service_definition", None, selectors.service_definition(category))


@endpoint("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    params = request.GET
    _jurisdiction(params)
    ids = listed(params, "service_request_id")
    codes, statuses, span = [], [], None
    if not ids:  # "This overrides all other arguments" (the spec): they are not even read
        codes = listed(params, "service_code")
        statuses = [status.lower() for status in listed(params, "status")]
        if set(statuses) - set(STATUSES):
            raise bad("status must be open or closed (or both, comma separated).")
        span = window(params)
    # The default answer (up to 1000 requests) is costly to build and asked for often: kept for
    # REQUESTS_CACHE_SECONDS, and built again at once when any report changes. It is sent
    # gzipped to clients that accept it, and not at all to one that already holds it (ETag).
    key = (
        "open311-requests:"
        + hashlib.sha256(
            repr((fmt, selectors.requests_version(), sorted(params.lists()))).encode()
        ).hexdigest()
    )
    entry = cache.get(key)
    if entry is None:
        rows = selectors.request_list(ids=ids, codes=codes, statuses=statuses, span=span)
        entry = formats.kept(formats.document(fmt, "service_requests", "request", rows).content)
        cache.set(key, entry, REQUESTS_CACHE_SECONDS)
    return formats.kept_response(fmt, entry, request)


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    client = _client(request)
    _jurisdiction(params)
    code = text(params, "service_code", required=True)
    category = selectors.service_get(code)
    if category is None:
        raise Open311Error(404, f"service_code “{code}” was not found.")
    lat, long = point(params)
    address = text(params, "address_string") or text(params, "address_id")
    if lat is None and not address:
        raise bad("Give the location: lat and long, or address_string.")
    answers = attributes(params)
    fields = {
        "description": text(params, "description"),
        "name": " ".join(part for part in (text(params, "first_name"), text(params, "last_name")) if part),
        "email": text(params, "email"),
        "phone": text(params, "phone"),
        "media_url": text(params, "media_url"),
    }
    for ignored in ("device_id", "account_id"):
        text(params, ignored)  # accepted, bounded, not kept
    try:
        report = services.request_submit(
            client=client,
            category=category,
            latitude=lat,
            longitude=long,
            location_text=address,
            answers=answers,
            ip_address=client_ip(request),
            **fields,
        )
    except ValidationError as error:
        raise bad(*error.messages) from None
    row = {
        "service_request_id": report.reference,
        "service_notice": services.SERVICE_NOTICE,
        "account_id": None,
    }
    return formats.document(fmt, "service_requests", "request", [row])


@endpoint("GET")
def request_detail(request: HttpRequest, reference: str, *, fmt: str) -> HttpResponse:
    _jurisdiction(request.GET)
    report = selectors.request_get(text({"service_request_id": reference}, "service_request_id"))
    if report is None:
        raise Open311Error(404, f"service_request_id “{reference[:100]}” was not found.")
    return formats.document(fmt, "service_requests", "request", [selectors.request_row(report)])


@endpoint("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    _jurisdiction(request.GET)
    report = selectors.request_by_token(text({"token": token}, "token"))
    if report is None:
        raise Open311Error(404, "token was not found.")
    rows = [{"service_request_id": report.reference, "token": token}]
    return formats.document(fmt, "service_requests", "request", rows)


@endpoint("GET", "POST")
def updates(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _update_create(request, fmt)
    _jurisdiction(request.GET)
    rows = selectors.update_list(span=window(request.GET))
    return formats.document(fmt, "service_request_updates", "request_update", rows)


def _update_create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    client = _client(request)
    _jurisdiction(params)
    reference = text(params, "service_request_id", required=True)
    client_update_id = text(params, "update_id", required=True)
    status = text(params, "status", required=True).lower()
    if status not in selectors.EXTENDED_STATUSES:
        raise bad("status must be one of " + ", ".join(s.upper() for s in selectors.EXTENDED_STATUSES) + ".")
    w3c_datetime(text(params, "updated_datetime", required=True), "updated_datetime")
    description = text(params, "description", required=True)
    media_url = text(params, "media_url")
    for ignored in ("email", "phone", "first_name", "last_name", "title", "account_id"):
        text(params, ignored)  # accepted, bounded, never kept: an update is published without a name
    report = selectors.request_get(reference)
    if report is None:
        raise Open311Error(404, f"service_request_id “{reference}” was not found.")
    try:
        update = services.request_update_submit(
            client=client,
            report=report,
            client_update_id=client_update_id,
            description=description,
            media_url=media_url,
        )
    except ValidationError as error:
        raise bad(*error.messages) from None
    rows = [{"update_id": str(update.pk)}]
    return formats.document(fmt, "service_request_updates", "request_update", rows)
