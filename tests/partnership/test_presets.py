import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tandem.partnership.models import Essential, GroupType, StakeholderKind
from tandem.partnership.presets import PRESETS, UnknownPreset, preset_install
from tests.factories import make_partnership, make_user

pytestmark = pytest.mark.django_db


def chain(group_type: GroupType) -> list[str]:
    names = []
    while group_type is not None:
        names.append(group_type.short_name)
        group_type = group_type.escalates_to
    return names


def stakeholders(partnership, slug: str) -> set[str]:
    group_type = GroupType.objects.get(partnership=partnership, slug=slug)
    return set(group_type.recommended_stakeholders.values_list("slug", flat=True))


def snapshot() -> tuple:
    return (
        GroupType.objects.count(),
        GroupType.history.count(),
        StakeholderKind.objects.count(),
        GroupType.recommended_stakeholders.through.objects.count(),
    )


def test_local_action_groups_installs_lag_to_area_action_panel_to_board_with_seed_000_lists():
    partnership = make_partnership()

    types = preset_install(partnership=partnership, key="local-action-groups")

    assert [t.short_name for t in types] == ["LAG", "AAP", "Board", "Scrutiny"]
    lag = types[0]
    assert chain(lag) == ["LAG", "AAP", "Board"]
    assert [t.tier for t in types] == [0, 1, 2, 3]
    assert lag.preset == "local-action-groups"
    assert lag.essentials == [
        Essential.VENUE,
        Essential.CHAIR,
        Essential.NOTE_TAKER,
        Essential.TREASURER_OR_ACCOUNTABLE_BODY,
        Essential.PARENT_LINK,
    ]
    kinds = {k.slug: k for k in lag.recommended_stakeholders.all()}
    assert len(kinds) == 14
    assert kinds["youth-groups"].gap_text == "No youth representation"
    assert kinds["registered-social-landlords"].gap_text == "No registered social landlord"
    assert kinds["beat-manager-and-pcsos"].name == "Beat manager and/or PCSOs"
    assert {"householders", "publicans-and-traders", "youth-parish-councils", "other-agencies"} <= set(kinds)
    assert types[2].meeting_frequency == GroupType.Frequency.QUARTERLY


def test_community_led_solution_installs_nap_jag_board_and_a_cls_group_reporting_to_the_jag():
    partnership = make_partnership()

    types = {t.slug: t for t in preset_install(partnership=partnership, key="community-led-solution")}

    nap = types["neighbourhood-action-panel"]
    cls = types["community-led-solution-group"]
    assert chain(nap) == ["NAP", "JAG", "Board"]
    assert chain(cls) == ["CLS", "JAG", "Board"]
    assert nap.priorities_per_period == 3
    assert nap.priority_period == GroupType.Period.QUARTER
    assert types["joint-action-group"].priorities_per_period == 0
    assert {Essential.SUPPORT_OFFICER, Essential.COMMUNITY_LEAD} <= set(cls.essentials)
    assert {"community-leads", "partnership-support-officer"} <= stakeholders(partnership, cls.slug)


def test_local_neighbourhood_partnership_installs_a_monthly_evening_public_cag():
    partnership = make_partnership()

    types = preset_install(partnership=partnership, key="local-neighbourhood-partnership")

    cag = types[0]
    assert chain(cag) == ["CAG", "LNP", "Board"]
    assert cag.meeting_frequency == GroupType.Frequency.MONTHLY
    assert cag.meeting_start_time == dt.time(18, 0)
    assert cag.meeting_duration_minutes == 120
    assert cag.public_may_attend is True
    assert "Safer & Stronger" in cag.description and "Health & People" in cag.description
    assert stakeholders(partnership, "community-action-group") == {
        "neighbourhood-partnership-officer",
        "community-liaison-officer",
        "police-sergeant",
        "fire-and-rescue",
        "health",
        "service-area-officers",
        "lnp-members",
        "general-public",
    }


def test_installing_a_preset_twice_changes_nothing():
    partnership = make_partnership()
    preset_install(partnership=partnership, key="local-action-groups")
    before = snapshot()

    preset_install(partnership=partnership, key="local-action-groups")

    assert snapshot() == before


def test_an_administrators_changes_survive_a_second_install():
    partnership = make_partnership()
    preset_install(partnership=partnership, key="community-led-solution")
    nap = GroupType.objects.get(partnership=partnership, slug="neighbourhood-action-panel")
    nap.name = "Neighbourhood Panel"
    nap.save()

    preset_install(partnership=partnership, key="community-led-solution")

    assert GroupType.objects.get(pk=nap.pk).name == "Neighbourhood Panel"


def test_presets_share_one_board_and_install_into_a_second_partnership():
    first = make_partnership()
    second = make_partnership()
    for key in PRESETS:
        preset_install(partnership=first, key=key)
    kinds = StakeholderKind.objects.count()

    preset_install(partnership=second, key="local-action-groups")

    assert GroupType.objects.filter(partnership=first).count() == 9
    assert GroupType.objects.filter(partnership=first, slug="partnership-board").count() == 1
    board = GroupType.objects.get(partnership=first, slug="partnership-board")
    assert (
        GroupType.objects.get(partnership=first, slug="local-neighbourhood-partnership").escalates_to == board
    )
    assert GroupType.objects.filter(partnership=second).count() == 4
    second_lag = GroupType.objects.get(partnership=second, slug="local-action-group")
    assert second_lag.escalates_to.partnership == second
    assert StakeholderKind.objects.count() == kinds


def test_it_reuses_a_stakeholder_kind_with_the_same_name():
    existing = StakeholderKind.objects.create(name="Schools", slug="local-schools")
    partnership = make_partnership()

    preset_install(partnership=partnership, key="local-action-groups")

    assert "local-schools" in stakeholders(partnership, "local-action-group")
    assert StakeholderKind.objects.filter(name="Schools").get() == existing


def test_an_unknown_preset_is_refused():
    partnership = make_partnership()
    with pytest.raises(UnknownPreset, match='There is no preset "nope"'):
        preset_install(partnership=partnership, key="nope")
    assert GroupType.objects.count() == 0


def test_the_command_installs_a_preset_by_partnership_slug():
    partnership = make_partnership(name="Castleford CSP")
    out = StringIO()

    call_command("install_preset", "local-action-groups", "--partnership", partnership.slug, stdout=out)
    call_command("install_preset", "local-action-groups", "--partnership", partnership.slug, stdout=out)

    assert "Local Action Groups is installed in Castleford CSP" in out.getvalue()
    assert GroupType.objects.filter(partnership=partnership).count() == 4


def test_the_command_refuses_an_unknown_partnership_or_preset():
    make_partnership(name="Castleford CSP")
    with pytest.raises(CommandError, match='There is no partnership with the slug "nowhere".*castleford-csp'):
        call_command("install_preset", "local-action-groups", "--partnership", "nowhere")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("install_preset", "nope", "--partnership", "castleford-csp")
    assert GroupType.objects.count() == 0


def test_an_administrator_installs_a_preset_from_the_admin(client):
    partnership = make_partnership()
    client.force_login(make_user(role="administrator", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:partnership_partnership_changelist"),
        {"action": "install_community_led_solution", "_selected_action": [partnership.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Community Led Solution is installed in" in response.content.decode()
    assert GroupType.objects.filter(partnership=partnership).count() == 5


def test_staff_without_permission_cannot_install_a_preset_from_the_admin(client):
    partnership = make_partnership()
    client.force_login(make_user(role="officer", is_staff=True))

    response = client.post(
        reverse("admin:partnership_partnership_changelist"),
        {"action": "install_community_led_solution", "_selected_action": [partnership.pk]},
    )

    assert response.status_code == 403
    assert GroupType.objects.count() == 0


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_installs_the_crime_and_disorder_scrutiny_committee_outside_the_chain(key):
    partnership = make_partnership()

    preset_install(partnership=partnership, key=key)

    committee = GroupType.objects.get(partnership=partnership, slug="crime-and-disorder-scrutiny-committee")
    assert committee.name == "Crime and disorder scrutiny committee"
    assert committee.escalates_to is None
    assert not committee.escalated_from.exists()
    assert committee.meeting_frequency == GroupType.Frequency.ANNUALLY
    assert "district-and-county-councillors" in stakeholders(partnership, committee.slug)


def test_installing_a_preset_again_adds_the_committee_to_a_partnership_installed_before_it():
    partnership = make_partnership()
    preset_install(partnership=partnership, key="local-action-groups")
    GroupType.objects.filter(slug="crime-and-disorder-scrutiny-committee").delete()

    preset_install(partnership=partnership, key="local-action-groups")

    assert GroupType.objects.filter(
        partnership=partnership, slug="crime-and-disorder-scrutiny-committee"
    ).exists()
