"""gunicorn settings for Tandem in production (deploy/tandem-web.service uses this file).

    gunicorn -c deploy/gunicorn.conf.py tandem.wsgi:application

Tandem logs each request itself as one JSON line on stdout, so gunicorn's access log is off
and only its own errors go to stderr (journald keeps both).
"""

import multiprocessing
import os

# nginx (deploy/nginx.conf) proxies to this address; keep it on loopback.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: (2 × cores) + 1 is gunicorn's usual starting point. Each holds one
# database connection (DATABASE_CONN_MAX_AGE keeps it open between requests).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 60
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak cannot grow for ever, but rarely: a new worker
# costs about a second of CPU to start (Django, numpy, shapely) and begins with cold caches, so at
# 2,000 requests a busy server on two cores replaced a worker every ten seconds and the requests
# queued behind each restart made the slowest 1% three to five times slower (bench_community).
# 0 turns recycling off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100_000))
max_requests_jitter = max_requests // 10

# Trust X-Forwarded-* only from the local proxy.
forwarded_allow_ips = "127.0.0.1,::1"

accesslog = None
errorlog = "-"
loglevel = "warning"
capture_output = False

# Heartbeat files in memory rather than on a possibly slow disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 (gunicorn's documented choice)
proc_name = "tandem-web"


def post_worker_init(worker) -> None:
    """Move everything loaded at start-up (Django, numpy, shapely: about half a million objects)
    out of the garbage collector's sight, so its full collections stop adding 60–70 ms to a
    request now and then (measured on the evidence dashboards)."""
    import gc

    gc.collect()
    gc.freeze()
