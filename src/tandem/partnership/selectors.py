"""Reads of the partnership's structure: trees, group pages, coverage, directory, history.

Every function takes the ``Viewer`` (from ``access.viewer_for``) so that what a
person sees — private groups, names, contact details — is decided in one place.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from tandem.partnership.access import Viewer
from tandem.partnership.group_rows import group_rows
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

# The order roles are listed in on a group's page: officers of the group first.
ROLE_ORDER = [
    Membership.Role.CHAIR,
    Membership.Role.VICE_CHAIR,
    Membership.Role.NOTE_TAKER,
    Membership.Role.TREASURER,
    Membership.Role.SUPPORT_OFFICER,
    Membership.Role.COMMUNITY_LEAD,
    Membership.Role.AGENCY_REPRESENTATIVE,
    Membership.Role.MEMBER,
]

# Essentials that are met by someone holding a role in the group.
ESSENTIAL_ROLES = {
    Essential.CHAIR: Membership.Role.CHAIR,
    Essential.NOTE_TAKER: Membership.Role.NOTE_TAKER,
    Essential.SUPPORT_OFFICER: Membership.Role.SUPPORT_OFFICER,
    Essential.COMMUNITY_LEAD: Membership.Role.COMMUNITY_LEAD,
}

MEMBER_RELATED = ("person", "organisation", "organisation__stakeholder_kind", "stakeholder_kind")


# --- Partnerships -------------------------------------------------------------


def partnership_list() -> QuerySet[Partnership]:
    return Partnership.objects.select_related("area").defer("area__boundary").order_by("name")


def group_type_list(*, partnership: Partnership) -> QuerySet[GroupType]:
    return (
        GroupType.objects.filter(partnership=partnership)
        .select_related("escalates_to")
        .order_by("-tier", "name")
    )


# --- Essentials and representation ------------------------------------------------


@dataclass(frozen=True)
class EssentialCheck:
    key: str
    label: str
    in_place: bool
    detail: str = ""


def essentials_check(group: Group, memberships: list[Membership]) -> list[EssentialCheck]:
    """Each essential of the group's type, in place or missing (from its current memberships)."""
    holders: dict[str, list[Membership]] = defaultdict(list)
    for membership in memberships:
        holders[membership.role].append(membership)
    checks = []
    for key in group.type.essentials or []:
        if key not in Essential.values:
            continue
        essential = Essential(key)
        detail = ""
        if essential == Essential.VENUE:
            in_place = bool(group.venue_name)
            detail = group.venue_name
        elif essential in ESSENTIAL_ROLES:
            in_place = bool(holders[ESSENTIAL_ROLES[essential]])
        elif essential == Essential.TREASURER_OR_ACCOUNTABLE_BODY:
            in_place = bool(holders[Membership.Role.TREASURER]) or group.accountable_body_id is not None
            if group.accountable_body_id is not None:
                detail = f"Accountable body: {group.accountable_body}"
            elif holders[Membership.Role.TREASURER]:
                detail = "Treasurer"
        elif essential == Essential.PARENT_LINK:
            in_place = group.parent_id is not None
            detail = group.parent.name if group.parent_id else ""
        else:  # pragma: no cover - every Essential is handled above
            in_place = False
        checks.append(EssentialCheck(key=key, label=essential.label, in_place=in_place, detail=detail))
    return checks


def missing_essentials_count(group: Group, roles: set[str]) -> int:
    """How many essentials a group lacks, from the set of roles its current members hold."""
    missing = 0
    for key in group.type.essentials or []:
        if key == Essential.VENUE:
            missing += not group.venue_name
        elif key in ESSENTIAL_ROLES:
            missing += ESSENTIAL_ROLES[Essential(key)] not in roles
        elif key == Essential.TREASURER_OR_ACCOUNTABLE_BODY:
            missing += Membership.Role.TREASURER not in roles and group.accountable_body_id is None
        elif key == Essential.PARENT_LINK:
            missing += group.parent_id is None
    return missing


@dataclass
class StakeholderCoverage:
    kind: StakeholderKind
    memberships: list[Membership] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.memberships)


def representation_coverage(
    memberships: list[Membership], recommended: list[StakeholderKind]
) -> list[StakeholderCoverage]:
    """For each recommended kind of stakeholder, the current members who count as one."""
    coverage = {kind.pk: StakeholderCoverage(kind=kind) for kind in recommended}
    for membership in memberships:
        kind = membership.effective_stakeholder_kind
        if kind is not None and kind.pk in coverage:
            coverage[kind.pk].memberships.append(membership)
    return list(coverage.values())


# --- The tree of groups -----------------------------------------------------------


@dataclass
class TreeNode:
    group: Group
    missing: int
    children: list["TreeNode"] = field(default_factory=list)


def group_tree(*, partnership: Partnership, viewer: Viewer) -> list[TreeNode]:
    """The groups this viewer may see, as a forest from the top (board) down.

    A group whose parent the viewer may not see hangs from its nearest visible ancestor.
    """
    groups = list(
        Group.objects.filter(partnership=partnership)
        .filter(viewer.groups_q())
        .select_related("type", "area", "parent")
        .defer("area__boundary")
        .order_by("name")
    )
    parents = dict(Group.objects.filter(partnership=partnership).values_list("pk", "parent_id"))
    roles: dict[int, set[str]] = defaultdict(set)
    for group_id, role in (
        Membership.objects.current().filter(group__partnership=partnership).values_list("group_id", "role")
    ):
        roles[group_id].add(role)

    nodes = {g.pk: TreeNode(group=g, missing=missing_essentials_count(g, roles[g.pk])) for g in groups}
    roots = []
    for group in groups:
        ancestor = parents.get(group.pk)
        seen = {group.pk}
        while ancestor is not None and ancestor not in nodes and ancestor not in seen:
            seen.add(ancestor)
            ancestor = parents.get(ancestor)
        if ancestor is not None and ancestor in nodes and ancestor != group.pk:
            nodes[ancestor].children.append(nodes[group.pk])
        else:
            roots.append(nodes[group.pk])
    roots.sort(key=lambda n: (-n.group.type.tier, n.group.name))
    return roots


@dataclass(frozen=True)
class DiagramBox:
    x: int
    y: int
    lines: tuple[str, ...]
    subtitle: str
    note: str
    is_private: bool

    @property
    def text_x(self) -> int:
        return self.x + 10


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    box_width: int
    box_height: int
    boxes: list[DiagramBox]
    paths: list[str]
    count: int


BOX_WIDTH = 210
BOX_HEIGHT = 74
GAP_X = 36
GAP_Y = 12
MARGIN = 8
CHARS_PER_LINE = 28


def _wrap(text: str, width: int = CHARS_PER_LINE, lines: int = 2) -> tuple[str, ...]:
    words = text.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return tuple(line if len(line) <= width else line[: width - 1] + "…" for line in out)


def tree_diagram(roots: list[TreeNode], *, show_missing: bool) -> Diagram:
    """Lay the tree out left to right: one column per tier, the most local groups stacked on the right.

    Partnerships are wide and shallow (a board, a few JAGs, many NAPs), so columns
    for tiers fit the page where a top-down tree would need scrolling sideways.
    """
    middles: dict[int, int] = {}
    depths: dict[int, int] = {}
    slots = 0

    def measure(node: TreeNode, depth: int) -> int:
        nonlocal slots
        if node.children:
            child_middles = [measure(child, depth + 1) for child in node.children]
            middle = (child_middles[0] + child_middles[-1]) // 2
        else:
            middle = MARGIN + slots * (BOX_HEIGHT + GAP_Y) + BOX_HEIGHT // 2
            slots += 1
        middles[node.group.pk] = middle
        depths[node.group.pk] = depth
        return middle

    for root in roots:
        measure(root, 0)

    boxes: list[DiagramBox] = []
    paths: list[str] = []

    def draw(node: TreeNode) -> None:
        group = node.group
        middle, depth = middles[group.pk], depths[group.pk]
        left = MARGIN + depth * (BOX_WIDTH + GAP_X)
        subtitle = group.type.short_name or group.type.name
        if group.area_id:
            subtitle = f"{subtitle} · {group.area.name}"
        notes = []
        if not group.is_public:
            notes.append("Private")
        if show_missing:
            notes.append(
                "All essentials in place"
                if node.missing == 0
                else f"{node.missing} essential{'' if node.missing == 1 else 's'} missing"
            )
        boxes.append(
            DiagramBox(
                x=left,
                y=middle - BOX_HEIGHT // 2,
                lines=_wrap(group.name),
                subtitle=_wrap(subtitle, CHARS_PER_LINE + 2, 1)[0],
                note=". ".join(notes),
                is_private=not group.is_public,
            )
        )
        right = left + BOX_WIDTH
        for child in node.children:
            paths.append(
                f"M{right},{middle} H{right + GAP_X // 2} V{middles[child.group.pk]} H{right + GAP_X}"
            )
            draw(child)

    for root in roots:
        draw(root)

    levels = max(depths.values(), default=0) + 1
    width = MARGIN * 2 + levels * (BOX_WIDTH + GAP_X) - GAP_X
    height = MARGIN * 2 + max(slots, 1) * (BOX_HEIGHT + GAP_Y) - GAP_Y
    return Diagram(
        width=width,
        height=height,
        box_width=BOX_WIDTH,
        box_height=BOX_HEIGHT,
        boxes=boxes,
        paths=paths,
        count=len(boxes),
    )


def tree_text(roots: list[TreeNode]) -> str:
    """A one-sentence description of the tree for the diagram's <desc>."""
    parts = []

    def walk(node: TreeNode) -> None:
        if node.children:
            names = ", ".join(child.group.name for child in node.children)
            parts.append(f"{node.group.name} has below it: {names}.")
        for child in node.children:
            walk(child)

    for root in roots:
        walk(root)
    return " ".join(parts) or "Each group stands on its own."


# --- A group's page ---------------------------------------------------------------


@dataclass
class RoleSection:
    role: str
    label: str
    memberships: list[Membership]


@dataclass
class GroupPage:
    group: Group
    memberships: list[Membership]
    sections: list[RoleSection]
    former: list[Membership]
    children: list[Group]
    essentials: list[EssentialCheck]
    coverage: list[StakeholderCoverage]
    show_details: bool
    parent_visible: bool
    extra_rows: list = field(default_factory=list)

    @property
    def missing_essentials(self) -> list[EssentialCheck]:
        return [check for check in self.essentials if not check.in_place]

    @property
    def gaps(self) -> list[StakeholderCoverage]:
        return [item for item in self.coverage if not item.covered]


def group_page(*, group: Group, viewer: Viewer) -> GroupPage:
    """Everything a group's page shows, in a fixed number of queries however many members it has."""
    today = timezone.localdate()
    memberships = list(
        Membership.objects.current(today)
        .filter(group=group)
        .select_related(*MEMBER_RELATED)
        .order_by("person__name", "pk")
    )
    show_details = viewer.can_see_member_details(group)
    former: list[Membership] = []
    if show_details:
        former = list(
            Membership.objects.filter(group=group)
            .exclude(pk__in=[m.pk for m in memberships])
            .select_related(*MEMBER_RELATED)
            .order_by("-end_date", "person__name")
        )
    by_role: dict[str, list[Membership]] = defaultdict(list)
    for membership in memberships:
        by_role[membership.role].append(membership)
    sections = [
        RoleSection(role=role, label=Membership.Role(role).label, memberships=by_role[role])
        for role in ROLE_ORDER
        if by_role.get(role)
    ]
    children = list(
        group.children.filter(viewer.groups_q())
        .select_related("type", "area")
        .defer("area__boundary")
        .order_by("name")
    )
    recommended = list(group.type.recommended_stakeholders.order_by("name"))
    return GroupPage(
        group=group,
        memberships=memberships,
        sections=sections,
        former=former,
        children=children,
        essentials=essentials_check(group, memberships),
        coverage=representation_coverage(memberships, recommended),
        show_details=show_details,
        parent_visible=group.parent_id is not None and viewer.can_see_group(group.parent),
        extra_rows=group_rows(group, viewer),
    )


def person_display_name(person: Person, *, show_details: bool) -> str:
    """A person's name where they agreed to show it or the viewer may see it; else withheld."""
    if show_details or person.show_name_publicly:
        return person.name
    return "Name withheld"


# --- Organisations and people ------------------------------------------------------


@dataclass
class Representation:
    membership: Membership
    name: str


@dataclass
class OrganisationPage:
    organisation: Organisation
    representations: list[Representation]
    accountable_for: list[Group]


def organisation_page(*, organisation: Organisation, viewer: Viewer) -> OrganisationPage:
    memberships = (
        Membership.objects.current()
        .filter(organisation=organisation)
        .filter(viewer.groups_q("group__"))
        .select_related("group", "group__type", "person")
        .order_by("group__name", "role", "person__name")
    )
    representations = [
        Representation(
            membership=m,
            name=person_display_name(m.person, show_details=viewer.can_see_member_details(m.group)),
        )
        for m in memberships
    ]
    accountable_for = list(
        organisation.accountable_for.filter(viewer.groups_q()).select_related("type").order_by("name")
    )
    return OrganisationPage(
        organisation=organisation, representations=representations, accountable_for=accountable_for
    )


def person_memberships(*, person: Person, viewer: Viewer) -> tuple[list[Membership], list[Membership]]:
    """The person's current and former memberships, in groups the viewer may see."""
    memberships = list(
        Membership.objects.filter(person=person)
        .filter(viewer.groups_q("group__"))
        .select_related("group", "group__type", "organisation", "stakeholder_kind")
        .order_by("group__name", "-start_date")
    )
    current = [m for m in memberships if m.is_current]
    former = [m for m in memberships if not m.is_current]
    return current, former


# --- The directory ------------------------------------------------------------------

DIRECTORY_LIMIT = 200


@dataclass
class Directory:
    query: str
    groups: list[Group]
    organisations: list[Organisation]
    areas: list[Area]
    people: list[Person] | None  # None: the viewer may not search people

    @property
    def total(self) -> int:
        return len(self.groups) + len(self.organisations) + len(self.areas) + len(self.people or [])


def directory_search(*, viewer: Viewer, query: str) -> Directory:
    """Groups, organisations and areas by name (people too, for officers); everything when empty."""
    query = query.replace("\x00", "").strip()[:100]
    groups = Group.objects.filter(viewer.groups_q()).select_related("type", "area").defer("area__boundary")
    organisations = Organisation.objects.all()
    areas = Area.objects.defer("boundary")
    people = Person.objects.all() if viewer.is_officer else None
    if query:
        groups = groups.filter(Q(name__icontains=query) | Q(type__short_name__iexact=query))
        organisations = organisations.filter(name__icontains=query)
        areas = areas.filter(Q(name__icontains=query) | Q(code__iexact=query))
        if people is not None:
            people = people.filter(Q(name__icontains=query) | Q(email__iexact=query))
    return Directory(
        query=query,
        groups=list(groups.order_by("name")[:DIRECTORY_LIMIT]),
        organisations=list(organisations.order_by("name")[:DIRECTORY_LIMIT]),
        areas=list(areas.order_by("name")[:DIRECTORY_LIMIT]),
        people=list(people.order_by("name")[:DIRECTORY_LIMIT]) if people is not None else None,
    )


# --- History ------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    subject: str
    action: str
    changes: list[Change]


HISTORY_SKIP = {"id", "slug"}
ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _field_display(model: type[Model], name: str, value, names: dict[tuple[type[Model], int], str]) -> str:
    model_field = model._meta.get_field(name)
    if value is None or value == "":
        return "Not set"
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def _history_entries(model: type[Model], records: list, subject) -> list[HistoryEntry]:
    fields = [f for f in model._meta.concrete_fields if f.name not in HISTORY_SKIP]
    # Names of everything the records point at, in one query per related model.
    wanted: dict[type[Model], set[int]] = defaultdict(set)
    for record in records:
        for f in fields:
            if f.is_relation and getattr(record, f.attname) is not None:
                wanted[f.related_model].add(getattr(record, f.attname))
    names: dict[tuple[type[Model], int], str] = {}
    for related, ids in wanted.items():
        for pk, obj in related._default_manager.in_bulk(ids).items():
            names[(related, pk)] = str(obj)

    entries = []
    previous: dict[int, object] = {}
    for record in records:
        before = previous.get(record.id)
        changes = []
        if record.history_type == "~" and before is not None:
            for f in fields:
                old, new = getattr(before, f.attname), getattr(record, f.attname)
                if old != new:
                    changes.append(
                        Change(
                            field=str(f.verbose_name).capitalize(),
                            old=_field_display(model, f.name, old, names),
                            new=_field_display(model, f.name, new, names),
                        )
                    )
        elif record.history_type == "+":
            for f in fields:
                value = getattr(record, f.attname)
                if value not in (None, "", False):
                    changes.append(
                        Change(
                            field=str(f.verbose_name).capitalize(),
                            old="",
                            new=_field_display(model, f.name, value, names),
                        )
                    )
        previous[record.id] = record
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.name or user.email) if user else "The system",
                subject=subject(record, names),
                action=ACTIONS.get(record.history_type, "Changed"),
                changes=changes,
            )
        )
    return entries


def group_history(*, group: Group) -> list[HistoryEntry]:
    """Who changed what and when, for the group and its memberships, newest first."""
    group_records = list(
        Group.history.filter(id=group.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    membership_records = list(
        Membership.history.filter(group_id=group.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = _history_entries(Group, group_records, lambda record, names: "The group")
    entries += _history_entries(
        Membership,
        membership_records,
        lambda record, names: "Membership of " + names.get((Person, record.person_id), "a person"),
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
