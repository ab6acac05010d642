"""Demo residents' reports: routing rules for every Neighbourhood Action Panel, a report that
became a new problem, one added to a problem already on the map ("me too"), one waiting for
moderation, and one whose problem was resolved and the resident said whether it is fixed.

Called by ``manage.py load_demo`` after the problems demo; the perception surveys' demo
(``survey_demo``) and the neighbourhood pages' events, updates, newsletter and subscribers
(``neighbourhood_demo``) are loaded after the reports. Reports are keyed on their
description, so running the demo again adds nothing.
"""

from collections.abc import Callable

from django.db import transaction

from tandem.accounts.models import User
from tandem.partnership.models import Partnership
from tandem.problems import services as problem_services
from tandem.problems.models import Category, Problem

from . import neighbourhood_demo, services, survey_demo
from .models import FlaggedWord, Report, ReportSupport, RoutingRule

NEW = "Broken glass and cans left on the children's play area every weekend morning."
ME_TOO = "Still happening: bikes racing past our house at midnight on Friday and Saturday."
HELD = "Loud parties in the empty flat, see www.example.com/videos for the footage."
RESOLVED = "Graffiti sprayed on the bus shelter and the community centre wall."
FLAGGED = ["idiot", "scum"]


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    """The community's demo data: residents' reports, then the perception surveys."""
    _reports_load(partnership=partnership, progress=progress, created=created)
    survey_demo.demo_load(partnership=partnership, progress=progress, created=created)
    neighbourhood_demo.demo_load(partnership=partnership, progress=progress, created=created)


def _reports_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("Residents' reports")
    naps = list(
        partnership.groups.filter(type__priorities_per_period__gt=0, area__isnull=False)
        .select_related("area", "parent")
        .order_by("slug")
    )
    if not naps:
        return
    officer = (
        User.objects.filter(role__in=[User.Role.OFFICER, User.Role.ADMINISTRATOR]).order_by("pk").first()
    )
    with transaction.atomic():
        for nap in naps:
            _, is_new = RoutingRule.objects.get_or_create(
                partnership=partnership, area=nap.area, category=None, defaults={"group": nap}
            )
            _count(created, "routing rules", is_new)
        fallback = naps[0].parent or naps[0]
        _, is_new = RoutingRule.objects.get_or_create(
            partnership=partnership, area=None, category=None, defaults={"group": fallback}
        )
        _count(created, "routing rules", is_new)
        for word in FLAGGED:
            _, is_new = FlaggedWord.objects.get_or_create(partnership=partnership, word=word)
            _count(created, "flagged words", is_new)

        first, second = naps[0], naps[1 % len(naps)]
        if not _exists(partnership, NEW):
            services.report_submit(
                category=Category.objects.get(slug="anti-social-behaviour"),
                description=NEW,
                location_text="The play area on the recreation ground",
                area=first.area,
                name="Demo Resident",
                via=Report.Via.WEB,
            )
            _count(created, "residents' reports", True)
        open_problem = (
            Problem.objects.filter(
                group=first, is_public=True, status__in=Problem.OPEN_STATUSES, merged_into=None
            )
            .order_by("pk")
            .first()
        )
        if open_problem is not None and not _exists(partnership, ME_TOO):
            services.report_submit(
                category=open_problem.category, description=ME_TOO, problem=open_problem, anonymous=True
            )
            _count(created, "residents' reports", True)
        if open_problem is not None and not ReportSupport.objects.filter(problem=open_problem).exists():
            services.report_support_add(problem=open_problem, email="neighbour@example.org")
            _count(created, '"me too"s', True)
        if not _exists(partnership, HELD):
            services.report_submit(
                category=Category.objects.get(slug="anti-social-behaviour"),
                description=HELD,
                location_text="Flat 3, Elm Court",
                area=second.area,
            )
            _count(created, "residents' reports", True)
        if not _exists(partnership, RESOLVED):
            report = services.report_submit(
                category=Category.objects.get(slug="criminal-damage"),
                description=RESOLVED,
                location_text="The bus shelter by the community centre",
                area=second.area,
            )
            report.refresh_from_db()
            if report.problem is not None and report.problem.status == Problem.Status.SCANNING:
                for status in ("analysis", "response", "assessment", "resolved"):
                    problem_services.problem_set_status(
                        problem=report.problem,
                        to_status=status,
                        reason="Painted over by the council's street team",
                        by=officer,
                    )
                services.report_feedback_give(report=report, fixed="yes", feeling=4)
            _count(created, "residents' reports", True)


def _exists(partnership: Partnership, description: str) -> bool:
    return Report.objects.filter(partnership=partnership, description=description).exists()


def _count(created: dict, what: str, is_new: bool) -> None:
    if is_new:
        created[what] = created.get(what, 0) + 1
