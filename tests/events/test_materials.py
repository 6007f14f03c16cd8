"""Presentation materials: only PDF, .docx and .pptx, judged by content, stored renamed."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events import materials
from tests.admin_forms import change_url, changeform_data
from tests.factories import PresentationFactory

pytestmark = pytest.mark.django_db

PLAIN_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def office_file(main_type, *, macros=False, extra=()):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/main.xml" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("main.xml", "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
        for name, body in extra:
            archive.writestr(name, body)
    return out.getvalue()


DOCX = office_file(materials.OFFICE_MAIN_PARTS["docx"])
PPTX = office_file(materials.OFFICE_MAIN_PARTS["pptx"])


def upload_material(client, presentation, name, content, content_type="application/pdf"):
    url = change_url(presentation)
    data = changeform_data(client.get(url))
    data["material_file"] = SimpleUploadedFile(name, content, content_type)
    return client.post(url, data)


@pytest.mark.parametrize(
    ("content", "extension"), [(PLAIN_PDF, "pdf"), (DOCX, "docx"), (PPTX, "pptx")]
)
def test_material_pdf_docx_pptx_are_stored_under_a_generated_name(
    admin_client, media_root, content, extension
):
    presentation = PresentationFactory()

    response = upload_material(admin_client, presentation, "My <slides>.html", content)

    assert response.status_code == 302
    presentation.refresh_from_db()
    folder, name = presentation.material_file.name.split("/")
    assert folder == "materials"
    assert name.endswith(f".{extension}") and len(name) == 32 + 1 + len(extension)
    assert (media_root / presentation.material_file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("slides.pdf", b"<html><script>alert(1)</script></html>", "Only a PDF"),
        ("slides.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "Only a PDF"),
        ("slides.pdf", b"", "The submitted file is empty"),
        ("slides.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n", "damaged"),
        (
            "slides.pdf",
            PLAIN_PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript"),
            "contains scripts",
        ),
        ("slides.pdf", PLAIN_PDF.replace(b"/Catalog", b"/Catalog /#4Aava#53cript"), "scripts"),
        ("slides.pdf", PLAIN_PDF.replace(b"/Catalog", b"/Catalog /Launch"), "scripts"),
        (
            "paper.docm",
            office_file("application/vnd.ms-word.document.macroEnabled.main+xml"),
            "macros",
        ),
        ("paper.docx", office_file(materials.OFFICE_MAIN_PARTS["docx"], macros=True), "macros"),
        (
            "book.xlsx",
            office_file(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ),
            "Only a PDF",
        ),
        ("archive.zip", b"PK\x03\x04not really a zip", "damaged"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Only a PDF"),
    ],
)
def test_material_unsafe_or_unknown_file_is_a_form_error(admin_client, name, content, message):
    presentation = PresentationFactory()

    response = upload_material(admin_client, presentation, name, content)

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["material_file"])
    assert message in errors
    presentation.refresh_from_db()
    assert not presentation.material_file


def test_material_over_the_size_limit_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr(materials, "MAX_UPLOAD_BYTES", len(PLAIN_PDF) - 1)
    presentation = PresentationFactory()

    response = upload_material(admin_client, presentation, "big.pdf", PLAIN_PDF)

    assert response.status_code == 200
    assert "the limit is" in str(response.context["adminform"].form.errors["material_file"])


def test_material_zip_bomb_is_refused_without_unpacking(admin_client, monkeypatch):
    monkeypatch.setattr(materials, "MAX_UNPACKED_BYTES", 1000)
    bomb = office_file(materials.OFFICE_MAIN_PARTS["pptx"], extra=[("x.xml", "0" * 5000)])
    presentation = PresentationFactory()

    response = upload_material(admin_client, presentation, "deck.pptx", bomb)

    assert response.status_code == 200
    assert "too much data" in str(response.context["adminform"].form.errors["material_file"])


def test_material_field_offers_only_accepted_types(admin_client):
    response = admin_client.get(change_url(PresentationFactory()))

    assert 'accept=".pdf,.docx,.pptx,application/pdf"' in response.content.decode()
