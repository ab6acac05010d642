"""The usual problem categories, each mapped to police.uk crime types (administrators may edit)."""

from django.db import migrations

CATEGORIES = [
    ("Anti-social behaviour", "anti-social-behaviour", ["Anti-social behaviour"]),
    ("Criminal damage", "criminal-damage", ["Criminal damage and arson"]),
    ("Drug dealing and drug use", "drugs", ["Drugs"]),
    ("Speeding and road safety", "speeding-road-safety", []),
    ("Rural crime", "rural-crime", ["Other theft", "Burglary", "Vehicle crime"]),
    ("Scams and fraud", "scams-fraud", []),
    ("Youth nuisance", "youth-nuisance", ["Anti-social behaviour", "Public order"]),
    ("Violence", "violence", ["Violence and sexual offences", "Possession of weapons", "Robbery"]),
    ("Hate incidents", "hate-incidents", ["Public order", "Violence and sexual offences"]),
    ("Fly-tipping", "fly-tipping", []),
    ("Noise", "noise", ["Anti-social behaviour"]),
    ("Burglary and theft", "burglary-theft", ["Burglary", "Other theft", "Theft from the person", "Bicycle theft",
                                               "Shoplifting"]),
    ("Vehicle crime", "vehicle-crime", ["Vehicle crime"]),
    ("Cyclists' safety", "cyclists-safety", []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    for position, (name, slug, crime_types) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "police_uk_crime_types": crime_types, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
