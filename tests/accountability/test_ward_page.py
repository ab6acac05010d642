import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accountability import services
from tandem.accountability.models import Application
from tandem.partnership.models import Group
from tandem.places.models import Area
from tandem.problems.models import Category, Priority, Problem
from tests.factories import make_area, make_group, make_membership, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def ward(cast):
    """Mill Ward, with an estate inside it and a public group working there."""
    ward = make_area(name="Mill Ward", kind=Area.Kind.WARD, parent=cast.district)
    estate = make_area(name="Mill Estate", kind=Area.Kind.ESTATE, parent=ward)
    group = make_group(
        partnership=cast.partnership, group_type=cast.lag_type, name="Mill Action Group", area=estate
    )
    make_group(
        partnership=cast.partnership,
        group_type=cast.lag_type,
        name="Mill Case Panel",
        area=ward,
        is_public=False,
    )
    category = Category.objects.get(slug="anti-social-behaviour")

    def problem(title, **fields):
        fields.setdefault("area", estate)
        return Problem.objects.create(
            partnership=cast.partnership, group=group, title=title, category=category, **fields
        )

    public = problem("Motorbikes on the playing field")
    private = problem("Suspected cuckooing at a flat", is_public=False)
    problem("Graffiti on the underpass", status=Problem.Status.CLOSED)
    problem("Cars racing on the bypass", area=cast.neighbourhood)
    for rank, item in enumerate((public, private), start=1):
        Priority.objects.create(
            group=group,
            problem=item,
            rank=rank,
            reason="Raised often",
            period_start=TODAY - dt.timedelta(days=10),
            period_end=TODAY + dt.timedelta(days=80),
        )
    for received_on, met in ((TODAY, True), (TODAY, False), (TODAY.replace(year=TODAY.year - 1), False)):
        application = services.application_submit(
            area=estate,
            summary="Noise every night from the flat above.",
            applicant_name="Robin Private-Resident",
            applicant_email="robin@example.org",
            via="phone",
            received_on=received_on,
            complaints=[{"incident_on": received_on, "reported_on": received_on, "reported_to": "Police"}],
        )
        services.threshold_decide(
            application=application, met=met, decided_on=received_on, reason="Checked", by=cast.officer
        )
    services.application_submit(
        area=cast.neighbourhood,
        summary="Elsewhere",
        applicant_name="Sam Elsewhere",
        via="phone",
        complaints=[{"incident_on": TODAY, "reported_on": TODAY, "reported_to": "Police"}],
    )
    services.call_refer(ward=ward, councillor_name="Cllr Jo Ward", matter="Motorbikes", referred_on=TODAY)
    return ward


def _get(client, user, ward):
    client.force_login(user)
    return client.get(reverse("accountability:ward-detail", kwargs={"slug": ward.slug}))


def test_a_member_sees_the_wards_groups_priorities_and_public_open_problems(client, cast, ward):
    response = _get(client, cast.member, ward)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mill Action Group" in page
    assert "Mill Case Panel" not in page  # private, and the member is not in it
    assert "Motorbikes on the playing field" in page
    assert "Suspected cuckooing" not in page
    assert "Graffiti on the underpass" not in page  # closed
    assert "Cars racing on the bypass" not in page  # another area


def test_the_case_reviews_are_counted_by_status_this_year_and_last_and_never_named(client, cast, ward):
    response = _get(client, cast.member, ward)

    rows = {row.label: (row.this_year, row.last_year) for row in response.context["page"].case_reviews}
    assert rows == {
        Application.Status.MET.label: (1, 0),
        Application.Status.NOT_MET.label: (1, 1),
    }
    assert response.context["page"].case_review_totals == (2, 1)
    page = response.content.decode()
    assert "Robin Private-Resident" not in page and "robin@example.org" not in page
    assert "Noise every night" not in page
    assert "Sam Elsewhere" not in page


def test_the_wards_councillor_calls_are_listed_without_the_councillors_name(client, cast, ward):
    response = _get(client, cast.member, ward)

    calls = response.context["page"].calls
    assert len(calls) == 1
    page = response.content.decode()
    assert calls[0].reference in page
    assert "Cllr Jo Ward" not in page
    assert reverse("accountability:call-detail", kwargs={"pk": calls[0].pk}) not in page


def test_an_officer_sees_the_private_group_and_a_link_to_each_call(client, cast, ward):
    response = _get(client, cast.officer, ward)

    page = response.content.decode()
    assert "Mill Case Panel" in page
    assert "Suspected cuckooing" not in page  # officers too see only what the public pages show
    call = response.context["page"].calls[0]
    assert reverse("accountability:call-detail", kwargs={"pk": call.pk}) in page


def test_a_signed_in_person_in_no_group_is_told_not_found(client, cast, ward):
    response = _get(client, cast.outsider, ward)

    assert response.status_code == 404
    assert "Mill Action Group" not in response.content.decode()


def test_the_public_is_sent_to_sign_in(client, ward):
    response = client.get(reverse("accountability:ward-detail", kwargs={"slug": ward.slug}))

    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]


def test_an_area_that_is_not_a_ward_is_not_found_like_a_missing_one(client, cast, ward):
    neighbourhood = _get(client, cast.officer, cast.neighbourhood)
    missing = client.get(reverse("accountability:ward-detail", kwargs={"slug": "no-such-ward"}))

    assert neighbourhood.status_code == missing.status_code == 404


def test_the_page_takes_a_fixed_number_of_queries(client, cast, ward, django_assert_max_num_queries):
    make_membership(group=cast.group, person=make_person(name="Extra"))
    for n in range(15):
        Problem.objects.create(
            partnership=cast.partnership,
            group=Group.objects.get(name="Mill Action Group"),
            title=f"Problem {n}",
            category=Category.objects.get(slug="anti-social-behaviour"),
            area=ward,
        )
    client.force_login(cast.member)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("accountability:ward-detail", kwargs={"slug": ward.slug}))

    assert response.status_code == 200
    assert len(response.context["page"].problems) == 16


def test_the_wards_area_page_links_a_member_to_the_ward_summary(client, cast, ward):
    client.force_login(cast.member)

    response = client.get(reverse("places:area-detail", kwargs={"slug": ward.slug}))

    assert reverse("accountability:ward-detail", kwargs={"slug": ward.slug}) in response.content.decode()


def test_the_wards_area_page_offers_no_link_to_those_who_may_not_see_the_summary(client, cast, ward):
    link = reverse("accountability:ward-detail", kwargs={"slug": ward.slug})
    area_page = reverse("places:area-detail", kwargs={"slug": ward.slug})

    assert link not in client.get(area_page).content.decode()
    client.force_login(cast.outsider)
    assert link not in client.get(area_page).content.decode()


def test_a_neighbourhoods_area_page_has_no_ward_summary_link(client, cast, ward):
    client.force_login(cast.officer)

    response = client.get(reverse("places:area-detail", kwargs={"slug": cast.neighbourhood.slug}))

    assert "Ward summary for councillors" not in response.content.decode()
