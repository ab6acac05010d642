"""The audit log: data protection officers search it (by user, case, dates, action) and export
it as CSV; nobody else reads it."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tandem.cases.models import AuditEntry, DataProtectionOfficer


@pytest.fixture
def dpo(cc):
    from tandem.accounts.models import User
    from tests.factories import make_user

    user = make_user(role=User.Role.MEMBER, name="Dana Protection")
    DataProtectionOfficer.objects.create(partnership=cc.cast.partnership, user=user)
    return user


def _at(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


@pytest.fixture
def history(cc):
    """Entries by two people on two cases, on known days, plus a refused attempt."""

    def add(user, action, case_number, days_ago, description):
        AuditEntry(
            user=user,
            user_label=user.name,
            partnership=cc.cast.partnership,
            action=action,
            case_number=case_number,
            description=description,
            at=_at(days_ago),
        ).save(force_insert=True)

    add(cc.signatory, "view", cc.case.pk, 40, "Old view by Sam")
    add(cc.signatory, "change", cc.case.pk, 10, "Recent change by Sam")
    add(cc.council_officer, "view", cc.case.pk, 5, "Recent view by Carla")
    add(cc.council_officer, "view", 4242, 3, "View of another case by Carla")
    add(cc.outsider, "refused", cc.case.pk, 1, "Refused: Otis tried")


def _search(client, who, **params):
    client.force_login(who)
    return client.get("/cases/audit/", params, HTTP_HOST="localhost")


def test_a_dpo_sees_every_entry_newest_first(client, cc, dpo, history):
    response = _search(client, dpo)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Refused: Otis tried") < content.index("Old view by Sam")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"user": "signatory"}, {"Old view by Sam", "Recent change by Sam"}),
        ({"case": "4242"}, {"View of another case by Carla"}),
        ({"case": "CASE-04242"}, {"View of another case by Carla"}),
        ({"action": "refused"}, {"Refused: Otis tried"}),
        (
            {"action": "view", "user": "council_officer"},
            {"Recent view by Carla", "View of another case by Carla"},
        ),
        ("last-week", {"Recent view by Carla", "View of another case by Carla", "Refused: Otis tried"}),
        ("a-month-ago", {"Old view by Sam"}),
    ],
)
def test_the_search_filters(client, cc, dpo, history, params, expected):
    descriptions = {
        "Old view by Sam",
        "Recent change by Sam",
        "Recent view by Carla",
        "View of another case by Carla",
        "Refused: Otis tried",
    }
    if params == "last-week":
        since = timezone.localdate() - dt.timedelta(days=7)
        params = {"since_0": since.day, "since_1": since.month, "since_2": since.year}
    elif params == "a-month-ago":
        since, until = (
            timezone.localdate() - dt.timedelta(days=45),
            timezone.localdate() - dt.timedelta(days=30),
        )
        params = {
            "since_0": since.day,
            "since_1": since.month,
            "since_2": since.year,
            "until_0": until.day,
            "until_1": until.month,
            "until_2": until.year,
        }
    elif "user" in params:
        params = {**params, "user": getattr(cc, params["user"]).pk}
    content = _search(client, dpo, **params).content.decode()
    assert {d for d in descriptions if d in content} == expected


@pytest.mark.parametrize(
    "params",
    [
        {"case": "not-a-case"},
        {"case": "99999999999"},
        {"since_0": "31", "since_1": "2", "since_2": "2026"},
        {
            "since_0": "2",
            "since_1": "2",
            "since_2": "2026",
            "until_0": "1",
            "until_1": "1",
            "until_2": "2026",
        },
        {"user": "not-a-number"},
    ],
)
def test_a_bad_search_is_a_400_with_the_error_summary(client, cc, dpo, history, params):
    response = _search(client, dpo, **params)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    client.force_login(dpo)
    assert client.get("/cases/audit.csv", params, HTTP_HOST="localhost").status_code == 400


def test_the_search_itself_is_logged(client, cc, dpo, history):
    _search(client, dpo, action="refused")
    entry = AuditEntry.objects.filter(user=dpo, action="search_log").get()
    assert "action=refused" in entry.description


def _csv(client, who, **params):
    client.force_login(who)
    response = client.get("/cases/audit.csv", params, HTTP_HOST="localhost")
    return response, list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_export_has_the_searched_entries_and_is_logged(client, cc, dpo, history):
    response, rows = _csv(client, dpo, user=cc.signatory.pk)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["when", "who", "action", "case"]
    assert sorted(row[5] for row in rows[1:]) == [
        "Old view by Sam",
        "Opened the case",
        "Recent change by Sam",
    ]
    assert {row[3] for row in rows[1:]} == {cc.case.reference}
    assert AuditEntry.objects.filter(user=dpo, action="export").exists()


def test_a_csv_cell_never_starts_a_formula(client, cc, dpo):
    AuditEntry(user_label='=HYPERLINK("http://evil")', action="view", description="+1").save(
        force_insert=True
    )
    _, rows = _csv(client, dpo, action="view")
    assert rows[1][1].startswith("'=") and rows[1][5] == "'+1"


@pytest.mark.parametrize("who", ["signatory", "outsider"])
@pytest.mark.parametrize("url", ["/cases/audit/", "/cases/audit.csv"])
def test_anyone_but_a_dpo_is_refused_the_audit_log(client, cc, history, who, url):
    client.force_login(getattr(cc, who))
    assert client.get(url, HTTP_HOST="localhost").status_code in (403, 404)
    client.force_login(cc.cast.administrator)
    assert client.get(url, HTTP_HOST="localhost").status_code in (403, 404)
    client.logout()
    assert client.get(url, HTTP_HOST="localhost").status_code == 302  # to sign in


def test_a_dpo_of_another_partnership_does_not_see_this_ones_entries(client, cc, history):
    from tests.factories import make_partnership, make_user

    other = make_user(name="Other DPO")
    DataProtectionOfficer.objects.create(partnership=make_partnership(name="Elsewhere CSP"), user=other)
    content = _search(client, other).content.decode()
    assert "Old view by Sam" not in content and "Refused: Otis tried" not in content
