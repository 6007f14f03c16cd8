"""
Portraits and logos: uploads are judged by decoding them, never by their name, then re-encoded
without metadata under a generated name, with smaller renditions beside them for ``srcset``.
"""

import io
import uuid
from pathlib import PurePosixPath

from django import forms
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# 40 megapixels covers any camera photo; more is a mistake or a decompression bomb.
MAX_PIXELS = 40_000_000
# Pillow refuses on its own beyond this; keep it close to ours so no decoder runs away.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RENDITION_WIDTHS = (160, 320)
# The stored original is bounded too, so a page never serves a camera-sized file.
MAX_STORED_WIDTH = 1200


def decode(upload):
    """The decoded image of an upload, or a ValidationError saying what is wrong with it."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_UPLOAD_BYTES),
            },
        )
    upload.seek(0)
    data = upload.read()
    try:
        # Opening reads only the header, so the pixel count is known before any decoding.
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise _too_many_pixels() from exc
        raise forms.ValidationError(
            _("This file is not a JPEG, PNG or WebP image (SVG and other formats are refused)."),
            code="not_an_image",
        ) from exc
    if image_format not in ACCEPTED_FORMATS:
        raise forms.ValidationError(
            _("%(format)s images are not accepted: upload a JPEG, PNG or WebP image."),
            code="format",
            params={"format": image_format},
        )
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise forms.ValidationError(
            _("The image could not be read; it may be damaged."), code="damaged"
        ) from exc
    return image


def _too_many_pixels():
    return forms.ValidationError(
        _("The image has too many pixels; the limit is %(limit)s megapixels."),
        code="too_many_pixels",
        params={"limit": MAX_PIXELS // 1_000_000},
    )


def encode(image, image_format, width=None):
    """The image re-encoded with no metadata (EXIF, GPS, XMP, comments), optionally resized."""
    image = ImageOps.exif_transpose(image)
    if width:
        height = max(1, round(image.height * width / image.width))
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    # Rebuilt from raw pixels, the copy has no info dict, so no metadata can be written back.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if image_format in ("JPEG", "WEBP") else {}
    clean.save(out, format=image_format, **options)
    return out.getvalue()


def prepare_upload(upload):
    """A metadata-free copy of a valid upload, under a generated name, as a ContentFile."""
    image = decode(upload)
    image_format = image.format
    width = min(image.width, MAX_STORED_WIDTH)
    data = encode(image, image_format, width=width if width != image.width else None)
    content = ContentFile(data, name=f"{uuid.uuid4().hex}.{ACCEPTED_FORMATS[image_format]}")
    content.image_format = image_format
    return content


def rendition_name(name, width):
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w{path.suffix}"))


def save_renditions(fieldfile):
    """Store the ``srcset`` widths beside a just-saved image."""
    fieldfile.open("rb")
    try:
        image = Image.open(io.BytesIO(fieldfile.read()))
        image.load()
    finally:
        fieldfile.close()
    for width in RENDITION_WIDTHS:
        name = rendition_name(fieldfile.name, width)
        fieldfile.storage.delete(name)
        fieldfile.storage.save(name, ContentFile(encode(image, image.format, width=width)))


def srcset(fieldfile):
    """``srcset`` text for an image saved through ``save_renditions``; no storage access."""
    if not fieldfile:
        return ""
    return ", ".join(
        f"{fieldfile.storage.url(rendition_name(fieldfile.name, width))} {width}w"
        for width in RENDITION_WIDTHS
    )


class PictureField(forms.ImageField):
    """The admin's field for portraits and logos: decoded and cleaned, never trusted."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        return prepare_upload(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs
