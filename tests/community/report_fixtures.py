"""Shared builders for the residents' reports tests (imported by tests/community/test_reports*.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tandem.community.models import RoutingRule
from tandem.places.models import Area
from tandem.problems.models import Category
from tests.factories import Cast

# Oakfield is the square -1.40 … -1.30 longitude, 53.70 … 53.80 latitude, inside a larger district.
OAKFIELD = {
    "type": "Polygon",
    "coordinates": [[[-1.40, 53.70], [-1.30, 53.70], [-1.30, 53.80], [-1.40, 53.80], [-1.40, 53.70]]],
}
DISTRICT = {
    "type": "Polygon",
    "coordinates": [[[-1.60, 53.60], [-1.10, 53.60], [-1.10, 53.90], [-1.60, 53.90], [-1.60, 53.60]]],
}
IN_OAKFIELD = (53.75, -1.35)
IN_DISTRICT_ONLY = (53.65, -1.50)


def category(slug: str = "anti-social-behaviour") -> Category:
    return Category.objects.get(slug=slug)


@pytest.fixture(name="routed")
def routed_fixture(cast: Cast) -> Cast:
    """The cast with boundaries, a partnership-wide rule to the board and Oakfield's to its group."""
    Area.objects.filter(pk=cast.neighbourhood.pk).update(boundary=OAKFIELD)
    Area.objects.filter(pk=cast.district.pk).update(boundary=DISTRICT)
    cast.neighbourhood.refresh_from_db()
    cast.district.refresh_from_db()
    RoutingRule.objects.create(partnership=cast.partnership, area=None, category=None, group=cast.board)
    RoutingRule.objects.create(
        partnership=cast.partnership, area=cast.neighbourhood, category=None, group=cast.group
    )
    return cast


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF holds a GPS position and a camera make."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (53.0, 45.0, 0.0), 3: "W", 4: (1.0, 21.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
