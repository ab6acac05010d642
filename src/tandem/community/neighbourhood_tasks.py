"""Background work for newsletters (django-tasks; run a worker with ``manage.py db_worker``).

Tasks take ids, never objects, and do their work through the services, so a task run
again later sends only what is still queued or failed.
"""

from django_tasks import task

from .updates import newsletter_deliver


@task()
def send_newsletter(newsletter_id: int) -> dict:
    """Email a newsletter's queued and failed deliveries (see updates.newsletter_deliver)."""
    return newsletter_deliver(newsletter_id=newsletter_id)
