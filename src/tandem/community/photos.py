"""Residents' photos: checked by their content, re-encoded so no metadata survives.

A photo is accepted only if Pillow reads it as JPEG, PNG or WebP, within the size and pixel
limits. It is then drawn afresh (turned upright by its EXIF orientation first) and saved
without EXIF, XMP, ICC or text chunks, so a phone's GPS position never reaches the server's disk.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Big enough to see the problem, small enough for a phone on a poor connection.
MAX_SIDE = 2000


def photo_clean(upload) -> ContentFile:
    """The photo, re-encoded without metadata; ValidationError if it is not a usable image."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError({"photo": f"The photo must be smaller than {MAX_BYTES // (1024 * 1024)} MB."})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"photo": f"The photo must be smaller than {MAX_BYTES // (1024 * 1024)} MB."})
    if not data:
        raise ValidationError({"photo": "The photo is empty."})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": "The photo must be a JPEG, PNG or WebP image."}) from exc
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError({"photo": "The photo must be a JPEG, PNG or WebP image."})
    if width * height > MAX_PIXELS:
        raise ValidationError({"photo": "The photo has too many pixels: send a smaller one."})
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": "The photo could not be read: it may be damaged."}) from exc
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image_format == "JPEG":
        clean = upright.convert("RGB")
        fresh = Image.new(clean.mode, clean.size)
        fresh.paste(clean)
        fresh.save(out, format="JPEG", quality=85, optimize=True)
    else:
        mode = "RGBA" if upright.mode in ("RGBA", "LA", "P") else "RGB"
        clean = upright.convert(mode)
        fresh = Image.new(clean.mode, clean.size)
        fresh.paste(clean)
        fresh.save(out, format=image_format)
    return ContentFile(out.getvalue(), name=f"photo.{ALLOWED_FORMATS[image_format]}")
