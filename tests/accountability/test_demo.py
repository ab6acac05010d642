import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.accountability.figures import year_figures
from tandem.accountability.models import Application, CouncillorCall
from tandem.partnership.models import Partnership

pytestmark = pytest.mark.django_db


def _load():
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)


def test_the_demo_gives_last_year_s_published_figures_and_a_councillor_call_and_loads_once():
    _load()
    counts = (Application.objects.count(), CouncillorCall.objects.count())
    _load()
    assert (Application.objects.count(), CouncillorCall.objects.count()) == counts
    partnership = Application.objects.first().partnership
    figures = {f.key: f.value for f in year_figures(partnership, timezone.localdate().year - 1)}
    assert figures == {"applications": 8, "not_met": 3, "reviews": 4, "with_recommendations": 3}
    assert CouncillorCall.objects.filter(status="reported").exists()
    assert all(
        name.startswith("Demo Applicant")
        for name in Application.objects.values_list("applicant_name", flat=True)
    )
    assert Partnership.objects.count() >= 1
