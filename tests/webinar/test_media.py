from django.test import RequestFactory

from webinar.security import serve_media


def test_dev_media_serving_forbids_sniffing_and_scripts(tmp_path):
    (tmp_path / "portrait.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )
    request = RequestFactory().get("/media/portrait.svg")

    response = serve_media(request, "portrait.svg", document_root=tmp_path)

    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
