"""Demo perception surveys: "Feeling safe after dark" asked in a neighbourhood before the
partnership acted (closed, 40 answers) and again after (open, 30 answers so far), so that the
results page shows its before/after comparison. Keyed on the title and area: running the demo
again adds nothing."""

from collections.abc import Callable

from django.db import transaction

from tandem.partnership.models import Partnership

from . import surveys as service
from .models import Survey

TITLE = "Feeling safe after dark"
QUESTION = "How safe do you feel walking alone in your area after dark?"
# How many people gave each answer (very safe … very unsafe), before and after.
BEFORE = (4, 8, 6, 14, 8)
AFTER = (5, 12, 5, 6, 2)


def _answer(survey: Survey, counts: tuple[int, ...], prefix: str) -> None:
    question = survey.questions.get(kind="scale")
    person = 0
    for choice, how_many in enumerate(counts, start=1):
        for _ in range(how_many):
            person += 1
            service.response_submit(
                survey=survey, respondent=f"demo-{prefix}-{person}", answers={question.pk: choice}
            )
    comments = survey.questions.filter(kind="text").first()
    if comments is not None:
        service.response_submit(
            survey=survey,
            respondent=f"demo-{prefix}-comment",
            answers={comments.pk: "Better lighting by the station, please."},
        )


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("Perception surveys")
    groups = partnership.groups.filter(area__isnull=False).select_related("area").order_by("slug")
    group = groups.filter(type__priorities_per_period__gt=0).first() or groups.first()
    if group is None or Survey.objects.filter(partnership=partnership, title=TITLE).exists():
        return
    with transaction.atomic():
        before = service.survey_create(
            by=None,
            partnership=partnership,
            area=group.area,
            title=TITLE,
            introduction=(
                f"{group.name} is working on lighting and patrols. "
                "Tell us how safe you feel, before and after."
            ),
            round=Survey.Round.BEFORE,
        )
        service.question_add(survey=before, text=QUESTION, kind="scale", scale="safety")
        service.question_add(survey=before, text="What would make you feel safer?", kind="text")
        service.survey_set_status(survey=before, to_status=Survey.Status.OPEN)
        _answer(before, BEFORE, "before")
        service.survey_set_status(survey=before, to_status=Survey.Status.CLOSED)
        after = service.survey_repeat(survey=before, by=None)
        service.survey_set_status(survey=after, to_status=Survey.Status.OPEN)
        _answer(after, AFTER, "after")
    created["surveys"] = created.get("surveys", 0) + 2
