"""Portraits and logos: judged by decoding, cleaned of metadata, stored with renditions."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from people import images
from people.models import Organization, Person
from tests.admin_forms import changeform_data
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo_bytes(image_format="JPEG", size=(800, 600), exif=True):
    image = Image.new("RGB", size, "teal")
    out = io.BytesIO()
    options = {}
    if exif:
        tags = Image.Exif()
        tags[ExifTags.Base.Make] = "SecretCam"
        tags[ExifTags.Base.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (31.0, 14.0, 0.0),
        }
        options["exif"] = tags.tobytes()
    image.save(out, format=image_format, **options)
    return out.getvalue()


def png_header_only(width, height):
    """A PNG that declares a huge size in few bytes: what a decompression bomb looks like."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def add_person(client, upload):
    data = changeform_data(client.get(reverse("admin:people_person_add")))
    data.update(given_name="Ada", family_name="Lovelace", slug="ada-lovelace", portrait=upload)
    return client.post(reverse("admin:people_person_add"), data)


def test_portrait_jpeg_is_accepted_resized_and_stripped(admin_client, media_root):
    original = photo_bytes()
    assert b"SecretCam" in original

    response = add_person(admin_client, SimpleUploadedFile("me.jpg", original, "image/jpeg"))

    assert response.status_code == 302
    person = Person.objects.get(slug="ada-lovelace")
    name = person.portrait.name
    assert name.startswith("portraits/") and name.endswith(".jpg")
    assert len(name.split("/")[1]) == len("0" * 32 + ".jpg")  # a uuid, not "me.jpg"
    stored = (media_root / name).read_bytes()
    assert b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
    for width in images.RENDITION_WIDTHS:
        rendition = media_root / images.rendition_name(name, width)
        with Image.open(rendition) as image:
            assert image.width == width
            assert not image.getexif()
    assert person.portrait_srcset.endswith("-320w.jpg 320w")
    assert "-160w.jpg 160w, " in person.portrait_srcset


def test_portrait_wider_than_the_limit_is_scaled_down(admin_client, media_root):
    upload = SimpleUploadedFile("wide.jpg", photo_bytes(size=(3000, 1500), exif=False))

    add_person(admin_client, upload)

    person = Person.objects.get(slug="ada-lovelace")
    with Image.open(media_root / person.portrait.name) as image:
        assert image.size == (images.MAX_STORED_WIDTH, images.MAX_STORED_WIDTH // 2)


def test_portrait_png_named_jpg_is_judged_by_content(admin_client, media_root):
    upload = SimpleUploadedFile("photo.jpg", photo_bytes("PNG", exif=False), "image/jpeg")

    response = add_person(admin_client, upload)

    assert response.status_code == 302
    person = Person.objects.get(slug="ada-lovelace")
    assert person.portrait.name.endswith(".png")
    with Image.open(media_root / person.portrait.name) as image:
        assert image.format == "PNG"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", b"These are notes, not a picture.", "not a JPEG, PNG or WebP image"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
            "not a JPEG, PNG or WebP image",
        ),
        ("bomb.png", png_header_only(30_000, 30_000), "too many pixels"),
        ("huge.png", png_header_only(8_000, 6_000), "too many pixels"),
        ("big.jpg", b"\xff\xd8" + b"0" * (6 * 1024 * 1024), "the limit is 5.0"),
    ],
)
def test_portrait_bad_upload_is_refused_with_a_form_error(admin_client, name, content, message):
    response = add_person(admin_client, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Person.objects.exists()


def test_portrait_gif_is_refused(admin_client):
    response = add_person(admin_client, SimpleUploadedFile("a.gif", photo_bytes("GIF", exif=False)))

    assert "GIF images are not accepted" in response.content.decode()


def test_logo_webp_is_accepted_with_renditions(admin_client, media_root):
    data = changeform_data(admin_client.get(reverse("admin:people_organization_add")))
    data.update(
        name_en="Analytical Society",
        slug="analytical-society",
        kind="other",
        logo=SimpleUploadedFile("logo.webp", photo_bytes("WEBP", exif=False)),
    )

    response = admin_client.post(reverse("admin:people_organization_add"), data)

    assert response.status_code == 302
    organization = Organization.objects.get(slug="analytical-society")
    assert organization.logo.name.endswith(".webp")
    assert (media_root / images.rendition_name(organization.logo.name, 160)).exists()
    assert organization.logo_srcset.count("w, ") == 1


def test_srcset_is_empty_without_a_picture():
    assert Person(family_name="Lovelace").portrait_srcset == ""


def test_person_page_shows_portrait_with_srcset(admin_client, client):
    add_person(admin_client, SimpleUploadedFile("me.jpg", photo_bytes()))
    person = Person.objects.get(slug="ada-lovelace")
    RoleFactory(person=person)

    page = client.get(person.get_absolute_url()).content.decode()

    assert f'srcset="{person.portrait_srcset}"' in page
    assert 'alt="Portrait of Ada Lovelace"' in page


def test_person_page_without_portrait_shows_no_image(client):
    person = RoleFactory().person

    page = client.get(person.get_absolute_url()).content.decode()

    assert "<img" not in page
