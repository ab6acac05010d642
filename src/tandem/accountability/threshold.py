"""The ASB Case Review threshold, checked against the complaints an application records.

A pure function: the complaints and the partnership's threshold in, a verdict with its
reasons out; no database. The default threshold (Anti-social Behaviour, Crime and Policing
Act 2014, s104, and the Home Office guidance) is three complaints about separate incidents
in the six months before the application, each reported within one month of the incident;
a partnership may also accept a single incident or crime motivated by hate.

Rules, in the order they are applied to each complaint:

- an incident after the application was made, or reported before it happened, cannot count
  (forms refuse these; the check says so rather than trusting its input);
- the incident must fall in the window: on or after the day ``window_months`` before the
  application (exactly six months before counts);
- it must have been reported on or before the day ``report_within_months`` after the incident
  (exactly one month later counts);
- complaints about the same incident (the same date: the same incident reported to the police
  and to the council) count once.
"""

import datetime as dt
from dataclasses import dataclass, field

from .deadlines import add_months


@dataclass(frozen=True)
class Threshold:
    complaints_needed: int = 3
    window_months: int = 6
    report_within_months: int = 1
    hate_incident_suffices: bool = True


@dataclass(frozen=True)
class ComplaintFacts:
    incident_on: dt.date
    reported_on: dt.date
    hate_motivated: bool = False
    label: str = ""  # how the verdict names it, e.g. "Complaint 2"


@dataclass
class Verdict:
    met: bool
    qualifying_incidents: int
    hate_incident: bool
    window_start: dt.date
    reasons: list[str] = field(default_factory=list)  # one line per complaint that did not count
    summary: str = ""


def _words(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def threshold_check(
    *, complaints: list[ComplaintFacts], applied_on: dt.date, threshold: Threshold
) -> Verdict:
    """Whether the complaints meet the threshold for an application made on ``applied_on``."""
    window_start = add_months(applied_on, -threshold.window_months)
    reasons: list[str] = []
    incident_days: set[dt.date] = set()
    hate = False
    for complaint in sorted(complaints, key=lambda c: (c.incident_on, c.reported_on)):
        label = complaint.label or f"The complaint about {complaint.incident_on:%-d %B %Y}"
        if complaint.incident_on > applied_on:
            reasons.append(f"{label}: the incident is after the application was made.")
            continue
        if complaint.reported_on < complaint.incident_on:
            reasons.append(f"{label}: it was reported before the incident happened.")
            continue
        if complaint.incident_on < window_start:
            reasons.append(
                f"{label}: the incident is more than {_words(threshold.window_months, 'month', 'months')} "
                "before the application."
            )
            continue
        latest = add_months(complaint.incident_on, threshold.report_within_months)
        if complaint.reported_on > latest:
            reasons.append(
                f"{label}: it was reported more than "
                f"{_words(threshold.report_within_months, 'month', 'months')} after the incident."
            )
            continue
        hate = hate or complaint.hate_motivated
        if complaint.incident_on in incident_days:
            reasons.append(f"{label}: the same incident as another complaint, so it counts once.")
            continue
        incident_days.add(complaint.incident_on)
    count = len(incident_days)
    by_count = count >= threshold.complaints_needed
    by_hate = threshold.hate_incident_suffices and hate
    met = by_count or by_hate
    counted = _words(count, "separate incident", "separate incidents")
    if by_count:
        summary = f"Met: {counted} reported in time (the threshold is {threshold.complaints_needed})."
    elif by_hate:
        summary = f"Met: an incident motivated by hate, reported in time ({counted} in all)."
    else:
        summary = f"Not met: {counted} reported in time; the threshold is {threshold.complaints_needed}."
    return Verdict(
        met=met,
        qualifying_incidents=count,
        hate_incident=hate,
        window_start=window_start,
        reasons=reasons,
        summary=summary,
    )
