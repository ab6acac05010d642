"""The agenda pack and the minutes as documents: PDF (WeasyPrint) and Word (python-docx).

One ``Pack`` is worked out per meeting and audience, and every format is drawn from it,
so what the public may read is decided once:

- ``Audience.PUBLIC``: public items only, approved minutes only (the views refuse the
  rest), residents' names only with their agreement.
- ``Audience.MEMBERS``: what leaves Tandem by email: every item, but a confidential
  one only as "Confidential item (details at the meeting page)".
- ``Audience.INSIDERS``: everything, for members and officers downloading it.

PDFs are A4, tagged (PDF/UA-1), in British English, with the group's name and the
meeting date at the top of every page and "Page n of m" at the foot.
"""

import datetime as dt
import enum
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .calendar import CONFIDENTIAL_PLACEHOLDER, location_text, meeting_url
from .models import ActionArising, AgendaItem, Attendance, Decision, Meeting, MeetingSettings


class Audience(enum.Enum):
    PUBLIC = "public"
    MEMBERS = "members"
    INSIDERS = "insiders"


def when_text(meeting: Meeting) -> str:
    """ "Tuesday 9 December 2025, 18:00 to 20:00" in local time."""
    starts = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at)
    text = f"{starts:%A} {starts.day} {starts:%B %Y}, {starts:%H:%M} to "
    if ends.date() != starts.date():
        text += f"{ends:%A} {ends.day} {ends:%B %Y}, "
    return text + f"{ends:%H:%M}"


def date_text(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return f"{day.day} {day:%B %Y}"


def filename(meeting: Meeting, kind: str, extension: str) -> str:
    """ "2025-12-09-stretford-nap-agenda.pdf"."""
    return f"{timezone.localtime(meeting.starts_at):%Y-%m-%d}-{meeting.group.slug}-{kind}.{extension}"


@dataclass
class ItemView:
    number: int
    title: str
    confidential: bool
    description: str = ""
    presenter: str = ""
    minutes_allowed: int | None = None
    papers: list[str] = field(default_factory=list)
    minutes: str = ""
    decisions: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)


@dataclass
class Pack:
    meeting: Meeting
    audience: Audience
    title: str
    group_name: str
    when: str
    location: str
    access_notes: str
    online_link: str
    url: str
    items: list[ItemView]
    attendance: list[tuple[str, list[str]]] = field(default_factory=list)
    present_count: int = 0
    quorum: int = 0
    other_decisions: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    minutes_draft: bool = True
    approval: str = ""
    corrections: list[dict] = field(default_factory=list)

    @property
    def header(self) -> str:
        return f"{self.group_name} — {self.when}"

    @property
    def papers(self) -> list[tuple[ItemView, str]]:
        return [(item, paper) for item in self.items for paper in item.papers]

    @property
    def quorate(self) -> bool:
        return self.present_count >= self.quorum


def _person_name(person, *, audience: Audience) -> str:
    if person is None:
        return ""
    if audience is Audience.PUBLIC and not person.show_name_publicly:
        return "Name withheld"
    return person.name


def _with_organisation(name: str, organisation) -> str:
    if organisation is None:
        return name
    return f"{name}, {organisation.name}" if name else organisation.name


def _votes(decision: Decision) -> str:
    if decision.votes_for is None and decision.votes_against is None and decision.abstentions is None:
        return ""
    return (
        f"For {decision.votes_for or 0}, against {decision.votes_against or 0}, "
        f"abstentions {decision.abstentions or 0}"
    )


def _decision_view(decision: Decision) -> dict:
    return {"text": decision.text, "votes": _votes(decision)}


def _action_view(action: ActionArising, *, audience: Audience) -> dict:
    lead = _with_organisation(_person_name(action.lead, audience=audience), action.lead_organisation)
    return {
        "description": action.description,
        "lead": lead or "Not yet agreed",
        "due": date_text(action.due_on) if action.due_on else "No date set",
    }


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def build_pack(meeting: Meeting, audience: Audience, *, with_minutes: bool = False) -> Pack:
    """Everything the documents show for this meeting and audience (a fixed number of queries)."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter", "presenter_organisation")
        .prefetch_related("papers")
    )
    if audience is Audience.PUBLIC:
        items = [item for item in items if not item.is_confidential]
    hidden = {item.pk for item in items if item.is_confidential and audience is not Audience.INSIDERS}
    views = {}
    for number, item in enumerate(items, start=1):
        if item.pk in hidden:
            views[item.pk] = ItemView(number=number, title=CONFIDENTIAL_PLACEHOLDER, confidential=True)
            continue
        presenter = _with_organisation(
            _person_name(item.presenter, audience=audience), item.presenter_organisation
        )
        views[item.pk] = ItemView(
            number=number,
            title=item.title,
            confidential=item.is_confidential,
            description=item.description,
            presenter=presenter,
            minutes_allowed=item.minutes_allowed,
            papers=[f"{paper.title} ({_size(paper.size)})" for paper in item.papers.all()],
            minutes=item.minutes if with_minutes else "",
        )
    pack = Pack(
        meeting=meeting,
        audience=audience,
        title=meeting.display_title,
        group_name=meeting.group.name,
        when=when_text(meeting),
        location=location_text(meeting),
        access_notes=meeting.venue_access_notes,
        online_link=meeting.online_link,
        url=meeting_url(meeting),
        items=list(views.values()),
        minutes_draft=meeting.minutes_status != Meeting.MinutesStatus.APPROVED,
    )
    if with_minutes:
        _add_minutes(pack, meeting, views, hidden, audience)
    return pack


def _add_minutes(pack: Pack, meeting: Meeting, views: dict, hidden: set, audience: Audience) -> None:
    visible = set(views) - hidden

    def shown(row) -> bool:
        return row.item_id is None or row.item_id in visible

    for decision in Decision.objects.filter(meeting=meeting):
        if not shown(decision):
            continue
        if decision.item_id:
            views[decision.item_id].decisions.append(_decision_view(decision))
        else:
            pack.other_decisions.append(_decision_view(decision))
    for row in ActionArising.objects.filter(meeting=meeting).select_related("lead", "lead_organisation"):
        if not shown(row):
            continue
        action = _action_view(row, audience=audience)
        pack.actions.append(action)
        if row.item_id:
            views[row.item_id].actions.append(action)
    groups = {status: [] for status in Attendance.Status}
    for row in Attendance.objects.filter(meeting=meeting).select_related("person", "organisation"):
        name = _person_name(row.person, audience=audience) if row.person_id else row.guest_name
        groups[row.status].append(_with_organisation(name, row.organisation))
    labels = {
        Attendance.Status.PRESENT: "Present",
        Attendance.Status.APOLOGIES: "Apologies",
        Attendance.Status.ABSENT: "Absent",
        Attendance.Status.GUEST: "Guests",
    }
    pack.attendance = [(labels[status], names) for status, names in groups.items()]
    pack.corrections = [
        {
            "when": date_text(correction.recorded_at),
            "item": views[correction.item_id].title if correction.item_id in views else "",
            "reason": correction.reason,
            "previous": correction.previous_text,
            "new": correction.new_text,
        }
        for correction in meeting.corrections.all()
        if correction.item_id is None or correction.item_id in visible
    ]
    pack.present_count = len(groups[Attendance.Status.PRESENT])
    meeting_settings = MeetingSettings.objects.filter(group_id=meeting.group_id).first()
    pack.quorum = meeting_settings.quorum if meeting_settings else MeetingSettings().quorum
    if not pack.minutes_draft:
        approval = Decision.objects.filter(approves_minutes_of=meeting).select_related("meeting").first()
        if approval is not None:
            pack.approval = (
                f"Approved as a correct record at the meeting on {date_text(approval.meeting.starts_at)}."
            )
        elif meeting.minutes_approved_at:
            pack.approval = f"Approved as a correct record on {date_text(meeting.minutes_approved_at)}."
        else:
            pack.approval = "Approved as a correct record."


# --- PDF ---------------------------------------------------------------------------------


def render_html(pack: Pack, kind: str) -> str:
    """The HTML WeasyPrint lays out: ``kind`` is "agenda" or "minutes"."""
    return render_to_string(f"meetings/pack_{kind}.html", {"pack": pack, "kind": kind})


def render_pdf(pack: Pack, kind: str) -> bytes:
    import weasyprint  # slow to import: only when a PDF is wanted

    document = weasyprint.HTML(string=render_html(pack, kind), base_url=settings.SITE_URL).render(
        pdf_tags=True
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")


def agenda_pdf(meeting: Meeting, audience: Audience) -> bytes:
    return render_pdf(build_pack(meeting, audience), "agenda")


def minutes_pdf(meeting: Meeting, audience: Audience) -> bytes:
    return render_pdf(build_pack(meeting, audience, with_minutes=True), "minutes")


# --- Word ----------------------------------------------------------------------------------


def _new_document(title: str):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    properties = document.core_properties
    properties.title = title
    properties.language = "en-GB"
    properties.author = "Tandem"
    # The proofing language of every paragraph: British English.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-GB")
    return document


def _table(document, headings: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_heading(document, pack: Pack, kind: str) -> None:
    document.add_heading(f"{pack.title}: {kind}", level=0)
    document.add_paragraph(pack.when)
    if pack.location:
        document.add_paragraph(f"Venue: {pack.location}")
    if pack.access_notes:
        document.add_paragraph(f"Access: {pack.access_notes}")
    if pack.online_link:
        document.add_paragraph(f"Join online: {pack.online_link}")


def agenda_docx(meeting: Meeting, audience: Audience) -> bytes:
    pack = build_pack(meeting, audience)
    document = _new_document(f"{pack.title}: agenda, {pack.when}")
    _docx_heading(document, pack, "agenda")
    document.add_heading("Agenda", level=1)
    for item in pack.items:
        paragraph = document.add_paragraph(style="List Number")
        paragraph.add_run(item.title).bold = True
        details = [item.presenter, f"{item.minutes_allowed} minutes" if item.minutes_allowed else ""]
        details = [d for d in details if d]
        if details:
            paragraph.add_run(f" ({'; '.join(details)})")
    if pack.papers:
        document.add_heading("Papers", level=1)
        for item, paper in pack.papers:
            document.add_paragraph(f"Item {item.number}: {paper}", style="List Bullet")
    document.add_paragraph(f"Details: {pack.url}")
    return _save(document)


def minutes_docx(meeting: Meeting, audience: Audience) -> bytes:
    pack = build_pack(meeting, audience, with_minutes=True)
    document = _new_document(f"{pack.title}: minutes, {pack.when}")
    _docx_heading(document, pack, "minutes")
    if pack.minutes_draft:
        document.add_paragraph().add_run("Draft — not yet approved").bold = True
    elif pack.approval:
        document.add_paragraph(pack.approval)
    document.add_heading("Attendance", level=1)
    for label, names in pack.attendance:
        document.add_paragraph(f"{label}: {'; '.join(names) if names else 'none'}")
    document.add_paragraph(
        f"Quorum: {pack.quorum}. Present: {pack.present_count} "
        f"({'quorate' if pack.quorate else 'not quorate'})."
    )
    for item in pack.items:
        document.add_heading(f"{item.number}. {item.title}", level=1)
        if item.minutes:
            document.add_paragraph(item.minutes)
        for decision in item.decisions:
            document.add_paragraph(decision["text"]).runs[0].bold = True
            if decision["votes"]:
                document.add_paragraph(decision["votes"])
    if pack.other_decisions:
        document.add_heading("Other decisions", level=1)
        for decision in pack.other_decisions:
            document.add_paragraph(decision["text"]).runs[0].bold = True
            if decision["votes"]:
                document.add_paragraph(decision["votes"])
    document.add_heading("Actions arising", level=1)
    if pack.actions:
        _table(
            document,
            ["Action", "Lead", "By when"],
            [[a["description"], a["lead"], a["due"]] for a in pack.actions],
        )
    else:
        document.add_paragraph("No actions arising.")
    if pack.corrections:
        document.add_heading("Corrections after approval", level=1)
        for correction in pack.corrections:
            about = f" to “{correction['item']}”" if correction["item"] else ""
            document.add_paragraph(f"Correction recorded {correction['when']}{about}.").runs[0].bold = True
            document.add_paragraph(f"Reason: {correction['reason']}")
            document.add_paragraph(f"Approved text: {correction['previous'] or '(none)'}")
            document.add_paragraph(f"Corrected text: {correction['new'] or '(none)'}")
    return _save(document)
