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
# Django and the records' code are imported once, before the workers are forked: a new
# worker starts in milliseconds instead of booting Django cold, and the workers share those
# pages of memory. Safe here because nothing opens a connection at import time (database
# and cache connections, and the page cache's listener thread, are made on first use in
# each worker). The price: a code change needs a restart, not a HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() != "false"
# Recycling every 2,000 requests cost a fifth of the throughput (each restart drops the
# worker's in-memory pages and bunches into 1-3 s stalls; bench/README.md). Workers are
# instead replaced when their memory passes a bound (post_request below), which is what a
# leak would make them do; GUNICORN_MAX_REQUESTS turns count-based recycling back on.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
max_worker_memory_mb = int(os.environ.get("GUNICORN_MAX_WORKER_MEMORY_MB", 512))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy on the same machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def worker_memory_mb():
    """Resident memory of this process, from /proc (Linux); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def post_request(worker, req, environ, resp):
    """Finish this request, then let the arbiter replace a worker that has grown past the
    memory bound (the same graceful exit as max_requests)."""
    if max_worker_memory_mb and worker_memory_mb() > max_worker_memory_mb:
        worker.log.warning(
            "Worker %s uses more than %s MB; replacing it", worker.pid, max_worker_memory_mb
        )
        worker.alive = False
