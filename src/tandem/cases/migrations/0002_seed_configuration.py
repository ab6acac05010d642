"""The configurable lists shipped by default: purposes for sharing, interventions, and the ASB
victim risk assessment (scored questions with standard / medium / high thresholds)."""

from django.db import migrations

PURPOSES = [
    ("asb-victim-support", "Supporting victims of anti-social behaviour", "Joint work to protect and support a victim."),
    (
        "vulnerable-adults",
        "Protecting vulnerable people (including scam targets)",
        "Adults at risk of harm, exploitation, fraud or scams.",
    ),
    (
        "perpetrator-management",
        "Tackling perpetrators of anti-social behaviour",
        "Warnings, agreements and enforcement against those causing harm.",
    ),
    ("reducing-reoffending", "Reducing re-offending", "Support and supervision of people who have offended."),
    (
        "priority-neighbourhood",
        "Joined-up work in a priority neighbourhood",
        "Households and places a priority neighbourhood's case management team works with.",
    ),
]

INTERVENTIONS = [
    ("warning-letter", "Warning letter", False),
    ("acceptable-behaviour-agreement", "Acceptable Behaviour Agreement", False),
    ("community-protection-warning", "Community Protection Warning", False),
    ("community-protection-notice", "Community Protection Notice", False),
    ("civil-injunction", "Civil injunction", False),
    ("closure-order", "Closure order", False),
    ("criminal-behaviour-order", "Criminal Behaviour Order", False),
    ("referral-to-support", "Referral to support services", True),
    ("target-hardening", "Target hardening for a victim", True),
]

# (question, score when yes, a yes makes the risk high)
ASB_QUESTIONS = [
    ("Has the victim experienced anti-social behaviour before (a repeat victim)?", 2, False),
    (
        "Does the victim believe they are targeted because of who they are (race, religion, disability, "
        "sexual orientation or gender identity)?",
        3,
        False,
    ),
    ("Does the victim have a disability, long-term illness or mental health condition?", 3, False),
    ("Is the victim elderly, isolated or living alone?", 2, False),
    ("Are children in the household affected?", 2, False),
    ("Is the behaviour affecting the victim's health, sleep or work?", 2, False),
    ("Is the victim afraid to leave home, or have they changed their routine?", 3, False),
    ("Has the victim been threatened, or experienced violence?", 3, False),
    ("Has the victim's home, vehicle or property been damaged?", 2, False),
    ("Does the victim feel the situation is getting worse?", 2, False),
    ("Does the victim lack support from family, friends or neighbours?", 2, False),
    ("Has the victim thought about moving, or felt they have to move?", 2, False),
    ("Has the victim spoken of self-harm or suicide, or of using alcohol or drugs to cope?", 3, True),
]


def seed(apps, schema_editor):
    Purpose = apps.get_model("cases", "Purpose")
    InterventionType = apps.get_model("cases", "InterventionType")
    Questionnaire = apps.get_model("cases", "Questionnaire")
    Question = apps.get_model("cases", "Question")
    for position, (slug, name, description) in enumerate(PURPOSES):
        Purpose.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for position, (slug, name, for_victims) in enumerate(INTERVENTIONS):
        InterventionType.objects.get_or_create(
            slug=slug, defaults={"name": name, "for_victims": for_victims, "position": position}
        )
    questionnaire, created = Questionnaire.objects.get_or_create(
        slug="asb-victim-risk-assessment",
        defaults={
            "name": "ASB victim risk assessment",
            "description": (
                "Answer each question with the victim. A total of 8 or more is medium risk, 16 or more "
                "high risk; a yes to the last question is high risk whatever the total."
            ),
            "medium_from": 8,
            "high_from": 16,
            "is_default": True,
        },
    )
    if created:
        for position, (text, score, makes_high) in enumerate(ASB_QUESTIONS, start=1):
            Question.objects.create(
                questionnaire=questionnaire, position=position, text=text, score=score, makes_high=makes_high
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
