"""Changes to the partnership's structure. Every edit is kept by django-simple-history.

Each service is keyword-only, runs in one transaction, validates the whole row
with ``full_clean()`` (raising ``ValidationError``) and saves only what it changed.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from tandem.partnership.models import (
    Group,
    GroupType,
    Membership,
    Organisation,
    Partnership,
    Person,
    StakeholderKind,
)
from tandem.places.models import Area

# Slugs that would collide with fixed URLs such as /groups/new/.
RESERVED_SLUGS = {"new", "edit", "history"}

GROUP_FIELDS = {
    "type",
    "name",
    "area",
    "parent",
    "purpose",
    "theme",
    "venue_name",
    "venue_address",
    "venue_access_notes",
    "accountable_body",
    "cadence",
    "is_public",
    "established_on",
    "closed_on",
}
MEMBERSHIP_FIELDS = {"role", "organisation", "stakeholder_kind", "start_date", "end_date"}
ORGANISATION_FIELDS = {
    "name",
    "sector",
    "stakeholder_kind",
    "description",
    "website",
    "email",
    "phone",
    "address",
}
PERSON_FIELDS = {"name", "email", "phone", "job_title", "show_name_publicly"}


def unique_slug(model: type[models.Model], name: str, *, exclude_pk: int | None = None) -> str:
    """A slug for ``name`` that no other row of ``model`` uses (and no fixed URL either)."""
    max_length = model._meta.get_field("slug").max_length
    base = (slugify(name) or model._meta.model_name)[: max_length - 8].strip("-")
    if base in RESERVED_SLUGS:
        base = f"{base}-{model._meta.model_name}"
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def apply_changes(instance: models.Model, *, allowed: set[str], data: dict[str, Any]) -> list[str]:
    """Set the allowed fields from ``data``; return the names of those that changed.

    Shared by every update service here and in the apps above (meetings …)."""
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"Cannot update {', '.join(sorted(unknown))}")
    changed = []
    for name, value in data.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


# --- Groups -----------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    partnership: Partnership,
    type: GroupType,  # noqa: A002 (the model's own field name)
    name: str,
    area: Area | None = None,
    parent: Group | None = None,
    purpose: str = "",
    theme: str = "",
    venue_name: str = "",
    venue_address: str = "",
    venue_access_notes: str = "",
    accountable_body: Organisation | None = None,
    cadence: str = "",
    is_public: bool = True,
    established_on: dt.date | None = None,
    closed_on: dt.date | None = None,
) -> Group:
    group = Group(
        partnership=partnership,
        type=type,
        name=name,
        slug=unique_slug(Group, name),
        area=area,
        parent=parent,
        purpose=purpose,
        theme=theme,
        venue_name=venue_name,
        venue_address=venue_address,
        venue_access_notes=venue_access_notes,
        accountable_body=accountable_body,
        cadence=cadence,
        is_public=is_public,
        established_on=established_on,
        closed_on=closed_on,
    )
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_update(*, group: Group, data: dict[str, Any]) -> Group:
    """Change a group's details (its partnership and slug stay as they are)."""
    changed = apply_changes(group, allowed=GROUP_FIELDS, data=data)
    if not changed:
        return group
    group.full_clean()
    group.save(update_fields=changed)
    return group


# --- Memberships ----------------------------------------------------------------


@transaction.atomic
def membership_create(
    *,
    group: Group,
    person: Person,
    role: str = Membership.Role.MEMBER,
    organisation: Organisation | None = None,
    stakeholder_kind: StakeholderKind | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Membership:
    membership = Membership(
        group=group,
        person=person,
        role=role,
        organisation=organisation,
        stakeholder_kind=stakeholder_kind,
        start_date=start_date or timezone.localdate(),
        end_date=end_date,
    )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, data: dict[str, Any]) -> Membership:
    """Change a membership's role, organisation, kind or dates (its group and person stay)."""
    changed = apply_changes(membership, allowed=MEMBERSHIP_FIELDS, data=data)
    if not changed:
        return membership
    membership.full_clean()
    membership.save(update_fields=changed)
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, end_date: dt.date | None = None) -> Membership:
    """End a membership on a date (today by default). The row is kept: history is never deleted."""
    end_date = end_date or timezone.localdate()
    if membership.end_date is not None and membership.end_date < timezone.localdate():
        raise ValidationError({"end_date": "This membership has already ended."})
    membership.end_date = end_date
    membership.full_clean()
    membership.save(update_fields=["end_date"])
    return membership


# --- Organisations -------------------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    name: str,
    sector: str,
    stakeholder_kind: StakeholderKind | None = None,
    description: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    partnerships: list[Partnership] | None = None,
) -> Organisation:
    organisation = Organisation(
        name=name,
        slug=unique_slug(Organisation, name),
        sector=sector,
        stakeholder_kind=stakeholder_kind,
        description=description,
        website=website,
        email=email,
        phone=phone,
        address=address,
    )
    organisation.full_clean()
    organisation.save()
    if partnerships:
        organisation.partnerships.set(partnerships)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict[str, Any]) -> Organisation:
    changed = apply_changes(organisation, allowed=ORGANISATION_FIELDS, data=data)
    if not changed:
        return organisation
    organisation.full_clean()
    organisation.save(update_fields=changed)
    return organisation


# --- People ----------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    job_title: str = "",
    show_name_publicly: bool = False,
) -> Person:
    person = Person(
        name=name, email=email, phone=phone, job_title=job_title, show_name_publicly=show_name_publicly
    )
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_find_or_create(*, name: str, email: str = "", phone: str = "") -> Person:
    """The person already recorded with this email address (in any case), else a new one. A found
    person keeps their name; a phone number is added only when they had none."""
    if email:
        person = Person.objects.filter(email__iexact=email).order_by("pk").first()
        if person is not None:
            if phone and not person.phone:
                person_update(person=person, data={"phone": phone})
            return person
    return person_create(name=name, email=email, phone=phone)


@transaction.atomic
def person_update(*, person: Person, data: dict[str, Any]) -> Person:
    changed = apply_changes(person, allowed=PERSON_FIELDS, data=data)
    if not changed:
        return person
    person.full_clean()
    person.save(update_fields=changed)
    return person
