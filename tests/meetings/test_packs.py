"""The agenda pack and minutes as PDF and Word documents, for the public and for insiders."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import docx
import pytest
import weasyprint
from django.urls import reverse
from django.utils import timezone

from tandem.meetings import packs
from tandem.meetings.models import ActionArising, AgendaItem, Attendance, Decision, Meeting, Paper
from tests.factories import make_meeting, make_person

CONFIDENTIAL = "Family at 12 Elm Close"


@pytest.fixture
def meeting(cast) -> Meeting:
    starts = dt.datetime(2025, 12, 9, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    meeting = make_meeting(group=cast.group, starts_at=starts, venue_address="1 Church Lane, Oakfield")
    apologies = AgendaItem.objects.create(meeting=meeting, position=1, title="Apologies for absence")
    speeding = AgendaItem.objects.create(
        meeting=meeting,
        position=2,
        title="Speeding on Mill Road",
        presenter=cast.police_rep.person,
        presenter_organisation=cast.police,
        minutes_allowed=15,
        minutes="Residents reported cars racing after 22:00.",
    )
    secret = AgendaItem.objects.create(
        meeting=meeting,
        position=3,
        title=CONFIDENTIAL,
        is_confidential=True,
        minutes="Safeguarding referral.",
    )
    Paper.objects.create(
        item=speeding,
        title="Speed survey results",
        file="papers/x.pdf",
        content_type="application/pdf",
        size=2048,
    )
    Attendance.objects.create(meeting=meeting, person=cast.chair_person, status=Attendance.Status.PRESENT)
    Attendance.objects.create(
        meeting=meeting,
        person=cast.police_rep.person,
        organisation=cast.police,
        status=Attendance.Status.PRESENT,
    )
    Attendance.objects.create(meeting=meeting, person=cast.member_person, status=Attendance.Status.APOLOGIES)
    Attendance.objects.create(meeting=meeting, guest_name="Gina Guest", status=Attendance.Status.GUEST)
    Decision.objects.create(
        meeting=meeting,
        item=speeding,
        text="RESOLVED that the police run speed checks.",
        votes_for=5,
        votes_against=1,
        abstentions=0,
    )
    Decision.objects.create(meeting=meeting, item=secret, text="RESOLVED that the family is referred.")
    ActionArising.objects.create(
        meeting=meeting,
        item=speeding,
        description="Run speed checks on Mill Road",
        lead=cast.police_rep.person,
        lead_organisation=cast.police,
        due_on=dt.date(2026, 1, 15),
    )
    ActionArising.objects.create(meeting=meeting, item=secret, description="Make the referral")
    ActionArising.objects.create(
        meeting=meeting, item=apologies, description="Send the minutes to absent members"
    )
    return meeting


def _approve(meeting: Meeting) -> None:
    later = make_meeting(group=meeting.group, starts_at=meeting.starts_at + dt.timedelta(days=28))
    Decision.objects.create(
        meeting=later,
        kind=Decision.Kind.MINUTES_APPROVAL,
        text="RESOLVED that the minutes of the last meeting are a correct record.",
        approves_minutes_of=meeting,
    )
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.minutes_approved_at = later.starts_at
    meeting.save()


def _docx_text(content: bytes) -> tuple[list[str], str, object]:
    document = docx.Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    text = "\n".join(p.text for p in document.paragraphs)
    for table in document.tables:
        text += "\n" + "\n".join(cell.text for row in table.rows for cell in row.cells)
    return headings, text, document


# --- The HTML the PDF is drawn from ------------------------------------------------------


def test_the_agenda_pack_has_the_header_page_numbers_and_numbered_items(cast, meeting):
    html = packs.render_html(packs.build_pack(meeting, packs.Audience.INSIDERS), "agenda")

    assert "size: A4" in html
    assert '"Page " counter(page) " of " counter(pages)' in html
    assert "Oakfield Local Action Group — Tuesday 9 December 2025, 18:00 to 20:00" in html
    assert '<html lang="en-GB">' in html
    assert "Presented by PC Paula Beat, Castleford Police. 15 minutes" in html
    assert "Speed survey results (2 KB)" in html
    assert CONFIDENTIAL in html


def test_the_public_agenda_pack_leaves_out_confidential_items(cast, meeting):
    html = packs.render_html(packs.build_pack(meeting, packs.Audience.PUBLIC), "agenda")

    assert CONFIDENTIAL not in html
    assert "Confidential item" not in html
    assert "Speeding on Mill Road" in html


def test_the_emailed_pack_names_no_confidential_item(cast, meeting):
    html = packs.render_html(packs.build_pack(meeting, packs.Audience.MEMBERS), "agenda")

    assert CONFIDENTIAL not in html
    assert "Confidential item (details at the meeting page)" in html


def test_draft_minutes_say_so_on_every_page_and_list_attendance_decisions_and_actions(cast, meeting):
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save()

    html = packs.render_html(packs.build_pack(meeting, packs.Audience.INSIDERS, with_minutes=True), "minutes")

    assert 'content: "DRAFT — not yet approved"' in html
    assert "Draft — not yet approved" in html
    assert "Chris Chair; PC Paula Beat, Castleford Police" in html
    assert "Mary Member" in html
    assert "Gina Guest" in html
    assert "Residents reported cars racing after 22:00." in html
    assert "RESOLVED that the police run speed checks." in html
    assert "For 5, against 1, abstentions 0" in html
    assert "Run speed checks on Mill Road" in html
    assert "15 January 2026" in html
    assert "RESOLVED that the family is referred." in html


def test_public_approved_minutes_hide_confidential_items_and_names_given_without_agreement(cast, meeting):
    _approve(meeting)

    html = packs.render_html(packs.build_pack(meeting, packs.Audience.PUBLIC, with_minutes=True), "minutes")

    assert "Approved as a correct record at the meeting on 6 January 2026." in html
    assert "DRAFT" not in html
    assert CONFIDENTIAL not in html
    assert "Safeguarding referral." not in html
    assert "RESOLVED that the family is referred." not in html
    assert "Make the referral" not in html
    assert "Mary Member" not in html
    assert "Name withheld, Castleford Police" in html
    assert "Send the minutes to absent members" in html


# --- The PDF and Word files ---------------------------------------------------------------


def test_the_agenda_pdf_is_a_tagged_a4_pdf_in_british_english(cast, meeting):
    pack = packs.build_pack(meeting, packs.Audience.INSIDERS)
    document = weasyprint.HTML(string=packs.render_html(pack, "agenda")).render(pdf_tags=True)

    content = packs.agenda_pdf(meeting, packs.Audience.INSIDERS)

    assert content.startswith(b"%PDF")
    assert len(document.pages) >= 1
    width, height = document.pages[0].width, document.pages[0].height
    assert (round(width * 25.4 / 96), round(height * 25.4 / 96)) == (210, 297)
    assert document.metadata.lang == "en-GB"
    assert document.metadata.title.startswith("Oakfield Local Action Group meeting: agenda")
    plain = document.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=True)
    assert b"/StructTreeRoot" in plain
    assert b"/Lang (en-GB)" in plain


def test_a_thirty_item_agenda_runs_to_several_numbered_pages(cast, meeting):
    for n in range(30):
        AgendaItem.objects.create(
            meeting=meeting, position=10 + n, title=f"Item {n}", description="Text " * 80
        )
    document = weasyprint.HTML(
        string=packs.render_html(packs.build_pack(meeting, packs.Audience.INSIDERS), "agenda")
    ).render()

    assert len(document.pages) > 1


def test_the_agenda_pdf_downloads_with_a_dated_filename(client, cast, meeting):
    response = client.get(reverse("meetings:agenda-pdf", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="2025-12-09-oakfield-local-action-group-agenda.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_the_agenda_docx_has_headings_numbered_items_and_a_title(client, cast, meeting):
    client.force_login(cast.member)

    response = client.get(reverse("meetings:agenda-docx", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        'filename="2025-12-09-oakfield-local-action-group-agenda.docx"'
    )
    headings, text, document = _docx_text(response.content)
    assert headings[0] == "Oakfield Local Action Group meeting: agenda"
    assert "Agenda" in headings
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered[0] == "Apologies for absence"
    assert numbered[1].startswith("Speeding on Mill Road (PC Paula Beat, Castleford Police; 15 minutes)")
    assert CONFIDENTIAL in text
    assert document.core_properties.title.startswith("Oakfield Local Action Group meeting: agenda")
    assert document.core_properties.language == "en-GB"


def test_the_public_agenda_docx_leaves_out_confidential_items(client, cast, meeting):
    response = client.get(reverse("meetings:agenda-docx", kwargs={"pk": meeting.pk}))

    _, text, _ = _docx_text(response.content)
    assert CONFIDENTIAL not in text
    assert "Speeding on Mill Road" in text


def test_the_minutes_docx_has_attendance_decisions_and_an_actions_table(client, cast, meeting):
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save()
    client.force_login(cast.officer)

    response = client.get(reverse("meetings:minutes-docx", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    headings, text, document = _docx_text(response.content)
    assert "Attendance" in headings
    assert "2. Speeding on Mill Road" in headings
    assert "Actions arising" in headings
    assert "Draft — not yet approved" in text
    assert "RESOLVED that the police run speed checks." in text
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["Action", "Lead", "By when"]
    assert ["Run speed checks on Mill Road", "PC Paula Beat, Castleford Police", "15 January 2026"] in rows


def test_draft_minutes_are_not_found_for_the_public(client, cast, meeting):
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save()

    for name in ("meetings:minutes-pdf", "meetings:minutes-docx"):
        assert client.get(reverse(name, kwargs={"pk": meeting.pk})).status_code == 404


def test_approved_minutes_are_public_without_confidential_items(client, cast, meeting):
    _approve(meeting)

    pdf = client.get(reverse("meetings:minutes-pdf", kwargs={"pk": meeting.pk}))
    word = client.get(reverse("meetings:minutes-docx", kwargs={"pk": meeting.pk}))

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].endswith(
        'filename="2025-12-09-oakfield-local-action-group-minutes.pdf"'
    )
    _, text, _ = _docx_text(word.content)
    assert "Approved as a correct record" in text
    assert CONFIDENTIAL not in text
    assert "Make the referral" not in text


def test_a_private_groups_pack_is_not_found_for_outsiders(client, cast):
    private = make_meeting(group=cast.private_group, starts_at=timezone.now() + dt.timedelta(days=3))
    AgendaItem.objects.create(meeting=private, title="Case review")
    client.force_login(cast.outsider)

    assert client.get(reverse("meetings:agenda-pdf", kwargs={"pk": private.pk})).status_code == 404
    assert client.get(reverse("meetings:agenda-docx", kwargs={"pk": private.pk})).status_code == 404


def test_names_of_residents_who_agreed_appear_in_public_minutes(cast, meeting):
    resident = make_person(name="Rita Resident", show_name_publicly=True)
    Attendance.objects.create(meeting=meeting, person=resident, status=Attendance.Status.PRESENT)
    _approve(meeting)

    pack = packs.build_pack(meeting, packs.Audience.PUBLIC, with_minutes=True)

    assert "Rita Resident" in dict(pack.attendance)["Present"]


def test_corrections_after_approval_are_printed_but_not_those_to_confidential_items(cast, meeting):
    from tandem.meetings.models import MinutesCorrection

    _approve(meeting)
    public_item, secret_item = (
        meeting.items.get(title="Speeding on Mill Road"),
        meeting.items.get(title=CONFIDENTIAL),
    )
    MinutesCorrection.objects.create(
        meeting=meeting,
        item=public_item,
        reason="The survey date was wrong.",
        previous_text="In May.",
        new_text="In June.",
    )
    MinutesCorrection.objects.create(
        meeting=meeting, item=secret_item, reason="A name was misspelt.", previous_text="a", new_text="b"
    )

    public = packs.render_html(packs.build_pack(meeting, packs.Audience.PUBLIC, with_minutes=True), "minutes")
    insiders = packs.minutes_docx(meeting, packs.Audience.INSIDERS)

    assert "Corrections after approval" in public
    assert "The survey date was wrong." in public and "In June." in public
    assert "A name was misspelt." not in public
    _, text, _ = _docx_text(insiders)
    assert "Reason: A name was misspelt." in text
    assert "Corrected text: In June." in text
