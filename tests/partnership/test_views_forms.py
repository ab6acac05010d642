"""Officers' forms: groups, memberships, organisations and people. Every edit is kept in history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.partnership.models import Group, Membership, Organisation, Person

pytestmark = pytest.mark.django_db


def _group_data(cast, **changes):
    data = {
        "partnership": cast.partnership.pk,
        "type": cast.lag_type.pk,
        "name": "Elmbridge Local Action Group",
        "area": cast.neighbourhood.pk,
        "parent": cast.board.pk,
        "purpose": "Keep Elmbridge safe.",
        "theme": "",
        "venue_name": "Elmbridge Church Hall",
        "venue_address": "",
        "venue_access_notes": "Step-free access from the car park.",
        "accountable_body": "",
        "cadence": "",
        "is_public": "on",
        "established_on_0": "3",
        "established_on_1": "2",
        "established_on_2": "2025",
    }
    data.update(changes)
    return data


# --- Groups -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "administrator"])
def test_an_officer_sets_up_a_group(client, cast, who):
    client.force_login(cast.users()[who])
    response = client.post(reverse("partnership:group-create"), _group_data(cast))
    group = Group.objects.get(name="Elmbridge Local Action Group")
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert group.slug == "elmbridge-local-action-group"
    assert group.established_on == dt.date(2025, 2, 3)
    assert group.parent == cast.board
    record = group.history.get()
    assert record.history_type == "+"
    assert record.history_user == cast.users()[who]


def test_a_second_group_of_the_same_name_gets_its_own_slug(client, cast):
    client.force_login(cast.officer)
    client.post(reverse("partnership:group-create"), _group_data(cast, name=cast.group.name))
    slugs = set(Group.objects.filter(name=cast.group.name).values_list("slug", flat=True))
    assert slugs == {cast.group.slug, f"{cast.group.slug}-2"}


def test_a_group_named_new_does_not_hide_the_create_page(client, cast):
    client.force_login(cast.officer)
    client.post(reverse("partnership:group-create"), _group_data(cast, name="New"))
    assert Group.objects.get(name="New").slug != "new"


def test_it_refuses_a_group_without_a_name_and_says_why(client, cast):
    client.force_login(cast.officer)
    before = Group.objects.count()
    response = client.post(reverse("partnership:group-create"), _group_data(cast, name=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the name" in html
    assert "This field is required" not in html
    assert Group.objects.count() == before


def test_it_refuses_an_impossible_date(client, cast):
    client.force_login(cast.officer)
    before = Group.objects.count()
    response = client.post(
        reverse("partnership:group-create"),
        _group_data(
            cast, established_on_0="31", established_on_1="2", established_on_2="99999999999999999999"
        ),
    )
    assert response.status_code == 400
    assert "Enter a real date" in response.content.decode()
    assert Group.objects.count() == before


def test_it_refuses_a_group_type_of_another_partnership(client, cast):
    from tests.factories import make_group_type, make_partnership

    other_type = make_group_type(partnership=make_partnership(name="Elsewhere"))
    client.force_login(cast.officer)
    before = Group.objects.count()
    response = client.post(reverse("partnership:group-create"), _group_data(cast, type=other_type.pk))
    assert response.status_code == 400
    assert "Choose a group type of this partnership." in response.content.decode()
    assert Group.objects.count() == before


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_group_creation_to_non_officers(client, cast, who):
    client.force_login(cast.users()[who])
    before = Group.objects.count()
    response = client.post(reverse("partnership:group-create"), _group_data(cast))
    assert response.status_code == 403
    assert Group.objects.count() == before


def test_it_sends_the_public_to_sign_in(client, cast):
    before = Group.objects.count()
    response = client.post(reverse("partnership:group-create"), _group_data(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Group.objects.count() == before


def test_an_officer_changes_a_group_and_the_change_is_in_history(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:group-edit", kwargs={"slug": cast.group.slug})
    data = _group_data(cast, name=cast.group.name, venue_name="Oakfield Library")
    del data["partnership"]
    response = client.post(url, data)
    assert response.status_code == 302
    cast.group.refresh_from_db()
    assert cast.group.venue_name == "Oakfield Library"
    latest = cast.group.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == cast.officer
    assert latest.prev_record.venue_name == "Oakfield Village Hall"


def test_it_refuses_a_group_that_escalates_to_itself(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:group-edit", kwargs={"slug": cast.board.slug})
    data = _group_data(cast, name=cast.board.name, type=cast.board_type.pk, parent=cast.group.pk)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "A group cannot escalate to one of the groups below it." in response.content.decode()
    cast.board.refresh_from_db()
    assert cast.board.parent is None


def test_it_refuses_group_changes_to_a_member(client, cast):
    client.force_login(cast.member)
    url = reverse("partnership:group-edit", kwargs={"slug": cast.group.slug})
    response = client.post(url, _group_data(cast, name="Taken over"))
    assert response.status_code == 403
    cast.group.refresh_from_db()
    assert cast.group.name == "Oakfield Local Action Group"


def test_editing_an_unknown_group_is_not_found(client, cast):
    client.force_login(cast.officer)
    response = client.get(reverse("partnership:group-edit", kwargs={"slug": "nope"}))
    assert response.status_code == 404


# --- Memberships ------------------------------------------------------------------


def test_an_officer_adds_a_note_taker_and_the_essential_is_met(client, cast):
    from tests.factories import make_person

    person = make_person(name="Nina Notes")
    client.force_login(cast.officer)
    url = reverse("partnership:membership-create", kwargs={"slug": cast.group.slug})
    response = client.post(
        url, {"person": person.pk, "role": "note_taker", "organisation": "", "stakeholder_kind": ""}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=person)
    assert membership.group == cast.group
    assert membership.start_date == timezone.localdate()
    assert membership.history.get().history_user == cast.officer
    html = client.get(cast.group.get_absolute_url()).content.decode()
    assert "a note taker" not in html


def test_it_refuses_a_membership_without_a_person(client, cast):
    client.force_login(cast.officer)
    before = Membership.objects.count()
    url = reverse("partnership:membership-create", kwargs={"slug": cast.group.slug})
    response = client.post(url, {"person": "", "role": "member"})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert Membership.objects.count() == before


def test_it_refuses_memberships_to_a_member(client, cast):
    client.force_login(cast.member)
    before = Membership.objects.count()
    url = reverse("partnership:membership-create", kwargs={"slug": cast.group.slug})
    response = client.post(url, {"person": cast.member_person.pk, "role": "chair"})
    assert response.status_code == 403
    assert Membership.objects.count() == before


def test_an_officer_changes_a_role(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:membership-edit", kwargs={"pk": cast.membership.pk})
    response = client.post(
        url,
        {
            "role": "note_taker",
            "organisation": "",
            "stakeholder_kind": "",
            "start_date_0": "1",
            "start_date_1": "1",
            "start_date_2": "2024",
        },
    )
    assert response.status_code == 302
    cast.membership.refresh_from_db()
    assert cast.membership.role == Membership.Role.NOTE_TAKER
    assert cast.membership.history.first().history_user == cast.officer


def test_it_refuses_an_end_before_the_start(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:membership-edit", kwargs={"pk": cast.membership.pk})
    response = client.post(
        url,
        {
            "role": "member",
            "start_date_0": "1",
            "start_date_1": "1",
            "start_date_2": "2024",
            "end_date_0": "1",
            "end_date_1": "1",
            "end_date_2": "2023",
        },
    )
    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    cast.membership.refresh_from_db()
    assert cast.membership.end_date is None


def test_an_officer_ends_a_membership_and_it_is_kept(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:membership-end", kwargs={"pk": cast.chair.pk})
    response = client.post(url, {})
    assert response.status_code == 302
    cast.chair.refresh_from_db()
    assert cast.chair.end_date == timezone.localdate()
    assert Membership.objects.filter(pk=cast.chair.pk).exists()
    assert cast.chair.history.first().history_user == cast.officer


def test_an_ended_membership_no_longer_counts(client, cast):
    client.force_login(cast.officer)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    url = reverse("partnership:membership-end", kwargs={"pk": cast.chair.pk})
    client.post(
        url, {"end_date_0": yesterday.day, "end_date_1": yesterday.month, "end_date_2": yesterday.year}
    )
    html = client.get(cast.group.get_absolute_url()).content.decode()
    assert "a chairperson" in html
    assert "Former and future members (1)" in html


def test_it_refuses_to_end_a_membership_for_a_member(client, cast):
    client.force_login(cast.member)
    response = client.post(reverse("partnership:membership-end", kwargs={"pk": cast.chair.pk}), {})
    assert response.status_code == 403
    cast.chair.refresh_from_db()
    assert cast.chair.end_date is None


def test_a_membership_of_a_private_group_is_not_found_for_the_public(client, cast):
    membership = cast.private_group.memberships.get()
    response = client.post(reverse("partnership:membership-end", kwargs={"pk": membership.pk}), {})
    assert response.status_code == 302  # to sign in: the public never learns it exists
    membership.refresh_from_db()
    assert membership.end_date is None


# --- Organisations and people -------------------------------------------------------


def test_an_officer_adds_an_organisation(client, cast):
    client.force_login(cast.officer)
    response = client.post(
        reverse("partnership:organisation-create"),
        {"name": "Oakfield Youth Club", "sector": "voluntary", "stakeholder_kind": cast.youth.pk},
    )
    organisation = Organisation.objects.get(name="Oakfield Youth Club")
    assert response.status_code == 302
    assert organisation.slug == "oakfield-youth-club"
    assert list(organisation.partnerships.all()) == [cast.partnership]
    assert organisation.history.get().history_user == cast.officer


def test_it_refuses_an_organisation_with_a_bad_email(client, cast):
    client.force_login(cast.officer)
    before = Organisation.objects.count()
    response = client.post(
        reverse("partnership:organisation-create"),
        {"name": "Oakfield Youth Club", "sector": "voluntary", "email": "not an email"},
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert Organisation.objects.count() == before


def test_an_officer_changes_an_organisation(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:organisation-edit", kwargs={"slug": cast.police.slug})
    response = client.post(url, {"name": "Castleford Police", "sector": "police", "phone": "101"})
    assert response.status_code == 302
    cast.police.refresh_from_db()
    assert cast.police.phone == "101"


def test_it_refuses_organisation_changes_to_a_member(client, cast):
    client.force_login(cast.member)
    url = reverse("partnership:organisation-edit", kwargs={"slug": cast.police.slug})
    response = client.post(url, {"name": "Renamed", "sector": "police"})
    assert response.status_code == 403
    cast.police.refresh_from_db()
    assert cast.police.name == "Castleford Police"


def test_an_officer_adds_a_person_from_a_group_and_goes_on_to_add_them(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:person-create") + f"?group={cast.group.slug}"
    response = client.post(url, {"name": "Yusuf Youth", "email": "yusuf@example.org"})
    person = Person.objects.get(name="Yusuf Youth")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?person={person.pk}")
    form = client.get(response["Location"]).content.decode()
    assert f'<option value="{person.pk}" selected>' in form


def test_an_officer_changes_a_persons_details(client, cast):
    client.force_login(cast.officer)
    url = reverse("partnership:person-edit", kwargs={"pk": cast.chair_person.pk})
    response = client.post(
        url, {"name": "Chris Chair", "email": "chris@example.org", "show_name_publicly": "on"}
    )
    assert response.status_code == 302
    cast.chair_person.refresh_from_db()
    assert cast.chair_person.show_name_publicly is True
    assert cast.chair_person.history.first().history_user == cast.officer


def test_it_refuses_person_changes_to_a_member_of_their_group(client, cast):
    client.force_login(cast.member)
    url = reverse("partnership:person-edit", kwargs={"pk": cast.chair_person.pk})
    response = client.post(url, {"name": "Someone Else"})
    assert response.status_code == 403
    cast.chair_person.refresh_from_db()
    assert cast.chair_person.name == "Chris Chair"
