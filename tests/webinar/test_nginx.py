"""
deploy/nginx.conf, checked and served by the machine's nginx (skipped where there is none;
REQUIRE_NGINX=1 makes that a failure): `nginx -t` accepts it, and in front of gunicorn it
keeps answering a page it has seen when the app server stops, and answers the site's static
"temporarily unavailable" page for the others.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.faults.servers import SHANGHAI, Gunicorn, Nginx, load_site, production_environment


@pytest.fixture
def nginx_binary():
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("REQUIRE_NGINX=1 but nginx is not installed")
        pytest.skip("needs nginx (apt-get install nginx-light)")
    if not shutil.which("openssl"):
        pytest.skip("needs openssl for a test certificate")


def test_nginx_accepts_the_deploy_configuration(nginx_binary, tmp_path):
    result = Nginx(tmp_path, upstream_port=9).check()

    assert result.returncode == 0, result.stderr


def test_nginx_serves_seen_pages_and_a_static_page_while_the_app_is_down(nginx_binary, tmp_path):
    environment = production_environment(tmp_path, DJANGO_ALLOWED_HOSTS=f"{Nginx.HOST},127.0.0.1")
    load_site(environment)
    app = Gunicorn(environment, tmp_path, workers=1)
    nginx = Nginx(tmp_path, upstream_port=app.port)
    nginx.start()
    try:
        status, headers, body = nginx.get(SHANGHAI)
        assert status == 200
        assert "Advancing SMART Cities" in body

        app.stop()
        time.sleep(1.5)  # past the copy's 1 s of freshness: only the outage serves it now
        stale_status, stale_headers, stale_body = nginx.get(SHANGHAI)
        unseen_status, unseen_headers, unseen_body = nginx.get("/en/people/")
        health_status, _, _ = nginx.get("/health/ready/")
    finally:
        nginx.stop()
        app.stop()

    assert stale_status == 200
    assert stale_headers["X-Cache-Status"] == "STALE"
    assert stale_body == body
    assert unseen_status == 502
    assert "Temporarily unavailable" in unseen_body
    assert unseen_headers["Retry-After"] == "10"
    assert unseen_headers["Cache-Control"] == "no-store"
    # A load balancer must see the outage: health answers are never kept.
    assert health_status == 502
