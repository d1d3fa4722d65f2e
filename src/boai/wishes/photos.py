"""Photos of wishes and deliveries: size-limited, re-encoded as JPEG without metadata.

Re-encoding drops EXIF (a phone photo's GPS position would locate the beneficiary's home) and
anything hidden after the image data; large photos are scaled down to 1600 pixels.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from boai.wishes import conf

FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def clean_photo(upload, *, field: str = "photo", max_mb: int | None = None) -> ContentFile | None:
    """A JPEG ContentFile from an uploaded image, or a ValidationError on `field`; None for no upload.
    `max_mb` overrides the micro-wish limit (other modules have their own setting)."""
    if not upload:
        return None
    limit = max_mb if max_mb is not None else conf.photo_max_mb()
    if upload.size > limit * 1024 * 1024:
        raise ValidationError({field: _("The photo is larger than %(max)d MB.") % {"max": limit}})
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
