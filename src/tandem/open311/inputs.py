"""Reading a client's parameters: bounded sizes, W3C datetimes, lists, points; every refusal is an
Open311Error that the views turn into the spec's error list (400, 403, 404 or 429)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone

# The largest value of each parameter a client may send (characters). The description's 4,000 is
# the spec's own limit; the others are generous for what each field holds.
MAX_LENGTHS = {
    "api_key": 100,
    "jurisdiction_id": 100,
    "service_code": 100,
    "service_request_id": 2000,  # a comma-separated list on GET requests
    "token": 100,
    "update_id": 100,
    "description": 4000,
    "address_string": 300,
    "address_id": 100,
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "title": 50,
    "phone": 40,
    "device_id": 100,
    "account_id": 100,
    "media_url": 2000,
    "status": 100,
    "start_date": 40,
    "end_date": 40,
    "updated_datetime": 40,
    "lat": 40,
    "long": 40,
    "page_size": 10,
    "public_anonymity_required": 10,
    "email_alerts_requested": 10,
    "service_request_id_ext": 50,
}
ATTRIBUTE_VALUE_MAX = 500
MAX_ATTRIBUTES = 50
MAX_LIST_ITEMS = 100
MAX_SPAN = dt.timedelta(days=90)
MAX_BODY_BYTES = 64 * 1024

_W3C = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:?\d{2})?)?$"
)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_ATTRIBUTE = re.compile(r"^attribute\[(?P<code>[^\[\]]{1,100})\](?P<many>\[\])?$")


class Open311Error(Exception):
    """A refused request: the HTTP status and the errors' descriptions."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(descriptions)
        self.retry_after = 0


def bad(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)


def text(params: Mapping, name: str, *, required: bool = False) -> str:
    """One parameter, stripped; empty when absent ("optional" means empty and absent are one)."""
    value = params.get(name, "")
    value = value.strip() if isinstance(value, str) else ""
    limit = MAX_LENGTHS.get(name, 200)
    if len(value) > limit:
        raise bad(f"{name} is too long: at most {limit} characters.")
    if _CONTROL.search(value):
        raise bad(f"{name} contains characters that are not allowed.")
    if required and not value:
        raise bad(f"{name} was not provided.")
    return value


def listed(params: Mapping, name: str) -> list[str]:
    """A comma-separated parameter (it may also be given more than once)."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name, "")]
    items = []
    for value in values:
        raw = text({name: value}, name)
        items.extend(part.strip() for part in raw.split(",") if part.strip())
    if len(items) > MAX_LIST_ITEMS:
        raise bad(f"{name} lists too many values: at most {MAX_LIST_ITEMS}.")
    return items


def w3c_datetime(value: str, name: str) -> dt.datetime:
    """A datetime in the W3C profile of ISO 8601 (2010-01-01T00:00:00Z, …-08:00); a date alone or
    a time without a zone is read as local time."""
    match = _W3C.match(value)
    if not match:
        raise bad(f"{name} must be a W3C datetime, for example 2010-01-01T00:00:00Z.")
    zone = match["zone"] or ""
    if zone and zone != "Z" and ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    stamp = f"{match['date']}T{match['time'] or '00:00'}{'+00:00' if zone == 'Z' else zone}"
    try:
        parsed = dt.datetime.fromisoformat(stamp)
    except ValueError:
        raise bad(f"{name} is not a real date and time.") from None
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    elif abs(parsed.utcoffset() or dt.timedelta()) >= dt.timedelta(hours=24):
        raise bad(f"{name} has an impossible time zone offset.")
    return parsed


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime


def window(params: Mapping) -> Window:
    """start_date and end_date: at most 90 days apart; the most recent 90 days when neither is
    given, 90 days from the one given otherwise."""
    start_raw, end_raw = text(params, "start_date"), text(params, "end_date")
    start = w3c_datetime(start_raw, "start_date") if start_raw else None
    end = w3c_datetime(end_raw, "end_date") if end_raw else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise bad("end_date is before start_date.")
    if end - start > MAX_SPAN:
        raise bad("start_date and end_date may not span more than 90 days.")
    return Window(start=start, end=end)


def point(params: Mapping) -> tuple[float | None, float | None]:
    """lat and long, both or neither, as WGS84 degrees."""
    lat_raw, long_raw = text(params, "lat"), text(params, "long")
    if not lat_raw and not long_raw:
        return None, None
    if not lat_raw or not long_raw:
        raise bad("lat and long must both be given.")
    try:
        lat, long = float(lat_raw), float(long_raw)
    except ValueError:
        raise bad("lat and long must be numbers (WGS84 degrees).") from None
    if not (math.isfinite(lat) and math.isfinite(long)) or not (-90 <= lat <= 90 and -180 <= long <= 180):
        raise bad("lat must be between -90 and 90 and long between -180 and 180.")
    return lat, long


def attributes(params: Mapping) -> dict[str, list[str]]:
    """attribute[code]=value and attribute[code][]=value (a multivaluelist), by code."""
    found: dict[str, list[str]] = {}
    for key in params:
        match = _ATTRIBUTE.match(key)
        if not match:
            continue
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        for value in values:
            value = value.strip()
            if len(value) > ATTRIBUTE_VALUE_MAX:
                limit = ATTRIBUTE_VALUE_MAX
                raise bad(f"attribute[{match['code']}] is too long: at most {limit} characters.")
            if _CONTROL.search(value) or _CONTROL.search(match["code"]):
                raise bad(f"attribute[{match['code']}] contains characters that are not allowed.")
            found.setdefault(match["code"], []).append(value)
        if len(found) > MAX_ATTRIBUTES:
            raise bad(f"Too many attributes: at most {MAX_ATTRIBUTES}.")
    return found
