"""What every benchmark shares: a throwaway configuration and one way of timing a page.

Each script runs as `python bench/bench_<name>.py`, so this module is importable as `harness`.
"""

import os
import secrets
import shutil
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(work: Path) -> None:
    """A fresh SQLite database under `work` (or BENCH_DATABASE_URL, e.g. a PostgreSQL database
    the benchmark may empty), production-like settings, then django.setup()."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tandem.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HTTPS": "false",
            "STATIC_PLAIN": "true",
            "ALLOWED_HOSTS": "testserver,localhost",
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite3'}",
            "DATA_DIR": str(work),
            "LOG_LEVEL": "ERROR",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    # whitenoise warns that the bench's static folder was never collected: the finders serve instead.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def measure(path: str, user, repeat: int, budget: float, *, warmups: int = 3) -> dict:
    """Median and p95 milliseconds of GET `path` (as `user`), its query count and the last response."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if user is not None:
        client.force_login(user)
    for _ in range(warmups):  # imports, template loading, caches
        client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    queries = len(captured)
    timings = []
    deadline = time.perf_counter() + budget
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline:
            break
    timings.sort()
    return {
        "response": response,
        "status": response.status_code,
        "median": statistics.median(timings),
        "p95": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "queries": queries,
        "bytes": len(response.content),
        "n": len(timings),
    }


def fresh_database() -> str:
    """Migrate, and empty the database if it is not a new SQLite file; returns its vendor."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", verbosity=0, interactive=False)
        # flush also removed the data migrations' rows: put the seeded categories back.
        from importlib import import_module

        from django.apps import apps

        import_module("tandem.problems.migrations.0002_seed_categories").seed(apps, None)
    return connection.vendor
