"""Uploaded photos (micro-wishes and their deliveries, relief home visits): size-limited, re-encoded
as JPEG without metadata.

Re-encoding drops EXIF (a phone photo's GPS position would locate the beneficiary's home) and
anything hidden after the image data; large photos are scaled down to 1600 pixels.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def clean_photo(upload, *, max_mb: int, field: str = "photo") -> ContentFile | None:
    """A JPEG ContentFile from an uploaded image, or a ValidationError on `field`; None for no upload.
    `max_mb` is the calling module's own size limit (each module has its setting)."""
    if not upload:
        return None
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError({field: _("The photo is larger than %(max)d MB.") % {"max": max_mb}})
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in FORMATS:
            raise ValidationError({field: _("Upload a JPEG, PNG or WebP photo.")})
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError({field: _("The photo has too many pixels.")})
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({field: _("This file is not a photo we can read.")}) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
