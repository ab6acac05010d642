"""The three structure presets from the seeds, as data, and the service that installs one.

- `local-action-groups` (seed 000): Local Action Group → Area Action Panel → board.
- `community-led-solution` (seed 001): NAP → JAG → board; a Community Led Solution
  group is set up by, and reports to, the JAG.
- `local-neighbourhood-partnership` (seed 002): Community Action Group → Local
  Neighbourhood Partnership → board.

All three share one "Partnership board" type (slug `partnership-board`): a partnership
has one board whichever local model its groups follow. All three also install the
"Crime and disorder scrutiny committee" type (slug `crime-and-disorder-scrutiny-committee`):
the council committee that must review the partnership at least once a year (Police and
Justice Act 2006, s19) and hears Councillor Calls for Action. It is outside the
escalation chain: nothing escalates to it and it escalates to nothing. Stakeholder kinds are shared
by every partnership and matched by slug.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from tandem.partnership.models import Essential, GroupType, Partnership, StakeholderKind

Frequency = GroupType.Frequency
Period = GroupType.Period


@dataclass(frozen=True)
class StakeholderSpec:
    name: str
    gap_label: str
    description: str = ""


@dataclass(frozen=True)
class GroupTypeSpec:
    slug: str
    name: str
    short_name: str
    description: str
    tier: int
    escalates_to: str | None
    meeting_frequency: str
    meeting_start_time: dt.time | None
    meeting_duration_minutes: int
    public_may_attend: bool
    essentials: tuple[str, ...]
    stakeholders: tuple[str, ...]
    priorities_per_period: int = 0
    priority_period: str = Period.QUARTER


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    description: str
    source: str
    group_types: tuple[GroupTypeSpec, ...]  # bottom to top: a type escalates to one listed after it


# Every stakeholder kind the presets recommend, by slug. Seed 000 first, then 002, then 001's.
STAKEHOLDER_KINDS: dict[str, StakeholderSpec] = {
    # 000_: who needs to be involved in a Local Action Group
    "householders": StakeholderSpec(
        "Householders living in the area",
        "No householders from the area",
        "Residents affected by the problems.",
    ),
    "publicans-and-traders": StakeholderSpec(
        "Publicans and traders", "No publicans or traders", "With premises in or near the area."
    ),
    "tenants-and-residents-associations": StakeholderSpec(
        "Tenants' and residents' associations", "No tenants' or residents' association"
    ),
    "churches-and-sports-facilities": StakeholderSpec(
        "Churches and sports facilities", "No churches or sports facilities", "In the area."
    ),
    "community-groups": StakeholderSpec("Community groups", "No community groups"),
    "schools": StakeholderSpec("Schools", "No school representation"),
    "youth-groups": StakeholderSpec(
        "Youth groups – young people and staff", "No youth representation", "Young people and youth workers."
    ),
    "town-and-parish-councils": StakeholderSpec("Town and parish councils", "No town or parish council"),
    "youth-parish-councils": StakeholderSpec("Youth parish councils", "No youth parish council"),
    "district-and-county-councillors": StakeholderSpec(
        "District and county councillors", "No district or county councillor"
    ),
    "registered-social-landlords": StakeholderSpec(
        "Registered social landlords", "No registered social landlord", "Housing associations and providers."
    ),
    "beat-manager-and-pcsos": StakeholderSpec(
        "Beat manager and/or PCSOs",
        "No beat manager or PCSO",
        "The neighbourhood police officer and Police Community Support Officers.",
    ),
    "community-development-officers": StakeholderSpec(
        "Community development officers", "No community development officer", "The council's officers."
    ),
    "other-agencies": StakeholderSpec(
        "Other agencies",
        "No other agencies (trading standards, fire and rescue, health)",
        "Such as trading standards, fire and rescue, and health services.",
    ),
    # 002_: who to expect at a Community Action Group
    "neighbourhood-partnership-officer": StakeholderSpec(
        "Neighbourhood Partnership Officer", "No Neighbourhood Partnership Officer"
    ),
    "community-liaison-officer": StakeholderSpec("Community Liaison Officer", "No Community Liaison Officer"),
    "police-sergeant": StakeholderSpec("Police sergeant representative", "No police sergeant representative"),
    "fire-and-rescue": StakeholderSpec("Fire and rescue representative", "No fire and rescue representative"),
    "health": StakeholderSpec(
        "Health representative", "No health representative", "Expected at Health & People groups."
    ),
    "service-area-officers": StakeholderSpec(
        "Other service area officers", "No other service area officers", "Council service areas."
    ),
    "lnp-members": StakeholderSpec("Local Neighbourhood Partnership members", "No LNP members"),
    "general-public": StakeholderSpec("General public", "No members of the public"),
    # 001_ and the partnership's statutory partners
    "police": StakeholderSpec("Police", "No police representation"),
    "council-community-safety": StakeholderSpec(
        "Council community safety team", "No council community safety officer"
    ),
    "probation": StakeholderSpec("Probation service", "No probation service"),
    "partnership-support-officer": StakeholderSpec(
        "Partnership support officer",
        "No partnership support officer",
        "A Community Safety Partnership support officer who facilitates the group.",
    ),
    "community-leads": StakeholderSpec(
        "Community leads", "No community leads", "Residents who take the lead on resolving the problem."
    ),
}

BOARD = GroupTypeSpec(
    slug="partnership-board",
    name="Partnership board",
    short_name="Board",
    description=(
        "The Community Safety Partnership's board of statutory partners: it sets the strategy, "
        "reviews the action plan each quarter and receives what local groups cannot resolve."
    ),
    tier=2,
    escalates_to=None,
    meeting_frequency=Frequency.QUARTERLY,
    meeting_start_time=dt.time(14, 0),
    meeting_duration_minutes=120,
    public_may_attend=False,
    essentials=(Essential.VENUE, Essential.CHAIR, Essential.NOTE_TAKER),
    stakeholders=("police", "council-community-safety", "fire-and-rescue", "health", "probation"),
)

SCRUTINY_COMMITTEE = GroupTypeSpec(
    slug="crime-and-disorder-scrutiny-committee",
    name="Crime and disorder scrutiny committee",
    short_name="Scrutiny",
    description=(
        "The council's crime and disorder scrutiny committee (Police and Justice Act 2006, s19): it "
        "reviews the partnership's work at least once a year, considers Councillor Calls for Action "
        "and makes recommendations to the responsible authorities."
    ),
    tier=3,
    escalates_to=None,
    meeting_frequency=Frequency.ANNUALLY,
    meeting_start_time=dt.time(18, 0),
    meeting_duration_minutes=120,
    public_may_attend=True,
    essentials=(Essential.VENUE, Essential.CHAIR, Essential.NOTE_TAKER),
    stakeholders=("district-and-county-councillors",),
)

LOCAL_ACTION_GROUPS = Preset(
    key="local-action-groups",
    name="Local Action Groups",
    description=(
        "Local Action Groups of residents and agencies, linked through Area Action Panels to the board."
    ),
    source="Seed 000 (a district council's Local Action Groups)",
    group_types=(
        GroupTypeSpec(
            slug="local-action-group",
            name="Local Action Group",
            short_name="LAG",
            description=(
                "A group of local people working alongside relevant agencies to address crime in their "
                "neighbourhood. It keeps an action plan and feeds back to the community."
            ),
            tier=0,
            escalates_to="area-action-panel",
            meeting_frequency=Frequency.MONTHLY,
            meeting_start_time=dt.time(19, 0),
            meeting_duration_minutes=90,
            public_may_attend=True,
            essentials=(
                Essential.VENUE,
                Essential.CHAIR,
                Essential.NOTE_TAKER,
                Essential.TREASURER_OR_ACCOUNTABLE_BODY,
                Essential.PARENT_LINK,
            ),
            stakeholders=(
                "householders",
                "publicans-and-traders",
                "tenants-and-residents-associations",
                "churches-and-sports-facilities",
                "community-groups",
                "schools",
                "youth-groups",
                "town-and-parish-councils",
                "youth-parish-councils",
                "district-and-county-councillors",
                "registered-social-landlords",
                "beat-manager-and-pcsos",
                "community-development-officers",
                "other-agencies",
            ),
        ),
        GroupTypeSpec(
            slug="area-action-panel",
            name="Area Action Panel",
            short_name="AAP",
            description=(
                "The partnership's panel for an area: Local Action Groups cascade up to it the community "
                "safety issues that cannot be dealt with locally."
            ),
            tier=1,
            escalates_to="partnership-board",
            meeting_frequency=Frequency.BIMONTHLY,
            meeting_start_time=dt.time(18, 30),
            meeting_duration_minutes=120,
            public_may_attend=True,
            essentials=(Essential.VENUE, Essential.CHAIR, Essential.NOTE_TAKER, Essential.PARENT_LINK),
            stakeholders=(
                "district-and-county-councillors",
                "town-and-parish-councils",
                "beat-manager-and-pcsos",
                "community-development-officers",
                "registered-social-landlords",
                "other-agencies",
            ),
        ),
        BOARD,
        SCRUTINY_COMMITTEE,
    ),
)

COMMUNITY_LED_SOLUTION = Preset(
    key="community-led-solution",
    name="Community Led Solution",
    description=(
        "Police-led Neighbourhood Action Panels set their top three priorities and raise them at the area "
        "Joint Action Group, which can set up a Community Led Solution group for a persistent problem."
    ),
    source="Seed 001 (a district Community Safety Partnership's Community Led Solution approach)",
    group_types=(
        GroupTypeSpec(
            slug="community-led-solution-group",
            name="Community Led Solution group",
            short_name="CLS",
            description=(
                "Residents (community leads) and partner agencies working together on a persistent problem, "
                "supported by a partnership support officer. Set up by the area Joint Action Group."
            ),
            tier=0,
            escalates_to="joint-action-group",
            meeting_frequency=Frequency.MONTHLY,
            meeting_start_time=dt.time(18, 30),
            meeting_duration_minutes=90,
            public_may_attend=False,
            essentials=(
                Essential.VENUE,
                Essential.SUPPORT_OFFICER,
                Essential.COMMUNITY_LEAD,
                Essential.PARENT_LINK,
            ),
            stakeholders=(
                "community-leads",
                "partnership-support-officer",
                "beat-manager-and-pcsos",
                "registered-social-landlords",
                "council-community-safety",
            ),
        ),
        GroupTypeSpec(
            slug="neighbourhood-action-panel",
            name="Neighbourhood Action Panel",
            short_name="NAP",
            description=(
                "A police-led panel of community representatives and statutory groups that solves problems "
                "raised by the community. It sets the top three priorities for its area each quarter and "
                "raises them at the area Joint Action Group."
            ),
            tier=0,
            escalates_to="joint-action-group",
            priorities_per_period=3,
            priority_period=Period.QUARTER,
            meeting_frequency=Frequency.QUARTERLY,
            meeting_start_time=dt.time(19, 0),
            meeting_duration_minutes=90,
            public_may_attend=True,
            essentials=(Essential.VENUE, Essential.CHAIR, Essential.NOTE_TAKER, Essential.PARENT_LINK),
            stakeholders=(
                "beat-manager-and-pcsos",
                "householders",
                "tenants-and-residents-associations",
                "district-and-county-councillors",
                "registered-social-landlords",
                "schools",
                "youth-groups",
                "community-groups",
            ),
        ),
        GroupTypeSpec(
            slug="joint-action-group",
            name="Joint Action Group",
            short_name="JAG",
            description=(
                "The Police Community Safety Joint Action Group for an area: the wider partner agencies take "
                "up its Neighbourhood Action Panels' priorities and decide whether a Community Led Solution "
                "group is needed."
            ),
            tier=1,
            escalates_to="partnership-board",
            meeting_frequency=Frequency.MONTHLY,
            meeting_start_time=dt.time(10, 0),
            meeting_duration_minutes=120,
            public_may_attend=False,
            essentials=(Essential.VENUE, Essential.CHAIR, Essential.NOTE_TAKER, Essential.PARENT_LINK),
            stakeholders=(
                "police",
                "council-community-safety",
                "fire-and-rescue",
                "health",
                "registered-social-landlords",
            ),
        ),
        BOARD,
        SCRUTINY_COMMITTEE,
    ),
)

LOCAL_NEIGHBOURHOOD_PARTNERSHIP = Preset(
    key="local-neighbourhood-partnership",
    name="Local Neighbourhood Partnership",
    description=(
        "Monthly Community Action Groups, themed Safer & Stronger or Health & People, work for their "
        "Local Neighbourhood Partnership."
    ),
    source="Seed 002 (a metropolitan borough's Local Neighbourhood Partnerships)",
    group_types=(
        GroupTypeSpec(
            slug="community-action-group",
            name="Community Action Group",
            short_name="CAG",
            description=(
                "A working group of the Local Neighbourhood Partnership, open to anyone with a genuine "
                'interest in the community. Themes: "Safer & Stronger" and "Health & People".'
            ),
            tier=0,
            escalates_to="local-neighbourhood-partnership",
            meeting_frequency=Frequency.MONTHLY,
            meeting_start_time=dt.time(18, 0),
            meeting_duration_minutes=120,
            public_may_attend=True,
            essentials=(Essential.VENUE, Essential.CHAIR, Essential.NOTE_TAKER, Essential.PARENT_LINK),
            stakeholders=(
                "neighbourhood-partnership-officer",
                "community-liaison-officer",
                "police-sergeant",
                "fire-and-rescue",
                "health",
                "service-area-officers",
                "lnp-members",
                "general-public",
            ),
        ),
        GroupTypeSpec(
            slug="local-neighbourhood-partnership",
            name="Local Neighbourhood Partnership",
            short_name="LNP",
            description="The partnership of a neighbourhood: its Community Action Groups work for it.",
            tier=1,
            escalates_to="partnership-board",
            meeting_frequency=Frequency.BIMONTHLY,
            meeting_start_time=dt.time(18, 0),
            meeting_duration_minutes=120,
            public_may_attend=True,
            essentials=(Essential.VENUE, Essential.CHAIR, Essential.NOTE_TAKER, Essential.PARENT_LINK),
            stakeholders=(
                "district-and-county-councillors",
                "neighbourhood-partnership-officer",
                "police-sergeant",
                "fire-and-rescue",
                "health",
                "general-public",
            ),
        ),
        BOARD,
        SCRUTINY_COMMITTEE,
    ),
)

PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (LOCAL_ACTION_GROUPS, COMMUNITY_LED_SOLUTION, LOCAL_NEIGHBOURHOOD_PARTNERSHIP)
}


class UnknownPreset(ValueError):
    """No preset has that key."""


def preset_get(key: str) -> Preset:
    try:
        return PRESETS[key]
    except KeyError:
        raise UnknownPreset(f'There is no preset "{key}". The presets are: {", ".join(PRESETS)}.') from None


def stakeholder_kind_ensure(slug: str) -> StakeholderKind:
    """The stakeholder kind with this slug, created from STAKEHOLDER_KINDS if it is missing.

    An existing kind (matched by slug, else by name) is left as administrators made it.
    """
    spec = STAKEHOLDER_KINDS[slug]
    kind = StakeholderKind.objects.filter(slug=slug).first()
    if kind is None:
        kind = StakeholderKind.objects.filter(name=spec.name).first()
    if kind is None:
        kind = StakeholderKind(
            slug=slug, name=spec.name, gap_label=spec.gap_label, description=spec.description
        )
        kind.full_clean()
        kind.save()
    return kind


def preset_install(*, partnership: Partnership, key: str) -> list[GroupType]:
    """Install a preset's group types (bottom to top) into a partnership and return them.

    Types the partnership already has (matched by slug) are kept as they are, so an
    administrator's changes survive and installing a preset twice changes nothing.
    """
    preset = preset_get(key)
    installed: dict[str, GroupType] = {}
    with transaction.atomic():
        # Top first, so each type's escalates_to already exists.
        for spec in reversed(preset.group_types):
            group_type = GroupType.objects.filter(partnership=partnership, slug=spec.slug).first()
            if group_type is None:
                group_type = GroupType(
                    partnership=partnership,
                    slug=spec.slug,
                    name=spec.name,
                    short_name=spec.short_name,
                    description=spec.description,
                    preset=preset.key,
                    tier=spec.tier,
                    escalates_to=installed.get(spec.escalates_to) if spec.escalates_to else None,
                    priorities_per_period=spec.priorities_per_period,
                    priority_period=spec.priority_period,
                    meeting_frequency=spec.meeting_frequency,
                    meeting_start_time=spec.meeting_start_time,
                    meeting_duration_minutes=spec.meeting_duration_minutes,
                    public_may_attend=spec.public_may_attend,
                    essentials=[str(essential) for essential in spec.essentials],
                )
                group_type.full_clean()
                group_type.save()
                group_type.recommended_stakeholders.set(
                    [stakeholder_kind_ensure(slug) for slug in spec.stakeholders]
                )
            installed[spec.slug] = group_type
    return [installed[spec.slug] for spec in preset.group_types]
