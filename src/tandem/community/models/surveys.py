"""Perception surveys ("How safe do you feel walking in your area after dark?"), run in an area
before and after an intervention, one response per person."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from tandem.partnership.models import Partnership
from tandem.places.models import Area

# The five-point scales a question can use, best first: the first two answers are the
# "positive" ones a figure such as "% who feel safe after dark" counts.
SCALES: dict[str, tuple[str, ...]] = {
    "safety": ("Very safe", "Fairly safe", "Neither safe nor unsafe", "Fairly unsafe", "Very unsafe"),
    "agreement": ("Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"),
    "satisfaction": (
        "Very satisfied",
        "Fairly satisfied",
        "Neither satisfied nor dissatisfied",
        "Fairly dissatisfied",
        "Very dissatisfied",
    ),
}
POSITIVE_ANSWERS = 2

__all__ = [
    "IndicatorQuestion",
    "POSITIVE_ANSWERS",
    "SCALES",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
]


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Round(models.TextChoices):
        SINGLE = "single", "On its own"
        BEFORE = "before", "Before an intervention"
        AFTER = "after", "After an intervention"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="surveys")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    round = models.CharField(max_length=10, choices=Round.choices, default=Round.SINGLE)
    # The "before" survey an "after" survey repeats (same questions, same area).
    repeats = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeated_by"
    )
    # What it is about: a problem or an action (optional). Plain ids' foreign keys to the
    # domain apps below community.
    problem = models.ForeignKey(
        "problems.Problem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.ForeignKey(
        "actionplans.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closes_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:survey-detail", args=[self.pk])


class SurveyQuestion(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", "Five-point scale"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCALE)
    scale = models.CharField(
        max_length=20, choices=[(name, " / ".join(options)) for name, options in SCALES.items()], blank=True
    )

    class Meta:
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def options(self) -> tuple[str, ...]:
        return SCALES.get(self.scale, ()) if self.kind == self.Kind.SCALE else ()


class SurveyResponse(models.Model):
    """One person's answers. ``respondent`` is a hash of their account or of the random token in
    their browser's cookie: it keeps one response per person without saying who they are."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "respondent"], name="community_survey_response_once")
        ]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.survey_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (best) to 5.")
    text = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="community_survey_answer_once"),
            models.CheckConstraint(
                condition=models.Q(choice__isnull=True) | models.Q(choice__gte=1, choice__lte=5),
                name="community_survey_choice_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice or self.text[:40]}"


class IndicatorQuestion(models.Model):
    """A survey question a strategy indicator counts its quarterly figure from ("% who feel safe
    after dark"): the share of the answers given in each quarter that are one of the two best, to
    this question and to the same question in the survey's repeats. The strategy stands lower
    and knows nothing of surveys, so the link is kept here."""

    indicator = models.OneToOneField(
        "strategy.Indicator", on_delete=models.CASCADE, related_name="survey_question_link"
    )
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="indicator_links")

    def __str__(self) -> str:
        return f"{self.indicator_id} ← {self.question_id}"
