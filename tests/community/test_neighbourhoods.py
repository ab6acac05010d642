"""Neighbourhood pages, events, feeds, subscriptions, "you said, we did" and newsletters."""

import datetime as dt
import io
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tandem.actionplans.models import Action
from tandem.community import events, flier, subscriptions, updates
from tandem.community.models import Event, Newsletter, NewsletterDelivery, Subscription, Update
from tandem.community.neighbourhoods import (
    area_at_point,
    area_search,
    neighbourhood_page,
    neighbourhood_points,
)
from tandem.problems.models import Category, Priority, Problem, quarter_of
from tests.factories import make_area, make_meeting, make_organiser

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.50, 53.70], [-1.40, 53.70], [-1.40, 53.76], [-1.50, 53.76], [-1.50, 53.70]]],
}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def neighbourhood(cast):
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save(update_fields=["boundary"])
    cast.district.boundary = {
        "type": "Polygon",
        "coordinates": [[[-2, 53], [-1, 53], [-1, 54], [-2, 54], [-2, 53]]],
    }
    cast.district.save(update_fields=["boundary"])
    return cast


def _problem(cast, **fields) -> Problem:
    fields.setdefault("category", Category.objects.get(slug="anti-social-behaviour"))
    fields.setdefault("title", "Motorbikes on the playing field")
    return Problem.objects.create(partnership=cast.partnership, group=cast.group, **fields)


def _future(days: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _event(cast, **fields) -> Event:
    fields.setdefault("title", "Bike marking")
    fields.setdefault("kind", Event.Kind.COMMUNITY_SAFETY)
    fields.setdefault("venue_name", "Oakfield Library")
    start = fields.pop("starts_at", _future(3))
    return events.event_create(
        group=cast.group, starts_at=start, ends_at=start + dt.timedelta(hours=2), **fields
    )


def _open_survey(cast, title="Feeling safe in Oakfield", area=None, **fields):
    from tandem.community import surveys
    from tandem.community.models import Survey

    survey = surveys.survey_create(
        by=cast.officer, partnership=cast.partnership, area=area or cast.neighbourhood, title=title, **fields
    )
    surveys.question_add(survey=survey, text="How safe do you feel after dark?", kind="scale", scale="safety")
    return surveys.survey_set_status(survey=survey, to_status=Survey.Status.OPEN)


def _update(cast, title="Speeding on Mill Lane", publish=True) -> Update:
    return updates.update_create(
        group=cast.group,
        title=title,
        you_said="Cars speed past the school.",
        we_did="Speed watch.",
        publish=publish,
    )


def _confirmed(area, email) -> Subscription:
    return Subscription.objects.create(
        area=area, email=email, status=Subscription.Status.CONFIRMED, confirmed_at=timezone.now()
    )


# --- Finding a neighbourhood ----------------------------------------------------------------


def test_search_finds_partial_case_insensitive_names_exact_first(cast):
    make_area(name="Oakfield Park", kind="parish", parent=cast.neighbourhood)
    make_area(name="Little Oakfield", kind="parish", parent=cast.neighbourhood)
    names = [area.name for area in area_search("  oakFIELD ")]
    assert names[0] == "Oakfield"
    assert set(names) == {"Oakfield", "Oakfield Park", "Little Oakfield"}
    assert area_search("o") == []


def test_point_lookup_gives_the_deepest_area_holding_the_point(neighbourhood):
    assert area_at_point(latitude=53.73, longitude=-1.45) == neighbourhood.neighbourhood
    assert area_at_point(latitude=53.2, longitude=-1.8) == neighbourhood.district
    assert area_at_point(latitude=51.5, longitude=0.1) is None


def test_finder_redirects_a_single_match_and_lists_several(client, cast):
    response = client.get(reverse("community:neighbourhood-finder"), {"q": "oakf"})
    assert response.status_code == 302
    assert response["Location"] == reverse("community:neighbourhood-detail", kwargs={"slug": "oakfield"})
    make_area(name="Oakfield Park", kind="parish", parent=cast.neighbourhood)
    response = client.get(reverse("community:neighbourhood-finder"), {"q": "oakf"})
    assert response.status_code == 200
    assert "2 areas match" in response.content.decode()


def test_finder_sends_a_map_click_to_the_area_and_refuses_a_bad_point(client, neighbourhood):
    url = reverse("community:neighbourhood-finder")
    response = client.get(url, {"lat": "53.73", "lng": "-1.45"})
    assert response["Location"].endswith("/neighbourhoods/oakfield/")
    assert client.get(url, {"lat": "abc", "lng": "-1.45"}).status_code == 400
    assert client.get(url, {"lat": "53.7"}).status_code == 400
    assert client.get(url, {"lat": "95", "lng": "0"}).status_code == 400
    response = client.get(url, {"lat": "10", "lng": "10"})
    assert response.status_code == 200
    assert "not inside any" in response.content.decode()


# --- The neighbourhood page -----------------------------------------------------------------


def test_page_shows_groups_meetings_priorities_updates_problems_and_events_but_no_private_things(
    client, neighbourhood
):
    cast = neighbourhood
    make_meeting(group=cast.group, title="Oakfield LAG public meeting")
    make_meeting(group=cast.group, title="Closed session", is_public=False)
    problem = _problem(cast, latitude=53.73, longitude=-1.45, raised_by_person=cast.chair_person)
    _problem(cast, title="Secret case", is_public=False)
    start, end = quarter_of(timezone.localdate())
    Priority.objects.create(group=cast.group, problem=problem, period_start=start, period_end=end, reason="x")
    Action.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        problem=problem,
        description="Police patrols at weekends",
        lead_organisation=cast.police,
        due_on=end,
    )
    _update(cast)
    _update(cast, title="Draft thing", publish=False)
    _event(cast, title="Beat surgery with PC Beat")
    body = client.get(reverse("community:neighbourhood-detail", kwargs={"slug": "oakfield"})).content.decode()
    for shown in (
        "Oakfield Local Action Group",
        "Oakfield LAG public meeting",
        "Motorbikes on the playing field",
        "Police patrols at weekends",
        "Speeding on Mill Lane",
        "Beat surgery with PC Beat",
        reverse("community:neighbourhood-problems-geojson", kwargs={"slug": "oakfield"}),
    ):
        assert shown in body
    for hidden in ("Closed session", "Secret case", "Draft thing", "Oakfield Case Panel", "Chris Chair"):
        assert hidden not in body


def test_page_query_count_does_not_grow_with_content(client, neighbourhood):
    cast = neighbourhood
    url = reverse("community:neighbourhood-detail", kwargs={"slug": "oakfield"})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    start, end = quarter_of(timezone.localdate())
    first = _problem(cast)
    Priority.objects.create(group=cast.group, problem=first, period_start=start, period_end=end, reason="x")
    _update(cast)
    _event(cast)
    make_meeting(group=cast.group)
    few = count()
    for n in range(6):
        problem = _problem(cast, title=f"Problem {n}", latitude=53.72, longitude=-1.44)
        Priority.objects.create(
            group=cast.group, problem=problem, period_start=start, period_end=end, reason="x", rank=n + 2
        )
        Action.objects.create(
            partnership=cast.partnership,
            group=cast.group,
            problem=problem,
            description=f"Do {n}",
            lead_organisation=cast.police,
        )
        _update(cast, title=f"Update {n}")
        _event(cast, title=f"Event {n}", starts_at=_future(n + 1))
        make_meeting(group=cast.group, starts_at=_future(n + 2, 18))
        _open_survey(cast, title=f"Survey {n}")
    many = count()
    assert many == few
    assert many <= 30


def test_priorities_json_is_in_police_uk_shape(client, cast):
    problem = _problem(cast)
    start, end = quarter_of(timezone.localdate())
    Priority.objects.create(group=cast.group, problem=problem, period_start=start, period_end=end, reason="x")
    data = client.get(reverse("community:neighbourhood-priorities-json", kwargs={"slug": "oakfield"})).json()
    assert data == [
        {
            "issue": "Motorbikes on the playing field",
            "issue-date": f"{start.isoformat()}T00:00:00",
            "action": "",
            "action-date": None,
        }
    ]


def test_unknown_neighbourhood_is_not_found(client, cast):
    assert client.get("/neighbourhoods/nowhere/").status_code == 404


# --- Events ----------------------------------------------------------------------------------


def test_beat_surgery_series_makes_one_event_per_fortnight_and_one_can_be_cancelled(cast):
    first = timezone.localdate() + dt.timedelta(days=1)
    series, created = events.event_series_create(
        group=cast.group,
        frequency="fortnightly",
        weekday=first.weekday(),
        week_of_month=None,
        starts_on=first,
        ends_on=first + dt.timedelta(days=70),
        start_time=dt.time(10),
        end_time=dt.time(11),
        title="Beat surgery",
        kind=Event.Kind.BEAT_SURGERY,
        venue_name="Oakfield Library",
        hosts="PCSO Jo Smith",
    )
    days = [timezone.localtime(e.starts_at).date() for e in Event.objects.filter(series=series)]
    assert days == [first + dt.timedelta(days=14 * n) for n in range(6)]
    second = Event.objects.filter(series=series).order_by("starts_at")[1]
    events.event_cancel(event=second, reason="PCSO on a course")
    assert list(Event.objects.filter(series=series, is_cancelled=True)) == [second]
    assert Event.objects.filter(series=series, is_cancelled=False).count() == 5
    with pytest.raises(ValidationError):
        events.event_cancel(event=second)


def test_monthly_series_falls_on_the_chosen_week(cast):
    _, created = events.event_series_create(
        group=cast.group,
        frequency="monthly",
        weekday=5,
        week_of_month=1,
        starts_on=dt.date(2030, 1, 1),
        ends_on=dt.date(2030, 4, 30),
        start_time=dt.time(10),
        end_time=dt.time(12),
        title="Surgery",
        kind=Event.Kind.BEAT_SURGERY,
        venue_name="Hall",
    )
    assert [timezone.localtime(e.starts_at).date() for e in created] == [
        dt.date(2030, 1, 5),
        dt.date(2030, 2, 2),
        dt.date(2030, 3, 2),
        dt.date(2030, 4, 6),
    ]


def test_organiser_publishes_a_repeating_event_and_others_are_refused(client, cast):
    url = reverse("community:event-create", kwargs={"slug": cast.group.slug})
    first = timezone.localdate() + dt.timedelta(days=2)
    data = {
        "title": "Beat surgery",
        "kind": "beat_surgery",
        "date_0": first.day,
        "date_1": first.month,
        "date_2": first.year,
        "start_time": "10:00",
        "end_time": "11:00",
        "venue_name": "Oakfield Library",
        "repeats": "weekly",
        "ends_on_0": (first + dt.timedelta(days=21)).day,
        "ends_on_1": (first + dt.timedelta(days=21)).month,
        "ends_on_2": (first + dt.timedelta(days=21)).year,
    }
    client.force_login(cast.member)
    assert client.post(url, data).status_code == 403
    assert Event.objects.count() == 0
    client.force_login(make_organiser(cast))
    bad = client.post(url, {**data, "end_time": "09:00"})
    assert bad.status_code == 400
    assert Event.objects.count() == 0
    assert client.post(url, data).status_code == 302
    assert Event.objects.filter(title="Beat surgery").count() == 4


def test_event_ics_parses(client, cast):
    event = _event(cast, hosts="PCSO Jo Smith")
    response = client.get(reverse("community:event-ics", kwargs={"pk": event.pk}))
    calendar = icalendar.Calendar.from_ical(response.content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Bike marking"
    assert "PCSO Jo Smith" in str(vevent["description"])


def test_cancel_by_outsider_changes_nothing(client, cast):
    event = _event(cast)
    client.force_login(cast.outsider)
    assert client.post(reverse("community:event-cancel", kwargs={"pk": event.pk})).status_code == 403
    event.refresh_from_db()
    assert not event.is_cancelled


# --- Feeds -----------------------------------------------------------------------------------


def test_atom_and_rss_feeds_parse_with_updates_and_events(client, cast):
    _update(cast)
    _event(cast)
    atom = client.get(reverse("community:neighbourhood-atom", kwargs={"slug": "oakfield"}))
    root = ET.fromstring(atom.content)  # noqa: S314 - our own feed
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "You said, we did: Speeding on Mill Lane" in titles
    assert any(t.startswith("Bike marking") for t in titles)
    rss = ET.fromstring(  # noqa: S314 - our own feed
        client.get(reverse("community:neighbourhood-rss", kwargs={"slug": "oakfield"})).content
    )
    assert len(rss.findall("./channel/item")) == 2


def test_calendar_feed_has_meetings_and_events(client, cast):
    make_meeting(group=cast.group, title="Public LAG")
    make_meeting(group=cast.group, title="Private LAG", is_public=False)
    _event(cast)
    response = client.get(reverse("community:neighbourhood-ics", kwargs={"slug": "oakfield"}))
    summaries = sorted(
        str(v["summary"]) for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    )
    assert summaries == ["Bike marking", "Public LAG"]


# --- Subscriptions ---------------------------------------------------------------------------


def test_double_opt_in_sends_only_the_confirmation_until_confirmed(
    client, cast, django_capture_on_commit_callbacks
):
    url = reverse("community:subscribe", kwargs={"slug": "oakfield"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Resident@Example.ORG"})
    assert response.status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.email == "Resident@example.org"
    assert subscription.status == Subscription.Status.PENDING
    assert len(mail.outbox) == 1
    assert subscription.token in mail.outbox[0].body
    # a pending subscriber gets no newsletter
    newsletter = updates.newsletter_create(group=cast.group, title="News", updates=[_update(cast)])
    assert updates.newsletter_send(newsletter=newsletter) == []
    # confirming is a POST (a link checker's GET confirms nothing)
    confirm = reverse("community:subscription-confirm", kwargs={"token": subscription.token})
    client.get(confirm)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    client.post(confirm)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_subscribing_answers_the_same_whatever_the_address_state(
    client, cast, django_capture_on_commit_callbacks
):
    _confirmed(cast.neighbourhood, "known@example.org")
    url = reverse("community:subscribe", kwargs={"slug": "oakfield"})
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "known@example.org"})
        new = client.post(url, {"email": "new@example.org"})
    assert known.status_code == new.status_code == 200
    assert "Check your email" in known.content.decode()
    assert [t.name for t in known.templates] == [t.name for t in new.templates]
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def test_bad_email_is_refused_with_a_message(client, cast):
    response = client.post(
        reverse("community:subscribe", kwargs={"slug": "oakfield"}), {"email": "not-an-email"}
    )
    assert response.status_code == 400
    assert "correct format" in response.content.decode()
    assert Subscription.objects.count() == 0


def test_unsubscribe_one_click_and_resubscribe_gets_a_new_token(
    client, cast, django_capture_on_commit_callbacks
):
    subscription = _confirmed(cast.neighbourhood, "resident@example.org")
    old = subscription.token
    # RFC 8058: the mail program POSTs without a CSRF token
    client.handler.enforce_csrf_checks = True
    response = client.post(
        reverse("community:subscription-unsubscribe", kwargs={"token": old}),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscription_request(area=cast.neighbourhood, email="resident@example.org")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.token != old
    assert client.get(reverse("community:subscription-confirm", kwargs={"token": old})).status_code == 404


def test_unknown_token_is_not_found(client, cast):
    assert (
        client.get(reverse("community:subscription-unsubscribe", kwargs={"token": "x" * 43})).status_code
        == 404
    )


# --- Updates and newsletters -----------------------------------------------------------------


def test_update_is_prefilled_from_a_closed_problem_and_an_evaluated_action(client, cast):
    closed = _problem(
        cast,
        title="Fly-tipping behind the shops",
        status=Problem.Status.CLOSED,
        closed_reason="Cleared; CCTV added.",
    )
    action = Action.objects.create(
        partnership=cast.partnership,
        group=cast.group,
        issue="Parking on the zigzags",
        description="Parking enforcement at school times",
        lead_organisation=cast.police,
        status=Action.Status.DONE,
        worked=Action.Worked.YES,
        evaluation_evidence="Complaints fell from 12 to 2.",
    )
    keys = {s.key: s for s in updates.update_suggestions(group=cast.group)}
    assert "Cleared; CCTV added." in keys[f"problem-{closed.pk}"].we_did
    assert "Complaints fell from 12 to 2." in keys[f"action-{action.pk}"].we_did
    client.force_login(make_organiser(cast))
    url = reverse("community:update-create", kwargs={"slug": cast.group.slug})
    page = client.get(url, {"from": f"action-{action.pk}"}).content.decode()
    assert "Parking enforcement at school times" in page
    response = client.post(
        url,
        {
            "title": "Parking",
            "you_said": "Parking",
            "we_did": "Enforcement",
            "source": f"action-{action.pk}",
            "publish": "on",
        },
    )
    update = Update.objects.get()
    assert response.status_code == 302
    assert update.is_published and update.action == action
    assert f"action-{action.pk}" not in {s.key for s in updates.update_suggestions(group=cast.group)}


def test_a_member_cannot_write_updates_and_drafts_are_hidden(client, cast):
    draft = _update(cast, publish=False)
    client.force_login(cast.member)
    url = reverse("community:update-create", kwargs={"slug": cast.group.slug})
    assert client.post(url, {"title": "x", "you_said": "x", "we_did": "x"}).status_code == 403
    assert Update.objects.count() == 1
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_newsletter_is_emailed_with_a_log_per_recipient_and_a_failure_recorded(cast, settings, monkeypatch):
    settings.TASKS = IMMEDIATE
    good = _confirmed(cast.neighbourhood, "good@example.org")
    _confirmed(cast.neighbourhood, "bad@example.org")
    Subscription.objects.create(area=cast.neighbourhood, email="pending@example.org")
    newsletter = updates.newsletter_create(group=cast.group, title="Oakfield news", updates=[_update(cast)])

    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def failing(self, messages):
        if any("bad@example.org" in m.to for m in messages):
            raise OSError("Mailbox unavailable")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", failing)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        queued = updates.newsletter_send(newsletter=newsletter)
    assert len(queued) == 2
    rows = {d.email: d for d in NewsletterDelivery.objects.all()}
    assert rows["good@example.org"].status == NewsletterDelivery.Status.SENT
    assert rows["bad@example.org"].status == NewsletterDelivery.Status.FAILED
    assert "Mailbox unavailable" in rows["bad@example.org"].error
    assert [m.to for m in mail.outbox] == [["good@example.org"]]
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe"] == f"<{subscriptions.unsubscribe_url(good)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert good.token in message.body
    assert "Speeding on Mill Lane" in message.body
    newsletter.refresh_from_db()
    assert newsletter.is_published
    # sending again queues nobody new
    assert updates.newsletter_send(newsletter=newsletter) == []


def test_flier_pdf_contains_the_update_titles(client, cast):
    newsletter = updates.newsletter_create(group=cast.group, title="Oakfield news", updates=[_update(cast)])
    updates.newsletter_publish(newsletter=newsletter)
    reader = PdfReader(io.BytesIO(flier.flier_pdf(newsletter)))
    assert len(reader.pages) == 1  # an A4 flier: one sheet
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Oakfield news" in text
    assert "Speeding on Mill Lane" in text
    response = client.get(
        reverse("community:newsletter-pdf", kwargs={"pk": newsletter.pk}), {"kind": "poster"}
    )
    assert response["Content-Type"] == "application/pdf"
    poster = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Speeding on Mill Lane" in poster
    assert (
        client.get(
            reverse("community:newsletter-pdf", kwargs={"pk": newsletter.pk}), {"kind": "x"}
        ).status_code
        == 400
    )


def test_plain_text_version_has_updates_and_how_to_report(client, cast):
    newsletter = updates.newsletter_create(group=cast.group, title="Oakfield news", updates=[_update(cast)])
    updates.newsletter_publish(newsletter=newsletter)
    text = client.get(reverse("community:newsletter-text", kwargs={"pk": newsletter.pk})).content.decode()
    assert "You said: Cars speed past the school." in text
    assert "REPORT A PROBLEM" in text


def test_newsletter_needs_published_updates_of_the_group(cast):
    draft = _update(cast, publish=False)
    with pytest.raises(ValidationError):
        updates.newsletter_create(group=cast.group, title="x", updates=[draft])
    with pytest.raises(ValidationError):
        updates.newsletter_create(group=cast.group, title="x", updates=[])
    assert Newsletter.objects.count() == 0


def test_draft_newsletter_is_hidden_from_the_public_and_send_refused_to_members(client, cast):
    newsletter = updates.newsletter_create(group=cast.group, title="Oakfield news", updates=[_update(cast)])
    assert client.get(newsletter.get_absolute_url()).status_code == 404
    client.force_login(cast.member)
    assert client.post(reverse("community:newsletter-send", kwargs={"pk": newsletter.pk})).status_code == 404
    newsletter.refresh_from_db()
    assert newsletter.sent_at is None


def test_page_builds_without_boundaries_or_groups(cast):
    lonely = make_area(name="Nowhere", kind="parish", parent=cast.neighbourhood)
    page = neighbourhood_page(lonely)
    assert page.evidence is None
    assert not page.has_pins
    assert neighbourhood_points(lonely) == {"type": "FeatureCollection", "features": []}


def test_the_page_invites_residents_to_report_and_to_answer_the_surveys_open_to_them(client, cast):
    # given an open survey of the neighbourhood, one of its district, one closed and one elsewhere
    _open_survey(cast, title="Feeling safe in Oakfield")
    _open_survey(cast, title="District-wide safety survey", area=cast.neighbourhood.parent)
    _open_survey(cast, title="Already closed", closes_on=timezone.localdate() - dt.timedelta(days=1))
    elsewhere = make_area(name="Elsewhere", kind="neighbourhood", parent=cast.neighbourhood.parent)
    _open_survey(cast, title="Elsewhere's survey", area=elsewhere)
    # when a resident opens the neighbourhood page
    html = client.get(
        reverse("community:neighbourhood-detail", kwargs={"slug": cast.neighbourhood.slug})
    ).content
    html = html.decode()
    # then they can report a problem in it and answer the two surveys that are about them
    assert f"{reverse('community:report-create')}?area={cast.neighbourhood.slug}" in html
    assert "Feeling safe in Oakfield" in html and "District-wide safety survey" in html
    assert (
        "Already closed" not in html and "Elsewhere&#x27;s survey" not in html and "Elsewhere's" not in html
    )


def test_a_groups_page_links_to_its_events_updates_and_the_neighbourhood_page(client, cast):
    html = client.get(cast.group.get_absolute_url()).content.decode()
    assert reverse("community:group-events", kwargs={"slug": cast.group.slug}) in html
    assert reverse("community:group-updates", kwargs={"slug": cast.group.slug}) in html
    assert reverse("community:neighbourhood-detail", kwargs={"slug": cast.group.area.slug}) in html


@pytest.fixture
def page_cache(settings):
    from django.core.cache import cache

    settings.NEIGHBOURHOOD_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_visitors_get_the_page_from_the_cache_and_signed_in_people_see_changes_at_once(
    client, cast, page_cache
):
    url = reverse("community:neighbourhood-detail", kwargs={"slug": cast.neighbourhood.slug})
    assert "Speeding on Mill Lane" not in client.get(url).content.decode()
    missing = reverse("community:neighbourhood-detail", kwargs={"slug": "nowhere"})
    assert client.get(missing).status_code == 404 and client.get(missing).status_code == 404
    # when the group publishes an update
    _update(cast)
    # then a visitor sees it once the page is made again, an organiser at once
    assert "Speeding on Mill Lane" not in client.get(url).content.decode()
    client.force_login(make_organiser(cast))
    assert "Speeding on Mill Lane" in client.get(url).content.decode()
    client.logout()
    from django.core.cache import cache

    cache.clear()
    assert "Speeding on Mill Lane" in client.get(url).content.decode()


def test_each_visitor_of_a_cached_page_gets_a_csrf_token_of_their_own_that_works(cast, page_cache):
    import re

    from django.test import Client

    url = reverse("community:neighbourhood-detail", kwargs={"slug": cast.neighbourhood.slug})
    tokens = []
    for n in range(2):
        visitor = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
        html = visitor.get(url).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        tokens.append(token)
        response = visitor.post(
            reverse("community:subscribe", kwargs={"slug": cast.neighbourhood.slug}),
            {"email": f"visitor{n}@example.org", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 200  # not 403: the token is the visitor's own
    assert tokens[0] != tokens[1]
    assert Subscription.objects.filter(email__startswith="visitor").count() == 2


def test_the_maps_points_come_from_their_own_url_so_the_page_stays_light(client, cast):
    # given an open problem with a pin and one private problem with a pin
    shown = _problem(cast, title="Motorbikes on the playing field", latitude=53.72, longitude=-1.44)
    _problem(cast, title="Secret case", latitude=53.72, longitude=-1.44, is_public=False)
    # when the map asks for its points
    response = client.get(reverse("community:neighbourhood-problems-geojson", kwargs={"slug": "oakfield"}))
    # then they are the public problem's, and the page itself carries none
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert [f["properties"]["title"] for f in features] == ["Motorbikes on the playing field"]
    assert features[0]["geometry"]["coordinates"] == [-1.44, 53.72]
    assert features[0]["properties"]["url"] == shown.get_absolute_url()
    page = client.get(reverse("community:neighbourhood-detail", kwargs={"slug": "oakfield"})).content.decode()
    assert '"FeatureCollection"' not in page
    missing = reverse("community:neighbourhood-problems-geojson", kwargs={"slug": "nowhere"})
    assert client.get(missing).status_code == 404
