"""Retention: closed cases whose agreement's retention period has ended are deleted or
anonymised (the agreement says which), each with an audit entry saying so.

``retention_run(preview=True)`` reports what would happen and changes nothing (it writes no
audit entries either: nothing was done). Used by the ``apply_case_retention`` command and
the daily background task.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from . import selectors, services
from .audit import Actor

RETENTION_ACTOR = Actor.system("Tandem retention task")


@dataclass
class RetentionRow:
    number: int
    reference: str
    closed_on: dt.date
    retention_months: int
    action: str


@dataclass
class RetentionReport:
    preview: bool
    rows: list[RetentionRow] = field(default_factory=list)

    @property
    def deleted(self) -> int:
        return sum(1 for row in self.rows if row.action == "delete")

    @property
    def anonymised(self) -> int:
        return sum(1 for row in self.rows if row.action == "anonymise")

    def as_dict(self) -> dict:
        return {
            "preview": self.preview,
            "deleted": self.deleted,
            "anonymised": self.anonymised,
            "cases": [row.reference for row in self.rows],
        }


def retention_run(
    *,
    preview: bool = False,
    on: dt.date | None = None,
    actor: Actor = RETENTION_ACTOR,
    progress: Callable[[RetentionRow], None] | None = None,
) -> RetentionReport:
    report = RetentionReport(preview=preview)
    for case in selectors.retention_due(on=on):
        row = RetentionRow(
            number=case.pk,
            reference=case.reference,
            closed_on=timezone.localtime(case.closed_at).date(),
            retention_months=case.agreement.retention_months,
            action=case.agreement.retention_action,
        )
        if not preview:
            row.action = services.case_apply_retention(case=case, actor=actor)
        report.rows.append(row)
        if progress is not None:
            progress(row)
    return report
