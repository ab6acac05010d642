"""The agenda pages: items, their order, removal, and papers."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.meetings import services
from tandem.meetings.models import AgendaItem, Paper
from tests.factories import make_meeting, make_organiser

PDF = b"%PDF-1.7\n%test paper\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def meeting(cast):
    starts = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=30), dt.time(18, 0))
    )
    return services.meeting_schedule(
        group=cast.group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )


@pytest.fixture
def public_item(meeting):
    return services.agenda_item_add(meeting=meeting, title="Speeding on Church Lane")


@pytest.fixture
def secret_item(meeting):
    return services.agenda_item_add(meeting=meeting, title="Family at 12 Elm Road", is_confidential=True)


def _item_post(**extra) -> dict:
    data = {
        "title": "Youth shelter",
        "description": "",
        "presenter": "",
        "presenter_organisation": "",
        "minutes_allowed": "10",
    }
    data.update(extra)
    return data


def test_an_organiser_adds_an_item_before_any_other_business(client, cast, meeting):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:item-create", kwargs={"pk": meeting.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, _item_post(presenter=str(cast.police_rep.person.pk), is_confidential="on"))
    assert response.status_code == 302
    item = meeting.items.get(title="Youth shelter")
    assert item.is_confidential and item.minutes_allowed == 10 and item.presenter == cast.police_rep.person
    assert list(meeting.items.values_list("title", flat=True))[-2:] == ["Youth shelter", "Any other business"]


def test_the_presenter_must_be_a_current_member(client, cast, meeting):
    from tests.factories import make_person

    client.force_login(make_organiser(cast))
    stranger = make_person(name="Sam Stranger")
    response = client.post(
        reverse("meetings:item-create", kwargs={"pk": meeting.pk}), _item_post(presenter=stranger.pk)
    )
    assert response.status_code == 400
    assert not meeting.items.filter(title="Youth shelter").exists()


def test_a_plain_member_cannot_change_the_agenda(client, cast, meeting, public_item):
    client.force_login(cast.member)
    before = list(AgendaItem.objects.values().order_by("pk"))
    assert (
        client.post(reverse("meetings:item-create", kwargs={"pk": meeting.pk}), _item_post()).status_code
        == 403
    )
    assert (
        client.post(reverse("meetings:item-edit", kwargs={"pk": public_item.pk}), _item_post()).status_code
        == 403
    )
    assert (
        client.post(
            reverse("meetings:item-move", kwargs={"pk": public_item.pk}), {"direction": "up"}
        ).status_code
        == 403
    )
    assert client.post(reverse("meetings:item-delete", kwargs={"pk": public_item.pk})).status_code == 403
    assert list(AgendaItem.objects.values().order_by("pk")) == before


def test_an_item_is_changed(client, cast, public_item):
    client.force_login(cast.officer)
    url = reverse("meetings:item-edit", kwargs={"pk": public_item.pk})
    assert client.get(url).status_code == 200
    assert client.post(url, _item_post(title="Speeding on Church Lane and Mill Road")).status_code == 302
    public_item.refresh_from_db()
    assert public_item.title == "Speeding on Church Lane and Mill Road"


def test_items_move_with_post_buttons(client, cast, meeting, public_item, secret_item):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:item-move", kwargs={"pk": secret_item.pk})
    assert client.get(url).status_code == 405
    assert client.post(url, {"direction": "sideways"}).status_code == 400
    response = client.post(url, {"direction": "up"})
    assert response.status_code == 302
    titles = list(meeting.items.values_list("title", flat=True))
    assert titles.index("Family at 12 Elm Road") < titles.index("Speeding on Church Lane")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page and 'value="down"' in page


def test_removing_an_item_asks_first(client, cast, meeting, public_item):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:item-delete", kwargs={"pk": public_item.pk})
    response = client.get(url)
    assert (
        response.status_code == 200
        and "Remove “Speeding on Church Lane” from the agenda?" in response.content.decode()
    )
    assert AgendaItem.objects.filter(pk=public_item.pk).exists()
    assert client.post(url).status_code == 302
    assert not AgendaItem.objects.filter(pk=public_item.pk).exists()


def test_an_item_with_minutes_is_not_removed(client, cast, meeting, public_item):
    public_item.minutes = "Discussed."
    public_item.save()
    client.force_login(make_organiser(cast))
    response = client.post(reverse("meetings:item-delete", kwargs={"pk": public_item.pk}))
    assert response.status_code == 400
    assert "Minutes have been recorded against this item" in response.content.decode()
    assert AgendaItem.objects.filter(pk=public_item.pk).exists()


def test_the_public_cannot_see_a_confidential_item(client, cast, secret_item):
    assert client.get(reverse("meetings:item-edit", kwargs={"pk": secret_item.pk})).status_code == 302
    client.force_login(cast.outsider)
    assert client.get(reverse("meetings:item-edit", kwargs={"pk": secret_item.pk})).status_code == 404


# --- Papers --------------------------------------------------------------------------------


def test_the_upload_form_is_multipart_with_a_govuk_file_input(client, cast, public_item):
    client.force_login(make_organiser(cast))
    page = client.get(reverse("meetings:paper-upload", kwargs={"pk": public_item.pk})).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and "govuk-file-upload" in page


def test_an_organiser_uploads_a_paper_and_anyone_may_download_a_public_one(client, cast, public_item):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:paper-upload", kwargs={"pk": public_item.pk})
    response = client.post(
        url, {"title": "Speed survey", "file": SimpleUploadedFile("survey.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    client.logout()
    page = client.get(public_item.meeting.get_absolute_url()).content.decode()
    assert "Speed survey" in page
    response = client.get(reverse("meetings:paper-download", kwargs={"pk": paper.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


def test_a_renamed_program_is_refused_with_a_message(client, cast, media, public_item):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:paper-upload", kwargs={"pk": public_item.pk})
    fake = SimpleUploadedFile("survey.pdf", b"MZ\x90\x00" + b"\0" * 64, "application/pdf")
    response = client.post(url, {"title": "", "file": fake})
    assert response.status_code == 400
    assert (
        "The file must be a PDF, Word, Excel, OpenDocument, CSV, text, PNG or JPEG file"
        in response.content.decode()
    )
    assert not Paper.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_an_upload_without_a_file_is_refused(client, cast, public_item):
    client.force_login(make_organiser(cast))
    response = client.post(reverse("meetings:paper-upload", kwargs={"pk": public_item.pk}), {"title": "x"})
    assert response.status_code == 400 and "Select a file" in response.content.decode()


def test_a_member_cannot_upload(client, cast, public_item):
    client.force_login(cast.member)
    response = client.post(
        reverse("meetings:paper-upload", kwargs={"pk": public_item.pk}),
        {"title": "", "file": SimpleUploadedFile("survey.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 403
    assert not Paper.objects.exists()


def test_papers_of_confidential_items_are_for_insiders(client, cast, secret_item):
    paper = services.paper_add(
        item=secret_item,
        uploaded_file=SimpleUploadedFile("case.pdf", PDF, "application/pdf"),
        title="Case notes",
    )
    url = reverse("meetings:paper-download", kwargs={"pk": paper.pk})
    assert client.get(url).status_code == 404
    assert "Case notes" not in client.get(secret_item.meeting.get_absolute_url()).content.decode()
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    client.force_login(cast.member)
    response = client.get(url)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_papers_of_a_private_meeting_are_not_found_by_the_public(client, cast):
    private = make_meeting(group=cast.group, is_public=False)
    item = services.agenda_item_add(meeting=private, title="Budget")
    paper = services.paper_add(
        item=item, uploaded_file=SimpleUploadedFile("budget.pdf", PDF, "application/pdf"), title="Budget"
    )
    assert client.get(reverse("meetings:paper-download", kwargs={"pk": paper.pk})).status_code == 404
