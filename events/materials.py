"""
Presentation materials (slides, papers): uploads are judged by their content, never by their
name or the type the browser claims, and stored under a generated name.

Accepted: PDF, and the Office Open XML documents and slides (.docx, .pptx) without macros.
Refused: everything else, including HTML, SVG, scripts, macro-enabled Office files and the old
binary Office formats (which carry macros and have no cheap structural check). A PDF that asks
for JavaScript, launching programs or embedded files is refused too: a slide deck needs none.
These checks lower the risk; the deployment's media origin (separate host, `nosniff`, a
sandboxing CSP, README "Uploads") is what keeps a file that slips through from acting.
"""

import io
import re
import uuid
import zipfile

from django import forms
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# An Office file is a zip: bound what it unpacks to, so a small upload cannot be a zip bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000

OFFICE_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# PDF actions that run code or open other files; PDF names may write a character as #xx.
PDF_ACTIVE_NAMES = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")

ACCEPTED_DESCRIPTION = _("a PDF, Word (.docx) or PowerPoint (.pptx) file")


def refuse(message, code, **params):
    return forms.ValidationError(message, code=code, params=params or None)


def pdf_problem(data):
    if b"%%EOF" not in data[-2048:]:
        return refuse(_("This PDF is damaged or incomplete."), "damaged")
    names = PDF_HEX_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), data)
    if PDF_ACTIVE_NAMES.search(names):
        return refuse(
            _(
                "This PDF contains scripts, attachments or actions that open other programs; "
                "export it again as a plain PDF (for example “Print to PDF”)."
            ),
            "active_pdf",
        )
    return None


def office_kind(data):
    """'docx' or 'pptx' for a macro-free Office Open XML file, else a ValidationError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
            raise refuse(_("This file unpacks to too much data."), "zip_bomb")
        names = {entry.filename for entry in entries}
        content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError) as exc:
        raise refuse(_("This file is damaged or is not an Office document."), "damaged") from exc
    if "macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise refuse(
            _("Files with macros are not accepted: save it as .docx or .pptx, or as a PDF."),
            "macros",
        )
    for kind, main_part in OFFICE_MAIN_PARTS.items():
        if main_part in content_types:
            return kind
    raise refuse(_("Only %(accepted)s is accepted."), "format", accepted=ACCEPTED_DESCRIPTION)


def check_material(upload):
    """(data, extension) of an acceptable upload, or a ValidationError saying what is wrong."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise refuse(
            _("The file is %(size)s; the limit is %(limit)s."),
            "too_large",
            size=filesizeformat(upload.size),
            limit=filesizeformat(MAX_UPLOAD_BYTES),
        )
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    # Readers accept a few bytes of whitespace before the PDF header.
    if data[:1024].lstrip(b"\r\n\t \x00").startswith(b"%PDF-"):
        problem = pdf_problem(data)
        if problem:
            raise problem
        return data, "pdf"
    if data.startswith(b"PK\x03\x04"):
        return data, office_kind(data)
    raise refuse(_("Only %(accepted)s is accepted."), "format", accepted=ACCEPTED_DESCRIPTION)


class MaterialField(forms.FileField):
    """The admin's field for a presentation's material: checked, then renamed."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        content, extension = check_material(upload)
        return ContentFile(content, name=f"{uuid.uuid4().hex}.{extension}")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ".pdf,.docx,.pptx,application/pdf"
        return attrs
