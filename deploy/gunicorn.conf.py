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

# Recycle workers now and then so a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200

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
