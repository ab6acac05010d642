"""Background work for the evidence: imports started from the upload page (django-tasks)."""

from django_tasks import task

from . import services


@task()
def import_upload_task(run_id: int) -> dict:
    """Import an uploaded police.uk file or archive; the upload page follows its progress."""
    run = services.import_upload_run(run_id=run_id)
    return {"run": run.pk, "status": run.status, "imported": run.imported}
