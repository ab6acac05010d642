"""A group's priorities appear under the standing "priorities" item of its meetings."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.meetings.models import AgendaItem
from tandem.problems.models import Category, Priority, Problem, quarter_of
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def test_the_priorities_item_lists_the_groups_priorities_for_the_meeting_date(client, cast):
    meeting = make_meeting(group=cast.group)
    AgendaItem.objects.create(
        meeting=meeting, position=1, title="The group's priorities", standing=AgendaItem.Standing.PRIORITIES
    )
    category = Category.objects.get(slug="speeding-road-safety")
    public = Problem.objects.create(
        partnership=cast.partnership, group=cast.group, title="Speeding on Mill Lane", category=category
    )
    private = Problem.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        title="Dealing at 4 Acacia Road",
        category=category,
        is_public=False,
    )
    start, end = quarter_of(timezone.localtime(meeting.starts_at).date())
    for rank, problem in enumerate((public, private), start=1):
        Priority.objects.create(
            group=cast.group, problem=problem, period_start=start, period_end=end, rank=rank, reason="Top"
        )

    html = client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).content.decode()

    assert "1. Speeding on Mill Lane" in html
    assert public.get_absolute_url() in html
    assert "Acacia Road" not in html  # the public does not see a private problem
    client.force_login(cast.member)
    assert (
        "2. Dealing at 4 Acacia Road"
        in client.get(reverse("meetings:meeting-detail", args=[meeting.pk])).text
    )
