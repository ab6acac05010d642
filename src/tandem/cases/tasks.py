"""Background work for cases (django-tasks; the database backend in production).

``apply_case_retention`` deletes or anonymises the closed cases whose retention period has
ended, then queues itself for 02:00 Europe/London the next day, so one run keeps the daily
cycle going. Start it with ``manage.py apply_case_retention --enqueue`` and a ``db_worker``.
Running it twice does no harm: a case is only ever due once.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from .retention import retention_run

logger = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")
RUN_AT = dt.time(2, 0)


def next_run_after(now: dt.datetime | None = None) -> dt.datetime:
    local = (now or timezone.now()).astimezone(LONDON)
    when = dt.datetime.combine(local.date(), RUN_AT, tzinfo=LONDON)
    if when <= local:
        when = dt.datetime.combine(local.date() + dt.timedelta(days=1), RUN_AT, tzinfo=LONDON)
    return when


def _already_queued(run_after: dt.datetime) -> bool:
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    if not isinstance(apply_case_retention.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=apply_case_retention.module_path, status=TaskResultStatus.READY, run_after=run_after
    ).exists()


def schedule_retention(*, now: dt.datetime | None = None):
    """Queue tomorrow's (or tonight's) run, unless queued already or the backend cannot defer."""
    run_after = next_run_after(now)
    if not apply_case_retention.get_backend().supports_defer:
        logger.warning("The task backend cannot run tasks later: case retention was not queued.")
        return None
    if _already_queued(run_after):
        return None
    return apply_case_retention.using(run_after=run_after).enqueue()


@task()
def apply_case_retention() -> dict:
    """Apply retention now, then queue the next daily run."""
    try:
        report = retention_run()
        logger.info("Case retention: %s deleted, %s anonymised", report.deleted, report.anonymised)
    finally:
        schedule_retention()
    return report.as_dict()
