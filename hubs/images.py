"""Uploaded logos and cover images: checked, decoded safely, re-encoded without metadata."""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Refused from the header, before decoding: 6300x6300 pixels (40 million) took 415 MB and 1.2 s.
# 25 million still admits a 48-megapixel phone's default 12-megapixel photos.
MAX_PIXELS = 25_000_000
MAX_SIDE = 1600
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Phone cameras write MPO: a JPEG with extra frames (depth, a second lens). Its first frame is
# an ordinary JPEG, which is what gets re-encoded.
READ_AS = {"MPO": "JPEG"}


def clean_image(upload):
    """Return the upload re-encoded as a ContentFile with a generated name, or raise.

    Only the decoded pixels survive: EXIF (with any GPS position), comments and trailing bytes
    of a polyglot file are dropped, and the original file name is never used.
    """
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("The image is larger than 5 MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            image = Image.open(upload)
            fmt = READ_AS.get(image.format, image.format)
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError("Upload a JPEG, PNG or WebP image.")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError("The image has too many pixels.")
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError("The image has too many pixels.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError("This file is not a JPEG, PNG or WebP image we can read.") from None

    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if fmt == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in {"RGB", "RGBA"}:
        image = image.convert("RGBA")
    output = io.BytesIO()
    image.save(output, format=fmt, **({"quality": 88} if fmt in {"JPEG", "WEBP"} else {}))
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[fmt]}")
