"""The problem form's map pin picker and the person who raised a problem (issue 5)."""

import json

import pytest
from django.urls import reverse

from tandem.partnership.models import Person
from tandem.problems import services
from tandem.problems.models import Category, Problem, ProblemReport
from tests.factories import Cast, make_person

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.4, 53.7], [-1.3, 53.7], [-1.3, 53.8], [-1.4, 53.8], [-1.4, 53.7]]],
}


def url(name: str, **kwargs) -> str:
    return reverse(f"problems:{name}", kwargs=kwargs or None)


def make_problem(cast: Cast, **fields) -> Problem:
    fields.setdefault("title", "Motorbikes racing on the playing field")
    fields.setdefault("category", Category.objects.get(slug="anti-social-behaviour"))
    fields.setdefault("group", cast.group)
    return services.problem_create(partnership=cast.partnership, by=cast.officer, **fields)


def problem_data(cast: Cast, **fields) -> dict:
    return {
        "group": str(cast.group.pk),
        "title": "Cars speeding on Mill Lane",
        "description": "Every evening",
        "category": str(Category.objects.get(slug="speeding-road-safety").pk),
        "area": "",
        "location_text": "Mill Lane",
        "latitude": "53.75",
        "longitude": "-1.35",
        "raised_by": "resident",
        "raised_by_organisation": "",
        "is_public": "on",
        **fields,
    }


RITA = {
    "raiser_name": "Rita Resident",
    "raiser_email": "rita@example.org",
    "raiser_phone": "01632 960123",
    "raiser_agrees": "on",
}


def pin_bounds(page: str):
    start = page.index('<script id="pin-bounds" type="application/json">') + len(
        '<script id="pin-bounds" type="application/json">'
    )
    return json.loads(page[start : page.index("</script>", start)])


# --- The map pin picker ----------------------------------------------------------------------


def test_the_create_form_has_the_map_and_keeps_the_fields_that_work_without_javascript(
    client, cast: Cast
) -> None:
    client.force_login(cast.officer)

    response = client.get(url("problem-create"))

    assert response.status_code == 200
    page = response.content.decode()
    # The picker is hidden until its script has set the map up...
    assert '<div class="govuk-form-group tandem-pin-picker" id="pin-picker" hidden>' in page
    assert 'id="pin-map"' in page
    assert 'role="region" aria-label="Map for placing the pin" aria-describedby="pin-map-description"' in page
    assert 'id="pin-map-description"' in page
    assert "Put the pin at the centre of the map" in page
    assert "Remove the pin" in page
    assert "web/pin-picker.js" in page and "leaflet/leaflet.js" in page
    # ... above the latitude and longitude, which stay ordinary fields
    assert page.index('id="pin-map"') < page.index('name="latitude"') < page.index('name="longitude"')
    # The map opens on the UK when no area of the partnership has a boundary
    assert pin_bounds(page) is None


def test_the_map_opens_on_the_partnerships_areas(client, cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()
    client.force_login(cast.officer)

    page = client.get(url("problem-create")).content.decode()

    assert pin_bounds(page) == [[53.7, -1.4], [53.8, -1.3]]


def test_the_map_opens_on_the_district_when_it_has_a_boundary(client, cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()
    cast.district.boundary = {
        "type": "Polygon",
        "coordinates": [[[-1.6, 53.6], [-1.2, 53.6], [-1.2, 53.9], [-1.6, 53.9], [-1.6, 53.6]]],
    }
    cast.district.save()
    problem = make_problem(cast)
    client.force_login(cast.officer)

    page = client.get(url("problem-edit", pk=problem.pk)).content.decode()

    assert pin_bounds(page) == [[53.6, -1.6], [53.9, -1.2]]


def test_a_pin_typed_in_without_javascript_is_saved(client, cast: Cast) -> None:
    client.force_login(cast.officer)

    response = client.post(
        url("problem-create"), problem_data(cast, latitude="53.725601", longitude="-1.355")
    )

    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.latitude, problem.longitude) == (53.725601, -1.355)


def test_the_edit_form_has_the_map_with_the_pin_but_no_person_fields(client, cast: Cast) -> None:
    problem = make_problem(cast, latitude=53.75, longitude=-1.35, raised_by_person=cast.chair_person)
    client.force_login(cast.officer)

    page = client.get(url("problem-edit", pk=problem.pk)).content.decode()

    assert 'id="pin-map"' in page
    assert 'name="latitude" value="53.75"' in page
    assert "Their name" not in page and 'name="raiser_email"' not in page

    # ... and saving it leaves who first raised it alone
    response = client.post(url("problem-edit", pk=problem.pk), problem_data(cast, **RITA))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.raised_by_person == cast.chair_person
    assert not Person.objects.filter(name="Rita Resident").exists()


def test_other_problem_forms_have_no_map(client, cast: Cast) -> None:
    problem = make_problem(cast)
    client.force_login(cast.officer)

    page = client.get(url("problem-raise", pk=problem.pk)).content.decode()

    assert 'id="pin-map"' not in page and "pin-picker.js" not in page
    assert 'name="raiser_name"' in page


# --- Who raised it, as a person --------------------------------------------------------------


def test_the_create_form_asks_for_the_person_with_a_personal_data_hint(client, cast: Cast) -> None:
    client.force_login(cast.officer)

    page = client.get(url("problem-create")).content.decode()

    for text in ("Their name", "Email address", "Phone number", "They agree to be contacted about it"):
        assert text in page, text
    assert "personal data: they are never shown on the public site" in page
    assert "kept only to contact them about the problem" in page


def test_recording_a_problem_with_the_person_creates_them_and_links_them(client, cast: Cast) -> None:
    client.force_login(cast.officer)

    response = client.post(url("problem-create"), problem_data(cast, **RITA))

    assert response.status_code == 302
    problem = Problem.objects.get()
    rita = Person.objects.get(name="Rita Resident")
    assert (rita.email, rita.phone, rita.user) == ("rita@example.org", "01632 960123", None)
    assert problem.raised_by_person == rita
    report = problem.reports.get()
    assert report.person == rita
    assert report.contact_consent  # her agreement to be contacted is recorded with the report


def test_a_name_alone_is_recorded_without_contact_details(client, cast: Cast) -> None:
    client.force_login(cast.officer)

    response = client.post(url("problem-create"), problem_data(cast, raiser_name="Ron Resident"))

    assert response.status_code == 302
    ron = Person.objects.get(name="Ron Resident")
    assert (ron.email, ron.phone) == ("", "")
    assert Problem.objects.get().raised_by_person == ron
    assert not Problem.objects.get().reports.get().contact_consent


def test_someone_already_recorded_is_found_by_email_address_in_any_case(client, cast: Cast) -> None:
    known = make_person(name="Rita Resident", email="Rita@Example.org")
    people = Person.objects.count()
    client.force_login(cast.officer)

    response = client.post(
        url("problem-create"),
        problem_data(cast, **{**RITA, "raiser_name": "Rita R", "raiser_email": "RITA@example.ORG"}),
    )

    assert response.status_code == 302
    assert Person.objects.count() == people
    assert Problem.objects.get().raised_by_person == known
    known.refresh_from_db()
    # The name on record stays; a phone number they had not given before is added
    assert (known.name, known.email, known.phone) == ("Rita Resident", "Rita@Example.org", "01632 960123")


def test_no_person_is_recorded_when_none_is_named(client, cast: Cast) -> None:
    people = Person.objects.count()
    client.force_login(cast.officer)

    response = client.post(url("problem-create"), problem_data(cast))

    assert response.status_code == 302
    assert Problem.objects.get().raised_by_person is None
    assert Person.objects.count() == people


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"raiser_email": "rita-at-example"}, "Enter an email address in the correct format"),
        ({"raiser_phone": "call Rita"}, "Enter a phone number, like 01632 960 001"),
        ({"raiser_name": "", "raiser_phone": ""}, "Enter their name as well as their contact details"),
        ({"raiser_agrees": ""}, "Tick the box if they agree to be contacted about it"),
        ({"raiser_email": "", "raiser_phone": ""}, "Enter their email address or phone number"),
        ({"raiser_name": "x" * 151}, "Ensure this value has at most 150 characters"),
    ],
)
def test_bad_person_details_are_a_400_and_nothing_is_recorded(client, cast: Cast, fields, message) -> None:
    people = Person.objects.count()
    client.force_login(cast.officer)

    response = client.post(url("problem-create"), problem_data(cast, **{**RITA, **fields}))

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert not Problem.objects.exists()
    assert Person.objects.count() == people


def test_a_refused_problem_records_nobody(client, cast: Cast) -> None:
    people = Person.objects.count()
    client.force_login(cast.officer)

    response = client.post(url("problem-create"), problem_data(cast, title="", **RITA))

    assert response.status_code == 400
    assert not Problem.objects.exists()
    assert Person.objects.count() == people


def test_raised_again_with_the_person_adds_a_report_with_them(client, cast: Cast) -> None:
    problem = make_problem(cast)
    client.force_login(cast.officer)

    response = client.post(url("problem-raise", pk=problem.pk), {"raised_by": "resident", **RITA})

    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.times_raised == 2
    rita = Person.objects.get(email="rita@example.org")
    latest = ProblemReport.objects.filter(problem=problem).order_by("pk").last()
    assert latest.person == rita
    assert problem.raised_by_person is None  # the first report is history


def test_raised_again_with_a_bad_email_is_a_400_and_changes_nothing(client, cast: Cast) -> None:
    problem = make_problem(cast)
    client.force_login(cast.officer)

    response = client.post(
        url("problem-raise", pk=problem.pk), {"raised_by": "resident", **RITA, "raiser_email": "rita@"}
    )

    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    problem.refresh_from_db()
    assert problem.times_raised == 1
    assert not Person.objects.filter(name="Rita Resident").exists()


def test_raised_again_refused_by_the_service_records_nobody(client, cast: Cast) -> None:
    problem = make_problem(cast)
    target = make_problem(cast, title="The same motorbikes")
    services.problem_merge(source=problem, target=target, by=cast.officer)
    client.force_login(cast.officer)

    response = client.post(url("problem-raise", pk=problem.pk), {"raised_by": "resident", **RITA})

    assert response.status_code == 400
    assert f"merged into #{target.pk}" in response.content.decode()
    assert not Person.objects.filter(name="Rita Resident").exists()


def test_the_public_problem_page_never_shows_the_person(client, cast: Cast) -> None:
    problem = make_problem(cast)
    client.force_login(cast.officer)
    client.post(url("problem-raise", pk=problem.pk), {"raised_by": "resident", **RITA})
    created = Problem.objects.count()
    client.post(url("problem-create"), problem_data(cast, title="Cars speeding", **RITA))
    assert Problem.objects.count() == created + 1
    client.logout()

    for public in Problem.objects.all():
        page = client.get(public.get_absolute_url()).content.decode()
        assert public.title in page
        for secret in ("Rita Resident", "rita@example.org", "01632 960123"):
            assert secret not in page, (public.title, secret)

    # ... while the group's members see who raised it
    client.force_login(cast.member)
    assert "Rita Resident" in client.get(problem.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("north", "-1.35", "Enter a number"),
        ("nan", "-1.35", "Enter a number"),
        ("53.75", "inf", "Enter a number"),
        ("95", "-1.35", "Enter a latitude between -90 and 90"),
        ("53.75", "", "Give both latitude and longitude, or neither"),
    ],
)
def test_a_bad_pin_typed_in_is_a_400_and_nothing_is_recorded(
    client, cast: Cast, latitude, longitude, message
) -> None:
    client.force_login(cast.officer)

    response = client.post(url("problem-create"), problem_data(cast, latitude=latitude, longitude=longitude))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Problem.objects.exists()
