"""
Gunicorn settings for `make serve` and for production (`gunicorn -c deploy/gunicorn.conf.py`).

Sync workers: each handles one request at a time, so a slow client would hold a worker for
as long as it takes to send or receive. In production a buffering proxy (deploy/nginx.conf)
stands in front and talks to gunicorn only over loopback at full speed.
"""

import multiprocessing
import os

wsgi_app = "webinar.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Gunicorn's own advice for sync workers: two per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Restart workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy on the same machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
