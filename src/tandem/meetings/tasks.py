"""Background work for meetings (django-tasks; the database backend in production).

Run a worker with ``manage.py db_worker``. Tasks take ids, never objects, and do their
work through the services so that a task run again later picks up what is left.
"""

from django_tasks import task

from .circulation import circulation_send


@task()
def send_circulation(meeting_id: int) -> dict:
    """Send a meeting's queued and failed circulation emails (see circulation.circulation_send)."""
    return circulation_send(meeting_id=meeting_id)
