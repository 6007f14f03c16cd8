"""Production serving: hashed, compressed static files with far-future caching, as
`make serve` sets them up (collectstatic, then WhiteNoise)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

MANIFEST_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def collected(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path


def test_static_files_are_served_hashed_compressed_and_immutable(collected, client):
    hashed = next(collected.glob("css/site.*.css"))

    response = client.get(f"/static/css/{hashed.name}", HTTP_ACCEPT_ENCODING="br, gzip")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response["Content-Encoding"] == "br"
    assert (collected / "css" / f"{hashed.name}.gz").exists()


@pytest.mark.django_db
def test_pages_link_the_hashed_static_file(collected, client):
    page = client.get(reverse("events:list")).content.decode()

    assert "/static/css/site." in page
    assert "/static/css/site.css" not in page
