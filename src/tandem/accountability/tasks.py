"""Background work for accountability (django-tasks; the database backend in production).

``send_scrutiny_reminders`` emails the crime and disorder scrutiny committees whose yearly
review of the partnership is due (see ``scrutiny``), then queues itself for 07:00
Europe/London the next day, so one run keeps the daily cycle going. Start it with
``manage.py send_scrutiny_reminders --enqueue`` and a ``db_worker``. Each reminder is sent
once for each committee and date due, so a repeated run sends nothing more.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from . import scrutiny

logger = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
SEND_AT = dt.time(7, 0)


def next_run_after(now: dt.datetime | None = None) -> dt.datetime:
    """The next 07:00 Europe/London after ``now``."""
    local = (now or timezone.now()).astimezone(LONDON)
    day = local.date() if local.time() < SEND_AT else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, SEND_AT, tzinfo=LONDON)


def _already_queued(task_obj, run_after: dt.datetime) -> bool:
    """Whether the database backend already holds this task waiting to run at that time, so that
    queueing twice (a repeated --enqueue) does not start a second daily cycle."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return False
    if not isinstance(task_obj.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=task_obj.module_path, status=TaskResultStatus.READY, run_after=run_after
    ).exists()


def schedule_scrutiny_reminders(*, now: dt.datetime | None = None):
    """Queue the reminder task for the next 07:00 Europe/London, unless it is queued already or
    the backend cannot run tasks later (then None)."""
    run_after = next_run_after(now)
    if not send_scrutiny_reminders.get_backend().supports_defer:
        logger.warning("The task backend cannot run tasks later: the scrutiny reminders were not queued.")
        return None
    if _already_queued(send_scrutiny_reminders, run_after):
        return None
    return send_scrutiny_reminders.using(run_after=run_after).enqueue()


@task()
def send_scrutiny_reminders() -> dict:
    """Send the scrutiny reminders due, then queue tomorrow's run."""
    try:
        report = scrutiny.scrutiny_reminders_send()
    finally:
        schedule_scrutiny_reminders()
    return report.as_dict()
