"""Services change the structure in one transaction, validate the whole row, and leave history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.partnership import services
from tandem.partnership.models import Group, Membership, Organisation, Person
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_group_create_makes_a_unique_slug(cast):
    first = services.group_create(partnership=cast.partnership, type=cast.lag_type, name="Elm LAG")
    second = services.group_create(partnership=cast.partnership, type=cast.lag_type, name="Elm LAG")
    assert (first.slug, second.slug) == ("elm-lag", "elm-lag-2")


def test_group_create_refuses_a_type_of_another_partnership(cast):
    from tests.factories import make_group_type, make_partnership

    other_type = make_group_type(partnership=make_partnership(name="Elsewhere"))
    before = Group.objects.count()
    with pytest.raises(ValidationError) as error:
        services.group_create(partnership=cast.partnership, type=other_type, name="Wrong")
    assert "type" in error.value.message_dict
    assert Group.objects.count() == before


def test_group_update_saves_only_what_changed_and_keeps_history(cast):
    records = cast.group.history.count()
    services.group_update(group=cast.group, data={"venue_name": "Oakfield Library", "name": cast.group.name})
    assert cast.group.history.count() == records + 1
    services.group_update(group=cast.group, data={"venue_name": "Oakfield Library"})
    assert cast.group.history.count() == records + 1  # nothing changed, nothing written


def test_group_update_refuses_fields_it_does_not_own(cast):
    with pytest.raises(TypeError):
        services.group_update(group=cast.group, data={"partnership": None})


def test_group_update_refuses_a_loop(cast):
    with pytest.raises(ValidationError):
        services.group_update(group=cast.board, data={"parent": cast.group})
    cast.board.refresh_from_db()
    assert cast.board.parent is None


def test_membership_create_starts_today_by_default(cast):
    membership = services.membership_create(group=cast.group, person=make_person(), role="note_taker")
    assert membership.start_date == timezone.localdate()
    assert membership.is_current


def test_membership_end_keeps_the_row(cast):
    services.membership_end(membership=cast.chair)
    cast.chair.refresh_from_db()
    assert cast.chair.end_date == timezone.localdate()
    assert Membership.objects.filter(pk=cast.chair.pk).exists()


def test_membership_end_refuses_an_end_before_the_start(cast):
    with pytest.raises(ValidationError):
        services.membership_end(membership=cast.chair, end_date=dt.date(2000, 1, 1))
    cast.chair.refresh_from_db()
    assert cast.chair.end_date is None


def test_membership_end_refuses_one_already_ended(cast):
    services.membership_end(membership=cast.chair, end_date=dt.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.membership_end(membership=cast.chair, end_date=dt.date(2024, 7, 1))
    cast.chair.refresh_from_db()
    assert cast.chair.end_date == dt.date(2024, 6, 1)


def test_organisation_create_and_update(cast):
    organisation = services.organisation_create(name="Oakfield Youth Club", sector="voluntary")
    services.organisation_update(organisation=organisation, data={"phone": "01632 960002"})
    organisation.refresh_from_db()
    assert organisation.phone == "01632 960002"
    assert organisation.history.count() == 2


def test_organisation_create_refuses_an_unknown_sector(cast):
    before = Organisation.objects.count()
    with pytest.raises(ValidationError):
        services.organisation_create(name="Mystery", sector="nonsense")
    assert Organisation.objects.count() == before


def test_person_create_and_update(cast):
    person = services.person_create(name="Ruth Resident")
    services.person_update(person=person, data={"show_name_publicly": True})
    person.refresh_from_db()
    assert person.show_name_publicly is True


def test_person_create_refuses_a_bad_email(cast):
    before = Person.objects.count()
    with pytest.raises(ValidationError):
        services.person_create(name="Bad Email", email="nope")
    assert Person.objects.count() == before
