"""The provider's pages: my activities and their status, positioning by postcode, place name or
click (checked on land), needs and evidence, and progress reports on my own lines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import NotFound, NotLineProvider
from domain.model import Activity
from domain.vocabulary import ValidationStatus
from services.pages import provider as pages
from services.pages.provider import ActivityForm
from services.settings import ServiceSettings
from services.spo.progress import progress_reports
from services.validation import decline_activity
from spo.progress import DeliveryStatus
from store.port import Store
from tests.services.pages.conftest import (
    AT,
    OTHER_PROVIDER,
    PROVIDER,
    TODAY,
    VALIDATOR,
    activity,
    in_delivery,
)

FORM = ActivityForm(
    name="Knife crime workshops",
    description="Workshops in schools.",
    where="RG1 1AF",
    themes=("serious_violence",),
    need_type="volunteering",
    need_amount="120",
    need_unit="hours",
    need_description="mentors",
    evidence_title="Evaluation 2025",
    evidence_url="https://example.org/eval.pdf",
    evidence_strength="3",
    evidence_outcome="violence_with_injury_prevented",
    evidence_quantity="4",
)


def test_home_lists_my_activities_and_only_my_lines(world: Store) -> None:
    in_delivery(world, cash=True)  # line-1 supports my act-1, line-2 prov-2's act-2
    home = pages.provider_home(world, PROVIDER, today=TODAY)
    assert [r.activity.id for r in home.activities] == ["act-1"]
    assert home.activities[0].status_words == "Validated until 01 January 2099"
    assert home.activities[0].local_authority == "Reading"
    assert [(r.spo.id, r.progress.line_id, r.can_report) for r in home.lines] == [
        ("spo-1", "line-1", True)
    ]
    feature = home.activities_geojson()["features"][0]  # type: ignore[index]
    assert feature["id"] == "act-1"


def test_position_by_postcode_is_pending_with_needs_and_evidence(
    world: Store, settings: ServiceSettings
) -> None:
    outcome = pages.position_new_activity(world, settings, PROVIDER, FORM)
    assert outcome.ok and outcome.value is not None, outcome.errors
    saved = world.get(Activity, outcome.value.id)
    assert saved.id.startswith("act-knife-crime-workshops-")  # made by dicm, not typed
    assert saved.validation_status is ValidationStatus.PENDING
    assert saved.postcode == "RG1 1AF" and saved.territory_code == "E23000029"
    assert abs(saved.location.x - -0.9693) < 0.001 and abs(saved.location.y - 51.4575) < 0.001
    assert saved.needs[0].amount == 120 and saved.needs[0].unit == "hours"
    assert saved.evidence[0].outcome == "violence_with_injury_prevented"
    home = pages.provider_home(world, PROVIDER, today=TODAY)
    assert "Waiting for a validator" in [r.status_words for r in home.activities]


def test_position_by_place_name_and_by_click(world: Store, settings: ServiceSettings) -> None:
    by_place = pages.position_new_activity(
        world,
        settings,
        PROVIDER,
        ActivityForm(name="Oxford mentors", where="Oxford", themes=("victims",)),
    )
    assert by_place.ok, by_place.errors
    clicked = pages.position_new_activity(
        world,
        settings,
        PROVIDER,
        ActivityForm(name="Slough club", lon="-0.595", lat="51.5105", themes=("victims",)),
    )
    assert clicked.ok and clicked.value is not None
    assert (clicked.value.location.x, clicked.value.location.y) == (-0.595, 51.5105)
    assert clicked.value.postcode is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"where": ""}, "where", "click the map"),
        ({"where": "ZZ99 9ZZ"}, "where", "ZZ99"),
        ({"where": "", "lon": "-3.0", "lat": "53.0"}, "where", "no UK police territory"),
        ({"name": " "}, "name", "Enter the activity's name"),
        ({"themes": ()}, "themes", "at least one priority"),
        ({"need_unit": "GBP"}, "need_unit", "counted in hours"),
        ({"need_amount": "lots"}, "need_amount", "must be a number"),
        ({"evidence_url": "ftp://x"}, "evidence_url", "https://"),
    ],
)
def test_a_wrong_form_says_which_field_and_saves_nothing(
    world: Store, settings: ServiceSettings, changes: dict[str, object], field: str, words: str
) -> None:
    form = ActivityForm(**{**FORM.__dict__, **changes})
    outcome = pages.position_new_activity(world, settings, PROVIDER, form)
    assert not outcome.ok and field in outcome.errors and words in outcome.errors[field]
    assert world.count(Activity) == 2


def test_moving_an_activity_sends_it_back_to_pending(
    world: Store, settings: ServiceSettings
) -> None:
    before = activity(world, "act-1")
    moved = pages.move_activity(
        world, settings, PROVIDER, "act-1", expected_version=before.version, where="RG1 1AF"
    )
    assert moved.ok and moved.value is not None
    assert moved.value.validation_status is ValidationStatus.PENDING
    assert moved.value.postcode == "RG1 1AF"
    refused = pages.move_activity(
        world, settings, PROVIDER, "act-1", expected_version=moved.value.version, where=""
    )
    assert "where" in refused.errors
    with pytest.raises(NotFound):
        pages.move_activity(
            world, settings, OTHER_PROVIDER, "act-1", expected_version=2, where="Oxford"
        )


def test_declined_activity_shows_the_validators_reason(world: Store) -> None:
    act = activity(world, "act-1")
    decline_activity(
        world,
        "act-1",
        actor=VALIDATOR,
        expected_version=act.version,
        reason="no safeguarding policy",
    )
    row = pages.my_activity(world, PROVIDER, "act-1", today=TODAY)
    assert row.status_words == "Declined: no safeguarding policy"
    with pytest.raises(NotFound):
        pages.my_activity(world, OTHER_PROVIDER, "act-1", today=TODAY)


def test_reporting_progress_on_my_line(world: Store) -> None:
    in_delivery(world, cash=True)
    done = pages.report_line_progress(
        world,
        PROVIDER,
        "spo-1",
        "line-1",
        amount="60",
        delivered_on=(TODAY - timedelta(days=1)).isoformat(),
        evidence_url="https://example.org/register.pdf",
        note="January sessions",
        at=AT,
    )
    assert done.ok and done.value is not None, done.errors
    assert done.value.progress.delivered == 60.0
    assert done.value.progress.status is DeliveryStatus.ON_TRACK
    assert [r.amount for r in progress_reports(world, "spo-1")] == [60.0]


@pytest.mark.parametrize(
    ("amount", "day", "field", "words"),
    [
        ("500", str(TODAY), "amount", "commit"),
        ("0", str(TODAY), "amount", "more than 0"),
        ("10", str(TODAY + timedelta(days=3)), "delivered_on", "after today"),
        ("10", "4 Jan", "delivered_on", "real date"),
    ],
)
def test_a_wrong_report_is_refused_with_its_field(
    world: Store, amount: str, day: str, field: str, words: str
) -> None:
    in_delivery(world)
    outcome = pages.report_line_progress(
        world, PROVIDER, "spo-1", "line-1", amount=amount, delivered_on=day, at=AT
    )
    assert field in outcome.errors and words in outcome.errors[field].lower()
    assert progress_reports(world, "spo-1") == []


def test_another_providers_line_is_not_mine(world: Store) -> None:
    in_delivery(world, cash=True)
    with pytest.raises(NotLineProvider):
        pages.report_line_progress(
            world, OTHER_PROVIDER, "spo-1", "line-1", amount="5", delivered_on=str(TODAY), at=AT
        )
    assert [r.progress.line_id for r in pages.my_lines(world, OTHER_PROVIDER, today=TODAY)] == [
        "line-2"
    ]
