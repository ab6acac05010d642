"""Small, explicit builders for test data. Each returns saved objects with sensible defaults."""

import datetime as dt
import itertools

from django.utils.text import slugify

from tandem.accounts.models import User
from tandem.partnership.models import (
    Essential,
    Group,
    GroupType,
    Membership,
    Organisation,
    Partnership,
    Person,
    StakeholderKind,
)
from tandem.places.models import Area

_counter = itertools.count(1)

PASSWORD = "correct-horse-battery-staple"


def _n() -> int:
    return next(_counter)


def make_user(
    *, role: str = User.Role.MEMBER, name: str | None = None, email: str | None = None, **fields
) -> User:
    n = _n()
    return User.objects.create_user(
        email=email or f"user{n}@example.org",
        password=PASSWORD,
        name=name or f"Test User {n}",
        role=role,
        **fields,
    )


def make_area(
    *, name: str | None = None, kind: str = Area.Kind.DISTRICT, parent: Area | None = None, **fields
) -> Area:
    name = name or f"Area {_n()}"
    return Area.objects.create(
        name=name, slug=fields.pop("slug", slugify(name)), kind=kind, parent=parent, **fields
    )


def make_partnership(*, name: str | None = None, area: Area | None = None) -> Partnership:
    name = name or f"Partnership {_n()}"
    area = area or make_area(name=f"{name} district")
    return Partnership.objects.create(name=name, slug=slugify(name), area=area)


def make_stakeholder_kind(name: str) -> StakeholderKind:
    kind, _ = StakeholderKind.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return kind


def make_group_type(*, partnership: Partnership, name: str | None = None, **fields) -> GroupType:
    name = name or f"Group type {_n()}"
    stakeholders = fields.pop("recommended_stakeholders", [])
    group_type = GroupType.objects.create(partnership=partnership, name=name, slug=slugify(name), **fields)
    group_type.recommended_stakeholders.set(stakeholders)
    return group_type


def make_organisation(
    *, name: str | None = None, sector: str = Organisation.Sector.VOLUNTARY, **fields
) -> Organisation:
    name = name or f"Organisation {_n()}"
    return Organisation.objects.create(
        name=name, slug=fields.pop("slug", slugify(name)), sector=sector, **fields
    )


def make_group(
    *, partnership: Partnership, group_type: GroupType | None = None, name: str | None = None, **fields
) -> Group:
    name = name or f"Group {_n()}"
    group_type = group_type or make_group_type(partnership=partnership)
    return Group.objects.create(
        partnership=partnership, type=group_type, name=name, slug=fields.pop("slug", slugify(name)), **fields
    )


def make_person(*, name: str | None = None, **fields) -> Person:
    return Person.objects.create(name=name or f"Person {_n()}", **fields)


def make_membership(
    *,
    group: Group,
    person: Person | None = None,
    role: str = Membership.Role.MEMBER,
    start_date: dt.date | None = None,
    **fields,
) -> Membership:
    return Membership.objects.create(
        group=group,
        person=person or make_person(),
        role=role,
        start_date=start_date or dt.date(2024, 1, 1),
        **fields,
    )


class Cast:
    """The fixed cast every permission test uses (see the `cast` fixture)."""

    def __init__(self) -> None:
        self.district = make_area(name="Castleford District", kind=Area.Kind.DISTRICT, code="E07999999")
        self.neighbourhood = make_area(name="Oakfield", kind=Area.Kind.NEIGHBOURHOOD, parent=self.district)
        self.partnership = make_partnership(
            name="Castleford Community Safety Partnership", area=self.district
        )
        self.youth = make_stakeholder_kind("Youth group")
        self.rsl = make_stakeholder_kind("Registered social landlord")
        self.police_kind = make_stakeholder_kind("Police")
        self.board_type = make_group_type(
            partnership=self.partnership,
            name="Partnership board",
            tier=2,
            meeting_frequency=GroupType.Frequency.QUARTERLY,
        )
        self.lag_type = make_group_type(
            partnership=self.partnership,
            name="Local Action Group",
            short_name="LAG",
            tier=0,
            escalates_to=self.board_type,
            public_may_attend=True,
            essentials=[
                e.value for e in Essential if e not in (Essential.SUPPORT_OFFICER, Essential.COMMUNITY_LEAD)
            ],
            recommended_stakeholders=[self.youth, self.rsl, self.police_kind],
        )
        self.police = make_organisation(
            name="Castleford Police", sector=Organisation.Sector.POLICE, stakeholder_kind=self.police_kind
        )
        self.board = make_group(
            partnership=self.partnership,
            group_type=self.board_type,
            name="Castleford Partnership Board",
            area=self.district,
        )
        self.group = make_group(
            partnership=self.partnership,
            group_type=self.lag_type,
            name="Oakfield Local Action Group",
            area=self.neighbourhood,
            parent=self.board,
            venue_name="Oakfield Village Hall",
        )
        self.private_group = make_group(
            partnership=self.partnership,
            group_type=self.lag_type,
            name="Oakfield Case Panel",
            is_public=False,
            parent=self.board,
        )

        self.administrator = make_user(
            role=User.Role.ADMINISTRATOR, name="Ada Administrator", email="admin@example.org"
        )
        self.officer = make_user(role=User.Role.OFFICER, name="Oliver Officer", email="officer@example.org")
        self.member = make_user(role=User.Role.MEMBER, name="Mary Member", email="member@example.org")
        self.outsider = make_user(role=User.Role.MEMBER, name="Otto Outsider", email="outsider@example.org")

        self.chair_person = make_person(name="Chris Chair", email="chris@example.org", phone="01632 960001")
        self.chair = make_membership(group=self.group, person=self.chair_person, role=Membership.Role.CHAIR)
        self.member_person = make_person(name="Mary Member", email="member@example.org", user=self.member)
        self.membership = make_membership(group=self.group, person=self.member_person)
        make_membership(
            group=self.private_group,
            person=make_person(name="Pat Private", user=None),
            role=Membership.Role.CHAIR,
        )
        self.police_rep = make_membership(
            group=self.group,
            person=make_person(name="PC Paula Beat"),
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation=self.police,
        )

    def users(self) -> dict[str, User | None]:
        """Each role by name; `public` is the anonymous visitor."""
        return {
            "public": None,
            "member": self.member,
            "outsider": self.outsider,
            "officer": self.officer,
            "administrator": self.administrator,
        }


def make_meeting(*, group: Group, starts_at=None, minutes: int = 120, **fields):
    """A meeting of the group (tomorrow evening by default), venue copied from the group."""
    from django.utils import timezone

    from tandem.meetings.models import Meeting

    if starts_at is None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        starts_at = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(18, 0)))
    fields.setdefault("venue_name", group.venue_name)
    return Meeting.objects.create(
        group=group, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes), **fields
    )


def make_organiser(cast: "Cast") -> User:
    """A signed-in chair of cast.group: links a user account to cast.chair_person."""
    if cast.chair_person.user_id is None:
        cast.chair_person.user = make_user(name="Chris Chair", email="chair@example.org")
        cast.chair_person.save(update_fields=["user"])
    return cast.chair_person.user
