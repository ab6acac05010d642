"""Background work for action plans (django-tasks; the database backend in production).

``send_weekly_digests`` sends the leads' weekly digests and the evaluation reminders due, then
queues itself for the next Monday at 07:00 Europe/London, so one run keeps the weekly cycle
going. Start it with ``manage.py send_action_digests --enqueue`` and a ``db_worker``. Sending
is idempotent (``DigestSent``, ``Reminder.sent_at``): a run repeated in the same week sends
nothing more.
"""

import datetime as dt
import logging

from django_tasks import TaskResultStatus, task

from . import digest

logger = logging.getLogger(__name__)


def _already_queued(task_obj, run_after: dt.datetime) -> bool:
    """Whether the database backend already holds this task, waiting to run at that time, so that
    queueing twice (a repeated --enqueue) does not start a second weekly cycle."""
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


def schedule_weekly_digests(*, now: dt.datetime | None = None):
    """Queue the weekly digest task for the next Monday 07:00 Europe/London, unless it is queued
    already or the backend cannot run tasks later (then None)."""
    run_after = digest.next_run_after(now)
    if not send_weekly_digests.get_backend().supports_defer:
        logger.warning("The task backend cannot run tasks later: the weekly digest was not queued.")
        return None
    if _already_queued(send_weekly_digests, run_after):
        return None
    return send_weekly_digests.using(run_after=run_after).enqueue()


@task()
def send_weekly_digests() -> dict:
    """Send this week's digests and the reminders due, then queue the next week's run."""
    try:
        report = digest.weekly_send()
    finally:
        # Even when this week's run fails, next week's is queued.
        schedule_weekly_digests()
    return report.as_dict()
