"""The demo partnership: Trafford Community Safety Partnership (demo), on real boundaries.

Places are real (ONS boundaries of Trafford, see SOURCES.md beside this file);
people are obviously made up; organisations are named after the kinds of agency a
Community Safety Partnership works with, and what they do here is invented.

Everything is keyed on slugs and emails and saved only when it differs, so loading
the demo twice adds nothing and writes no empty history entries.
"""

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from shapely.ops import unary_union

from tandem.accounts.models import User
from tandem.partnership.models import Group, GroupType, Membership, Organisation, Partnership, Person
from tandem.partnership.presets import preset_install, stakeholder_kind_ensure
from tandem.places.models import Area
from tandem.places.services import (
    areas_import_geojson,
    boundary_values,
    features_read,
    lsoas_import_geojson,
)

DEMO_DIR = Path(__file__).resolve().parent
PARTNERSHIP_SLUG = "trafford-csp-demo"
PASSWORD = "tandem-demo-password"  # noqa: S105 (the published demo password; demo accounts only)
TRAFFORD_CODE = "E08000009"
BOUNDARY_SOURCE = (
    "Office for National Statistics via Trafford Data Lab (traffordDataLab/spatial_data), "
    "Open Government Licence v3.0. Contains OS data © Crown copyright and database right."
)
START = dt.date(2024, 4, 1)

Role = Membership.Role
Sector = Organisation.Sector

# Trafford's four localities and the 2022 wards in each (ONS ward codes).
LOCALITIES = {
    "north-trafford": ("North Trafford", ["E05000825", "E05000829", "E05000832", "E05000836"]),
    "west-trafford": ("West Trafford", ["E05000824", "E05000826", "E05000827", "E05000828", "E05000838"]),
    "central-trafford": (
        "Central Trafford",
        ["E05000820", "E05000823", "E05000833", "E05000834", "E05000835"],
    ),
    "south-trafford": (
        "South Trafford",
        ["E05000819", "E05000821", "E05000822", "E05000830", "E05000831", "E05000837", "E05000839"],
    ),
}

# Parishes and estates inside wards: (slug, name, kind, ward code, priority neighbourhood, description)
SMALL_AREAS = [
    ("partington", "Partington", Area.Kind.PARISH, "E05000824", False, "Partington Town Council's parish."),
    ("carrington", "Carrington", Area.Kind.PARISH, "E05000824", False, "A rural parish beside Partington."),
    (
        "sale-west-estate",
        "Sale West estate",
        Area.Kind.ESTATE,
        "E05000824",
        True,
        "A housing estate that gets joined-up services from the partnership's agencies.",
    ),
    ("dunham-massey", "Dunham Massey", Area.Kind.PARISH, "E05000821", False, "A rural parish."),
    ("warburton", "Warburton", Area.Kind.PARISH, "E05000821", False, "A village parish."),
]

# (slug, name, sector, stakeholder kind slug)
ORGANISATIONS = [
    ("gmp-trafford", "Greater Manchester Police – Trafford district", Sector.POLICE, "police"),
    ("trafford-council", "Trafford Council", Sector.LOCAL_AUTHORITY, "council-community-safety"),
    ("gmfrs", "Greater Manchester Fire and Rescue Service", Sector.FIRE, "fire-and-rescue"),
    ("mft", "Manchester University NHS Foundation Trust", Sector.HEALTH, "health"),
    ("nhs-gm-trafford", "NHS Greater Manchester (Trafford)", Sector.HEALTH, "health"),
    ("gm-probation", "Greater Manchester Probation Service", Sector.PROBATION, "probation"),
    ("trafford-housing-trust", "Trafford Housing Trust", Sector.HOUSING, "registered-social-landlords"),
    ("irwell-valley-homes", "Irwell Valley Homes", Sector.HOUSING, "registered-social-landlords"),
    ("partington-town-council", "Partington Town Council", Sector.PARISH_COUNCIL, "town-and-parish-councils"),
    (
        "carrington-parish-council",
        "Carrington Parish Council",
        Sector.PARISH_COUNCIL,
        "town-and-parish-councils",
    ),
    (
        "dunham-massey-parish-council",
        "Dunham Massey Parish Council",
        Sector.PARISH_COUNCIL,
        "town-and-parish-councils",
    ),
    (
        "warburton-parish-council",
        "Warburton Parish Council",
        Sector.PARISH_COUNCIL,
        "town-and-parish-councils",
    ),
    ("stretford-high-school", "Stretford High School", Sector.EDUCATION, "schools"),
    ("broadoak-school", "Broadoak School", Sector.EDUCATION, "schools"),
    ("flixton-girls-school", "Flixton Girls' School", Sector.EDUCATION, "schools"),
    ("ashton-on-mersey-school", "Ashton on Mersey School", Sector.EDUCATION, "schools"),
    (
        "st-martins-church-sale-west",
        "St Martin's Church, Sale West",
        Sector.FAITH,
        "churches-and-sports-facilities",
    ),
    (
        "st-marys-church-partington",
        "St Mary's Church, Partington",
        Sector.FAITH,
        "churches-and-sports-facilities",
    ),
    (
        "partington-sports-village",
        "Partington Sports Village",
        Sector.OTHER,
        "churches-and-sports-facilities",
    ),
    ("partington-youth-club", "Partington Youth Club", Sector.VOLUNTARY, "youth-groups"),
    ("stretford-youth-hub", "Stretford Youth Hub", Sector.VOLUNTARY, "youth-groups"),
    (
        "old-trafford-tra",
        "Old Trafford Tenants' and Residents' Association",
        Sector.VOLUNTARY,
        "tenants-and-residents-associations",
    ),
    (
        "sale-west-ra",
        "Sale West Residents' Association",
        Sector.VOLUNTARY,
        "tenants-and-residents-associations",
    ),
    (
        "partington-tra",
        "Partington Tenants' and Residents' Association",
        Sector.VOLUNTARY,
        "tenants-and-residents-associations",
    ),
    (
        "gorse-hill-residents",
        "Gorse Hill Residents' Group",
        Sector.VOLUNTARY,
        "tenants-and-residents-associations",
    ),
    (
        "drovers-rest",
        "The Drovers' Rest (public house), Partington",
        Sector.BUSINESS,
        "publicans-and-traders",
    ),
    ("urmston-traders", "Urmston Traders' Association", Sector.BUSINESS, "publicans-and-traders"),
    ("altrincham-traders", "Altrincham Town Centre Traders", Sector.BUSINESS, "publicans-and-traders"),
    ("age-uk-trafford", "Age UK Trafford", Sector.VOLUNTARY, "community-groups"),
    ("stretford-community-forum", "Stretford Community Forum", Sector.VOLUNTARY, "community-groups"),
    (
        "altrincham-neighbourhood-watch",
        "Altrincham Neighbourhood Watch",
        Sector.VOLUNTARY,
        "community-groups",
    ),
    (
        "trafford-domestic-abuse-services",
        "Trafford Domestic Abuse Services",
        Sector.VOLUNTARY,
        "other-agencies",
    ),
    ("trafford-trading-standards", "Trafford Trading Standards", Sector.LOCAL_AUTHORITY, "other-agencies"),
]

# Made-up names: a first name and a nonsense surname that share an initial ("Dora Doodlecombe").
_PREFIXES = [
    "Bramble", "Crumpet", "Doodle", "Fiddle", "Gumboot", "Hobnob", "Jumble", "Kettle", "Lollop", "Marmalade",
    "Noodle", "Pickle", "Puddle", "Quibble", "Rumble", "Scone", "Teapot", "Tumble", "Waffle", "Wobble",
    "Bobbin", "Custard", "Dumpling", "Flapjack", "Muffin", "Nettle", "Pebble", "Sprocket", "Thimble",
    "Wicket",
]  # fmt: skip
_SUFFIXES = ["wick", "combe", "thorpe", "worthy", "bury", "ington", "field", "by", "stitch", "bottom"]
_FIRST_NAMES = {
    "B": ["Barnaby", "Bella", "Bertie", "Bryony"],
    "C": ["Cora", "Cyril", "Clementine", "Cassius"],
    "D": ["Dora", "Desmond", "Dilys", "Dexter"],
    "F": ["Fern", "Fergus", "Florence", "Felix"],
    "G": ["Gwen", "Gus", "Greta", "Godfrey"],
    "H": ["Hattie", "Hector", "Hazel", "Horace"],
    "J": ["Juno", "Jasper", "Jemima", "Jed"],
    "K": ["Kit", "Kezia", "Kenelm", "Kitty"],
    "L": ["Lettice", "Lionel", "Lottie", "Lenny"],
    "M": ["Maisie", "Monty", "Mabel", "Mungo"],
    "N": ["Nell", "Ned", "Nora", "Nye"],
    "P": ["Pip", "Percy", "Posy", "Perpetua"],
    "Q": ["Quentin", "Queenie", "Quincy", "Quilla"],
    "R": ["Rosa", "Rufus", "Ruby", "Reggie"],
    "S": ["Sybil", "Stanley", "Saffron", "Sid"],
    "T": ["Tilly", "Toby", "Thea", "Tobias"],
    "W": ["Winnie", "Wilf", "Wren", "Walter"],
}


def demo_name(number: int) -> str:
    """The made-up name of the demo's `number`th person; unique for the first 120."""
    prefix = _PREFIXES[number % len(_PREFIXES)]
    cycle = number // len(_PREFIXES)
    suffix = _SUFFIXES[(number + cycle * 3) % len(_SUFFIXES)]
    first = _FIRST_NAMES[prefix[0]][cycle % 4]
    return f"{first} {prefix}{suffix}"


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    logins: list[tuple[str, str]] = field(default_factory=list)
    partnership: Partnership | None = None

    def count(self, model: type[models.Model], outcome: str) -> None:
        if outcome == "created":
            self.created[model._meta.verbose_name_plural] += 1
        elif outcome == "updated":
            self.updated[model._meta.verbose_name_plural] += 1


def _upsert(report: DemoReport, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
    """Get the row by `lookup`, create it with `values`, or update just the values that differ."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        report.count(model, "created")
        return instance
    changed = []
    for name, value in values.items():
        attname = model._meta.get_field(name).attname
        current = getattr(instance, attname)
        wanted = value.pk if isinstance(value, models.Model) else value
        if current != wanted:
            setattr(instance, name, value)
            changed.append(name)
    if changed:
        instance.full_clean()
        instance.save(update_fields=changed)
        report.count(model, "updated")
    return instance


class _People:
    """Hands out the demo's people in a fixed order, so each run gives each role the same person."""

    def __init__(self, report: DemoReport) -> None:
        self.report = report
        self.number = 0

    def next(self, *, job_title: str = "", public: bool = False) -> Person:
        name = demo_name(self.number)
        self.number += 1
        first, last = name.lower().split(" ")
        return _upsert(
            self.report,
            Person,
            {"email": f"{first}.{last}@example.org"},
            {"name": name, "job_title": job_title, "show_name_publicly": public or bool(job_title)},
        )


class _Builder:
    def __init__(self, report: DemoReport, progress: Callable[[str], None]) -> None:
        self.report = report
        self.progress = progress
        self.people = _People(report)
        self.orgs: dict[str, Organisation] = {}
        self.areas: dict[str, Area] = {}
        self.groups: dict[str, Group] = {}
        self.types: dict[str, GroupType] = {}
        self.reps: dict[str, Person] = {}

    # --- places -------------------------------------------------------------------------

    def places(self) -> Area:
        self.progress("Boundaries of Trafford")
        areas_import_geojson(
            source=DEMO_DIR / "trafford-district-2021.geojson",
            kind=Area.Kind.DISTRICT,
            parent=None,
            name_property="area_name",
            code_property="area_code",
            boundary_source=BOUNDARY_SOURCE,
        )
        district = Area.objects.get(code=TRAFFORD_CODE)
        _upsert(
            self.report,
            Area,
            {"pk": district.pk},
            {"description": "Trafford, Greater Manchester: the district of the demo partnership."},
        )
        wards = features_read(
            DEMO_DIR / "trafford-wards-2022.geojson", name_property="area_name", code_property="area_code"
        )
        collection = {feature.code: feature for feature in wards}
        raw = _raw_features(DEMO_DIR / "trafford-wards-2022.geojson")
        for slug, (name, codes) in LOCALITIES.items():
            locality_boundary = unary_union([collection[code].geometry for code in codes])
            locality = _upsert(
                self.report,
                Area,
                {"slug": slug},
                {
                    "name": name,
                    "kind": Area.Kind.AREA,
                    "parent": district,
                    "description": "One of Trafford's four localities, with its own Joint Action Group.",
                    "boundary_source": f"The union of its wards' boundaries. {BOUNDARY_SOURCE}",
                    **boundary_values(locality_boundary),
                },
            )
            self.areas[slug] = locality
            areas_import_geojson(
                source={"type": "FeatureCollection", "features": [raw[code] for code in codes]},
                kind=Area.Kind.WARD,
                parent=locality,
                name_property="area_name",
                code_property="area_code",
                boundary_source=BOUNDARY_SOURCE,
            )
        for ward in Area.objects.filter(parent__slug__in=LOCALITIES, kind=Area.Kind.WARD):
            self.areas[ward.code] = ward
        self.progress("LSOAs placed in wards")
        lsoas_import_geojson(
            source=DEMO_DIR / "trafford-lsoas-2021.geojson",
            parent=district,
            kind=Area.Kind.WARD,
            code_property="area_code",
            name_property="area_name",
            census_year=2021,
            lookup=DEMO_DIR / "trafford-lsoa21-to-ward22.csv",
        )
        for slug, name, kind, ward_code, priority, description in SMALL_AREAS:
            self.areas[slug] = _upsert(
                self.report,
                Area,
                {"slug": slug},
                {
                    "name": name,
                    "kind": kind,
                    "parent": self.areas[ward_code],
                    "is_priority_neighbourhood": priority,
                    "description": description,
                },
            )
        return district

    # --- organisations and structure ---------------------------------------------------

    def partnership(self, district: Area) -> Partnership:
        self.progress("Partnership, presets and organisations")
        partnership = _upsert(
            self.report,
            Partnership,
            {"slug": PARTNERSHIP_SLUG},
            {
                "name": "Trafford Community Safety Partnership (demo)",
                "short_name": "Trafford CSP (demo)",
                "area": district,
                "description": (
                    "A demonstration partnership on Trafford's real boundaries. Its people, groups and "
                    "memberships are made up: nothing here describes the real Trafford partnership."
                ),
                "email": "community.safety@example.org",
                "phone": "01632 960000",
            },
        )
        for key in ("community-led-solution", "local-action-groups", "local-neighbourhood-partnership"):
            for group_type in preset_install(partnership=partnership, key=key):
                self.types[group_type.slug] = group_type
        for slug, name, sector, kind_slug in ORGANISATIONS:
            self.orgs[slug] = _upsert(
                self.report,
                Organisation,
                {"slug": slug},
                {
                    "name": name,
                    "sector": sector,
                    "stakeholder_kind": stakeholder_kind_ensure(kind_slug),
                    "description": (
                        "An example organisation in the demo partnership: the people who represent it "
                        "here and what they do are made up."
                    ),
                },
            )
        partnership.organisations.add(*self.orgs.values())
        return partnership

    def group(self, slug: str, type_slug: str, name: str, **values: Any) -> Group:
        group = _upsert(
            self.report,
            Group,
            {"slug": slug},
            {"partnership": self.partnership_obj, "type": self.types[type_slug], "name": name, **values},
        )
        self.groups[slug] = group
        return group

    def member(
        self,
        group: Group,
        person: Person,
        role: str = Role.MEMBER,
        org: str | None = None,
        kind: str | None = None,
        end_date: dt.date | None = None,
    ) -> Membership:
        return _upsert(
            self.report,
            Membership,
            {"group": group, "person": person, "role": role},
            {
                "organisation": self.orgs[org] if org else None,
                "stakeholder_kind": stakeholder_kind_ensure(kind) if kind else None,
                "start_date": START,
                "end_date": end_date,
            },
        )

    def rep(self, org: str, job_title: str = "") -> Person:
        """The person who represents an organisation: the same one in every group."""
        if org not in self.reps:
            self.reps[org] = self.people.next(job_title=job_title or f"Representative, {self.orgs[org].name}")
        return self.reps[org]

    def resident(self, group: Group, role: str = Role.MEMBER, kind: str = "householders", **extra) -> Person:
        person = self.people.next(public=role in (Role.CHAIR, Role.VICE_CHAIR))
        self.member(group, person, role, kind=kind, **extra)
        return person

    def structure(self, partnership: Partnership) -> dict[str, Person]:
        self.partnership_obj = partnership
        people = self.people
        named: dict[str, Person] = {}
        self.progress("Board and Joint Action Groups")

        board = self.group(
            "trafford-csp-board",
            "partnership-board",
            "Trafford Community Safety Partnership Board (demo)",
            area=partnership.area,
            purpose="Sets the three-year strategy and reviews the annual action plan each quarter.",
            venue_name="Trafford Town Hall, committee room 2",
            venue_address="Talbot Road, Stretford, M32 0TH",
            venue_access_notes="Step-free entrance on Talbot Road; hearing loop; visitor parking.",
            established_on=dt.date(2019, 4, 1),
        )
        councillor_chair = people.next(job_title="Executive Member for Community Safety (councillor)")
        self.member(
            board, councillor_chair, Role.CHAIR, "trafford-council", "district-and-county-councillors"
        )
        csp_manager = people.next(job_title="Community Safety Partnership Manager")
        self.member(board, csp_manager, Role.NOTE_TAKER, "trafford-council")
        superintendent = people.next(job_title="Superintendent, Trafford district")
        self.member(board, superintendent, Role.VICE_CHAIR, "gmp-trafford")
        self.member(
            board, people.next(job_title="Area Manager, Trafford"), Role.AGENCY_REPRESENTATIVE, "gmfrs"
        )
        self.member(
            board,
            people.next(job_title="Head of Safeguarding"),
            Role.AGENCY_REPRESENTATIVE,
            "nhs-gm-trafford",
        )
        self.member(
            board,
            people.next(job_title="Head of Probation Delivery Unit"),
            Role.AGENCY_REPRESENTATIVE,
            "gm-probation",
        )
        support_officer = people.next(job_title="Partnership Support Officer")
        named["officer"] = support_officer
        fire_officer = people.next(job_title="Station Manager, community fire safety")
        housing_officer = self.rep("trafford-housing-trust", "Neighbourhood Housing Officer")
        health_officer = people.next(job_title="Public Health Practitioner")

        jag_venues = {
            "north-trafford": ("Stretford Police Station, meeting room", "Talbot Road, Stretford"),
            "west-trafford": ("Urmston Library, community room", "Golden Way, Urmston"),
            "central-trafford": ("Sale Waterside, room 4", "Waterside Plaza, Sale"),
            "south-trafford": ("Altrincham Town Hall, committee room", "Market Street, Altrincham"),
        }
        for slug, (locality_name, _) in LOCALITIES.items():
            jag = self.group(
                f"{slug}-jag",
                "joint-action-group",
                f"{locality_name} Joint Action Group",
                area=self.areas[slug],
                parent=board,
                purpose=(
                    f"The Police Community Safety Joint Action Group for {locality_name}: partner "
                    "agencies take up the Neighbourhood Action Panels' priorities."
                ),
                venue_name=jag_venues[slug][0],
                venue_address=jag_venues[slug][1],
                established_on=dt.date(2019, 6, 1),
            )
            inspector = people.next(job_title=f"Neighbourhood Inspector, {locality_name}")
            named[f"inspector-{slug}"] = inspector
            self.member(jag, inspector, Role.CHAIR, "gmp-trafford")
            if slug != "south-trafford":  # South's JAG has lost its note taker: an essential missing
                self.member(jag, csp_manager, Role.NOTE_TAKER, "trafford-council")
            self.member(jag, fire_officer, Role.AGENCY_REPRESENTATIVE, "gmfrs")
            self.member(jag, housing_officer, Role.AGENCY_REPRESENTATIVE, "trafford-housing-trust")
            if slug in ("north-trafford", "west-trafford"):  # the others show "No health representative"
                self.member(jag, health_officer, Role.AGENCY_REPRESENTATIVE, "mft")
            if slug == "west-trafford":
                self.member(
                    jag,
                    support_officer,
                    Role.SUPPORT_OFFICER,
                    "trafford-council",
                    "partnership-support-officer",
                )

        self.progress("Neighbourhood Action Panels")
        self.naps(named)
        self.progress("Community Led Solution group, Local Action Group and Community Action Group")
        self.other_groups(named, board, support_officer)
        self.scrutiny_committee(partnership, councillor_chair)
        return named

    def scrutiny_committee(self, partnership: Partnership, portfolio_holder: Person) -> None:
        # Last, so that every other demo person keeps the name it had before the committee came.
        self.progress("Crime and disorder scrutiny committee")
        committee = self.group(
            "trafford-scrutiny-committee",
            "crime-and-disorder-scrutiny-committee",
            "Trafford Crime and Disorder Scrutiny Committee (demo)",
            area=partnership.area,
            purpose=(
                "The council's scrutiny committee for crime and disorder: reviews the partnership's work "
                "once a year and considers Councillor Calls for Action."
            ),
            venue_name="Trafford Town Hall, council chamber",
            venue_address="Talbot Road, Stretford, M32 0TH",
            venue_access_notes="Step-free entrance on Talbot Road; hearing loop; public gallery.",
            established_on=dt.date(2019, 5, 1),
        )
        people = self.people
        councillors = "district-and-county-councillors"
        self.member(
            committee,
            people.next(job_title="Chair of scrutiny (councillor)"),
            Role.CHAIR,
            "trafford-council",
            councillors,
        )
        self.member(
            committee,
            people.next(job_title="Scrutiny Officer, democratic services"),
            Role.NOTE_TAKER,
            "trafford-council",
        )
        for _ in range(3):
            self.member(
                committee,
                people.next(job_title="Ward councillor"),
                Role.MEMBER,
                "trafford-council",
                councillors,
            )
        # The portfolio holder who chairs the board attends to answer the committee's questions.
        self.member(committee, portfolio_holder, Role.MEMBER, "trafford-council", councillors)

    def naps(self, named: dict[str, Person]) -> None:
        # (slug, place, locality, ward code, venue, organisations represented besides police and council)
        naps = [
            ("stretford-nap", "Stretford", "north-trafford", "E05000836", "Stretford Public Hall",
             ["stretford-high-school", "stretford-youth-hub", "stretford-community-forum",
              "trafford-housing-trust"]),
            ("old-trafford-nap", "Old Trafford", "north-trafford", "E05000825",
             "Old Trafford Community Centre", ["old-trafford-tra", "trafford-housing-trust"]),
            ("gorse-hill-nap", "Gorse Hill", "north-trafford", "E05000829",
             "Gorse Hill Methodist Church hall", ["gorse-hill-residents"]),
            ("longford-nap", "Longford", "north-trafford", "E05000832", "",  # no venue yet
             ["stretford-community-forum"]),
            ("urmston-flixton-nap", "Urmston and Flixton", "west-trafford", "E05000838", "Urmston Library",
             ["urmston-traders", "flixton-girls-school"]),
            ("davyhulme-nap", "Davyhulme", "west-trafford", "E05000826", "Davyhulme Scout hut",
             ["age-uk-trafford"]),
            ("partington-carrington-nap", "Partington and Carrington", "west-trafford", "E05000824",
             "Partington Sports Village",
             ["partington-town-council", "carrington-parish-council", "irwell-valley-homes",
              "partington-youth-club"]),
            ("sale-central-nap", "Sale Central", "central-trafford", "E05000834", "Sale Waterside",
             ["trafford-housing-trust"]),
            ("sale-moor-nap", "Sale Moor", "central-trafford", "E05000835", "Sale Moor Community Centre",
             ["age-uk-trafford"]),
            ("ashton-upon-mersey-nap", "Ashton upon Mersey", "central-trafford", "E05000820",
             "Ashton on Mersey School, library", ["ashton-on-mersey-school"]),
            ("brooklands-priory-nap", "Brooklands and Priory", "central-trafford", "E05000823",
             "Brooklands Methodist Church hall", []),
            ("altrincham-broadheath-nap", "Altrincham and Broadheath", "south-trafford", "E05000819",
             "Altrincham Town Hall", ["altrincham-traders", "altrincham-neighbourhood-watch"]),
            ("hale-bowdon-nap", "Hale and Bowdon", "south-trafford", "E05000831", "Hale Library",
             ["dunham-massey-parish-council", "warburton-parish-council"]),
            ("timperley-village-nap", "Timperley and Village", "south-trafford", "E05000837",
             "Timperley Village Club", ["altrincham-neighbourhood-watch"]),
        ]  # fmt: skip
        beat_manager = None
        for index, (slug, place, locality, ward, venue, extras) in enumerate(naps):
            nap = self.group(
                slug,
                "neighbourhood-action-panel",
                f"{place} Neighbourhood Action Panel",
                area=self.areas[ward],
                parent=self.groups[f"{locality}-jag"],
                purpose=(
                    f"Residents, councillors and agencies in {place} choose the neighbourhood's top three "
                    "priorities each quarter and solve the problems residents raise."
                ),
                venue_name=venue,
                established_on=dt.date(2020, 1, 1),
            )
            if slug == "timperley-village-nap":
                # The chair stood down: the vacancy shows as a missing essential.
                self.resident(nap, Role.CHAIR, end_date=dt.date(2025, 3, 31))
            else:
                chair = self.resident(nap, Role.CHAIR)
                if slug == "stretford-nap":
                    named["chair"] = chair
            if index % 2 == 0:  # one beat manager or PCSO, and one councillor, for every two panels
                beat_manager = self.people.next(job_title=f"Police Community Support Officer, {place}")
                councillor = self.people.next(job_title=f"Ward councillor, {self.areas[ward].name}")
            # The PCSO takes the notes where no resident does; Davyhulme has no note taker at all.
            if index % 2 == 0:
                self.resident(nap, Role.NOTE_TAKER)
            pcso_role = (
                Role.NOTE_TAKER if index % 2 and slug != "davyhulme-nap" else Role.AGENCY_REPRESENTATIVE
            )
            self.member(nap, beat_manager, pcso_role, "gmp-trafford", "beat-manager-and-pcsos")
            self.member(nap, councillor, Role.MEMBER, "trafford-council", "district-and-county-councillors")
            for org in extras:
                is_agency = self.orgs[org].sector == Sector.HOUSING
                role = Role.AGENCY_REPRESENTATIVE if is_agency else Role.MEMBER
                self.member(nap, self.rep(org), role, org)
            if index % 5 == 0:
                resident = self.resident(nap)
                if slug == "stretford-nap":
                    named["resident"] = resident

    def other_groups(self, named: dict[str, Person], board: Group, support_officer: Person) -> None:
        # Community Led Solution group, set up by the West Trafford JAG for a persistent problem.
        cls = self.group(
            "sale-west-cls",
            "community-led-solution-group",
            "Sale West Community Led Solution group",
            area=self.areas["sale-west-estate"],
            parent=self.groups["west-trafford-jag"],
            purpose=(
                "Set up by the West Trafford Joint Action Group after anti-social behaviour around the Sale "
                "West shops kept being raised at the Partington and Carrington Neighbourhood Action Panel. "
                "Residents lead; agencies support."
            ),
            venue_name="Sale West Community Centre",
            venue_access_notes="Step-free access; buggy and wheelchair space.",
            is_public=False,
            established_on=dt.date(2025, 1, 15),
        )
        self.member(
            cls, support_officer, Role.SUPPORT_OFFICER, "trafford-council", "partnership-support-officer"
        )
        for _ in range(2):
            self.resident(cls, Role.COMMUNITY_LEAD, kind="community-leads")
        self.member(
            cls,
            self.rep("sale-west-ra"),
            org="sale-west-ra",
        )
        pcso = self.people.next(job_title="Police Community Support Officer, Sale West")
        self.member(cls, pcso, Role.AGENCY_REPRESENTATIVE, "gmp-trafford", "beat-manager-and-pcsos")
        self.member(
            cls,
            self.rep("irwell-valley-homes", "Tenancy Sustainment Officer"),
            Role.AGENCY_REPRESENTATIVE,
            "irwell-valley-homes",
        )
        # No council community safety officer yet: a representation gap.

        # Local Action Groups preset: an Area Action Panel for West Trafford and a LAG in Partington.
        aap = self.group(
            "west-trafford-aap",
            "area-action-panel",
            "West Trafford Area Action Panel",
            area=self.areas["west-trafford"],
            parent=board,
            purpose="Local Action Groups in West Trafford cascade up what they cannot deal with locally.",
            venue_name="Urmston Library, community room",
            venue_address="Golden Way, Urmston",
            established_on=dt.date(2021, 9, 1),
        )
        self.member(
            aap,
            self.people.next(job_title="Ward councillor, Flixton"),
            Role.CHAIR,
            "trafford-council",
            "district-and-county-councillors",
        )
        self.member(aap, self.people.next(job_title="Committee officer"), Role.NOTE_TAKER, "trafford-council")
        self.member(
            aap,
            self.people.next(job_title="Community Development Officer"),
            Role.AGENCY_REPRESENTATIVE,
            "trafford-council",
            "community-development-officers",
        )
        self.member(aap, self.rep("carrington-parish-council"), Role.MEMBER, "carrington-parish-council")
        self.member(aap, named["inspector-west-trafford"], Role.AGENCY_REPRESENTATIVE, "gmp-trafford",
                    "beat-manager-and-pcsos")  # fmt: skip
        self.member(
            aap, self.people.next(job_title="Trading Standards Officer"), org="trafford-trading-standards"
        )

        lag = self.group(
            "partington-lag",
            "local-action-group",
            "Partington Local Action Group",
            area=self.areas["partington"],
            parent=aap,
            purpose=(
                "Local people and agencies working together on crime and anti-social behaviour in Partington."
            ),
            venue_name="St Mary's Church hall, Partington",
            accountable_body=self.orgs["partington-town-council"],
            established_on=dt.date(2022, 5, 1),
        )
        self.resident(lag, Role.CHAIR)
        self.resident(lag, Role.VICE_CHAIR)
        # No note taker: an essential missing. No youth group and no registered social landlord: gaps.
        for org in (
            "partington-town-council",
            "drovers-rest",
            "partington-tra",
            "st-marys-church-partington",
            "broadoak-school",
            "age-uk-trafford",
        ):
            self.member(lag, self.rep(org), org=org)
        self.member(
            lag,
            self.people.next(job_title="Beat Manager, Partington"),
            Role.AGENCY_REPRESENTATIVE,
            "gmp-trafford",
            "beat-manager-and-pcsos",
        )
        bucklow_councillor = self.groups["partington-carrington-nap"].memberships.get(
            role=Role.MEMBER, stakeholder_kind__slug="district-and-county-councillors"
        )
        self.member(
            lag, bucklow_councillor.person, Role.MEMBER, "trafford-council", "district-and-county-councillors"
        )

        # Local Neighbourhood Partnership preset: North Trafford's LNP and one Community Action Group.
        lnp = self.group(
            "north-trafford-lnp",
            "local-neighbourhood-partnership",
            "North Trafford Local Neighbourhood Partnership",
            area=self.areas["north-trafford"],
            parent=board,
            purpose="Councillors, residents and agencies working for North Trafford's neighbourhoods.",
            venue_name="Stretford Public Hall",
            venue_address="Chester Road, Stretford",
            established_on=dt.date(2021, 4, 1),
        )
        lnp_chair = self.people.next(job_title="Ward councillor, Stretford")
        self.member(lnp, lnp_chair, Role.CHAIR, "trafford-council", "district-and-county-councillors")
        npo = self.people.next(job_title="Neighbourhood Partnership Officer")
        self.member(lnp, npo, Role.NOTE_TAKER, "trafford-council", "neighbourhood-partnership-officer")
        sergeant = self.people.next(job_title="Police Sergeant, North Trafford")
        self.member(lnp, sergeant, Role.AGENCY_REPRESENTATIVE, "gmp-trafford", "police-sergeant")
        self.resident(lnp, kind="general-public")

        cag = self.group(
            "old-trafford-safer-stronger-cag",
            "community-action-group",
            "Old Trafford Safer & Stronger Community Action Group",
            area=self.areas["E05000825"],
            parent=lnp,
            theme="Safer & Stronger",
            purpose="Anyone with a genuine interest in Old Trafford is welcome; buffet and refreshments.",
            venue_name="Old Trafford Community Centre",
            venue_access_notes="Step-free access; hearing loop in the main hall.",
            established_on=dt.date(2021, 6, 1),
        )
        self.resident(cag, Role.CHAIR, kind="general-public")
        self.member(cag, npo, Role.NOTE_TAKER, "trafford-council", "neighbourhood-partnership-officer")
        self.member(
            cag,
            self.people.next(job_title="Community Liaison Officer"),
            Role.AGENCY_REPRESENTATIVE,
            "trafford-council",
            "community-liaison-officer",
        )
        self.member(cag, sergeant, Role.AGENCY_REPRESENTATIVE, "gmp-trafford", "police-sergeant")
        self.member(cag, self.people.next(job_title="Watch Manager, Stretford fire station"),
                    Role.AGENCY_REPRESENTATIVE, "gmfrs")  # fmt: skip
        self.member(cag, lnp_chair, Role.MEMBER, "trafford-council", "lnp-members")
        self.resident(cag, kind="general-public")

    # --- accounts -----------------------------------------------------------------------

    def accounts(self, named: dict[str, Person]) -> None:
        self.progress("Demo sign-in accounts")
        logins = [
            ("admin@example.org", "Demo Administrator", User.Role.ADMINISTRATOR, None),
            ("officer@example.org", named["officer"].name, User.Role.OFFICER, named["officer"]),
            ("chair@example.org", named["chair"].name, User.Role.MEMBER, named["chair"]),
            ("resident@example.org", named["resident"].name, User.Role.MEMBER, named["resident"]),
        ]
        for email, name, role, person in logins:
            is_admin = role == User.Role.ADMINISTRATOR
            values = {
                "name": name,
                "role": role,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            }
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=PASSWORD, **values)
                self.report.count(User, "created")
            else:
                user = _upsert(self.report, User, {"pk": user.pk}, values)
                if not user.check_password(PASSWORD):
                    user.set_password(PASSWORD)
                    user.save(update_fields=["password"])
            if person is not None and person.user_id != user.pk:
                Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
                person.user = user
                person.save(update_fields=["user"])
            self.report.logins.append((email, f"{name} – {User.Role(role).label}"))


def _raw_features(path: Path) -> dict[str, dict]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    return {feature["properties"]["area_code"]: feature for feature in collection["features"]}


def demo_load(*, progress: Callable[[str], None] | None = None) -> DemoReport:
    """Load (or bring up to date) the demo partnership, its places, groups, people and demo accounts."""
    report = DemoReport()
    builder = _Builder(report, progress or (lambda step: None))
    with transaction.atomic():
        district = builder.places()
        partnership = builder.partnership(district)
        named = builder.structure(partnership)
        builder.accounts(named)
    report.partnership = partnership
    return report
